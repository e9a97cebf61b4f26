import re

from django.core import mail

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.testing import PASSWORD, BaseTestCase


class EmailChangeTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)

    def ask(self, email: str, password: str = PASSWORD):
        return self.client.post("/cuenta/perfil/correo/", {"email": email, "password": password})

    def link(self) -> str:
        return re.search(
            r"http://127\.0\.0\.1:8000(/cuenta/perfil/correo/\S+/)", mail.outbox[0].body
        )[1]

    def test_it_sends_a_link_to_the_new_address_only(self) -> None:
        response = self.ask("Roberto@Agencia.gob.pe")
        self.assertRedirects(response, "/cuenta/perfil/", fetch_redirect_response=False)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["roberto@agencia.gob.pe"])
        self.assertIn("24 hours", mail.outbox[0].body)
        self.bob.refresh_from_db()
        self.assertEqual(self.bob.email, "bob@example.org")

    def test_it_needs_the_current_password(self) -> None:
        response = self.ask("roberto@agencia.gob.pe", "wrong")
        self.assertContains(response, "Your current password is not right.")
        self.assertEqual(mail.outbox, [])

    def test_it_refuses_an_address_another_user_has(self) -> None:
        response = self.ask("ALICE@example.org")
        self.assertContains(response, "Another user already has this email address.")
        self.assertEqual(mail.outbox, [])

    def test_it_refuses_the_same_address(self) -> None:
        response = self.ask("bob@example.org")
        self.assertContains(response, "This is already your email address.")

    def test_it_rejects_get(self) -> None:
        self.assertEqual(self.client.get("/cuenta/perfil/correo/").status_code, 405)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        self.client.logout()
        response = self.ask("roberto@agencia.gob.pe")
        self.assertIn("/cuenta/entrar/", response["Location"])
        self.assertEqual(mail.outbox, [])

    def test_the_link_is_audited_when_used(self) -> None:
        self.ask("roberto@agencia.gob.pe")
        self.client.post(self.link())
        entry = AuditEntry.objects.get(action=AuditAction.EMAIL_CHANGED)
        self.assertEqual(entry.detail, {"old": "bob@example.org", "new": "roberto@agencia.gob.pe"})
