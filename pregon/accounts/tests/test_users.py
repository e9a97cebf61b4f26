import re
import smtplib

from django.core import mail
from django.test import override_settings

from pregon.accounts.models import AuditAction, AuditEntry, Role, User
from pregon.testing import BaseTestCase

NEW_PASSWORD = "a new and long passphrase"


class RefusingBackend:
    """A mail backend whose server refuses every message."""

    def __init__(self, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: list) -> int:
        raise smtplib.SMTPRecipientsRefused({})


class UsersTestCase(BaseTestCase):
    def invite(self, email: str, role: str = Role.EDITOR, name: str = ""):
        return self.client.post("/cuenta/usuarios/", {"email": email, "name": name, "role": role})

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get("/cuenta/usuarios/")
        self.assertIn("/cuenta/entrar/", response["Location"])

    def test_editors_and_analysts_get_403(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/cuenta/usuarios/").status_code, 403)
            self.assertEqual(self.invite("eve@example.org").status_code, 403)
        self.assertFalse(User.objects.filter(email="eve@example.org").exists())

    def test_it_lists_users_with_role_and_last_login(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get("/cuenta/usuarios/")
        self.assertContains(response, "charlie@example.org")
        self.assertContains(
            response, '<option value="analyst" selected>Analyst</option>', html=True
        )
        self.assertContains(response, "Never")

    def test_a_script_in_a_name_is_shown_escaped(self) -> None:
        self.bob.name = "<script>alert(1)</script>"
        self.bob.save()
        self.client.force_login(self.alice)
        response = self.client.get("/cuenta/usuarios/")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(response, "<script>alert(1)")

    def test_an_invited_user_chooses_a_password_from_the_email(self) -> None:
        self.client.force_login(self.alice)
        response = self.invite("Eve@Example.org", Role.ANALYST, "Eva Rojas")
        self.assertRedirects(response, "/cuenta/usuarios/", fetch_redirect_response=False)
        eve = User.objects.get(email="eve@example.org")
        self.assertEqual(eve.role, Role.ANALYST)
        self.assertEqual(eve.name, "Eva Rojas")
        self.assertFalse(eve.has_usable_password())
        entry = AuditEntry.objects.get(action=AuditAction.USER_INVITED)
        self.assertEqual((entry.actor, entry.target), (self.alice, "eve@example.org"))

        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["eve@example.org"])
        self.assertIn("alice@example.org invited you", message.body)
        self.assertIn("Analyst", message.body)
        link = re.search(r"http://127\.0\.0\.1:8000(/cuenta/restablecer/\S+/)", message.body)[1]

        self.client.logout()
        response = self.client.get(link, follow=True)
        data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        self.client.post(response.redirect_chain[-1][0], data)
        login = {"email": "eve@example.org", "password": NEW_PASSWORD}
        response = self.client.post("/cuenta/entrar/", login)
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_refuses_an_address_already_used(self) -> None:
        self.client.force_login(self.alice)
        response = self.invite("BOB@example.org")
        self.assertContains(response, "A user with this email address already exists.")
        self.assertEqual(mail.outbox, [])

    @override_settings(EMAIL_BACKEND="pregon.accounts.tests.test_users.RefusingBackend")
    def test_nobody_is_invited_when_the_mail_server_refuses(self) -> None:
        self.client.force_login(self.alice)
        response = self.invite("eve@example.org")
        self.assertContains(response, "The mail server refused the invitation")
        self.assertFalse(User.objects.filter(email="eve@example.org").exists())
        self.assertFalse(AuditEntry.objects.exists())
