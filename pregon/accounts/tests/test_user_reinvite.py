import re

from django.core import mail
from django.test import override_settings

from pregon.accounts.models import AuditAction, AuditEntry, Role, User
from pregon.testing import BaseTestCase


class UserReinviteTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.eve = User.objects.create_user("eve@example.org", None, role=Role.EDITOR)
        self.url = f"/cuenta/usuarios/{self.eve.code}/reinvitar/"

    def test_it_sends_a_new_link_to_a_user_who_never_chose_a_password(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get("/cuenta/usuarios/")
        self.assertContains(response, f'action="{self.url}"')
        self.assertNotContains(response, f"/cuenta/usuarios/{self.bob.code}/reinvitar/")

        response = self.client.post(self.url)
        self.assertRedirects(response, "/cuenta/usuarios/", fetch_redirect_response=False)
        self.assertEqual(mail.outbox[0].to, ["eve@example.org"])
        self.assertRegex(mail.outbox[0].body, r"/cuenta/restablecer/\S+/")
        entry = AuditEntry.objects.get(action=AuditAction.USER_INVITED)
        self.assertEqual((entry.actor, entry.target), (self.alice, "eve@example.org"))
        self.assertEqual(entry.detail["resent"], True)

    def test_the_new_link_sets_the_password(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(self.url)
        link = re.search(r"http://127\.0\.0\.1:8000(/cuenta/restablecer/\S+/)", mail.outbox[0].body)
        self.client.logout()
        response = self.client.get(link[1], follow=True)
        password = "a long and new passphrase"
        data = {"new_password1": password, "new_password2": password}
        self.client.post(response.redirect_chain[-1][0], data)
        self.eve.refresh_from_db()
        self.assertTrue(self.eve.check_password(password))

    def test_a_user_with_a_password_is_pointed_to_the_reset_page(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(f"/cuenta/usuarios/{self.bob.code}/reinvitar/", follow=True)
        self.assertContains(response, "bob@example.org already has a password")
        self.assertEqual(mail.outbox, [])

    @override_settings(EMAIL_BACKEND="pregon.accounts.tests.test_users.RefusingBackend")
    def test_a_refusing_mail_server_is_reported_and_nothing_audited(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "The mail server refused the invitation. Try again.")
        self.assertFalse(AuditEntry.objects.exists())

    def test_it_rejects_get(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_only_administrators_may(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertEqual(mail.outbox, [])
