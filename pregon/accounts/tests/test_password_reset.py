import re

from django.core import mail

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.testing import PASSWORD, BaseTestCase

NEW_PASSWORD = "a new and long passphrase"


class PasswordResetTestCase(BaseTestCase):
    def ask_for_link(self, email: str) -> None:
        response = self.client.post("/cuenta/contrasena/olvidada/", {"email": email})
        self.assertRedirects(response, "/cuenta/contrasena/enviada/")

    def link_in(self, message: mail.EmailMessage) -> str:
        return re.search(r"http://127\.0\.0\.1:8000(/cuenta/restablecer/\S+/)", message.body)[1]

    def test_the_login_page_links_here(self) -> None:
        response = self.client.get("/cuenta/contrasena/olvidada/")
        self.assertContains(response, "Reset your password")

    def test_it_resets_the_password_through_the_emailed_link(self) -> None:
        self.ask_for_link("Bob@example.org")
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["bob@example.org"])
        self.assertEqual(message.subject, "Choose a new password for Pregón")
        html = message.alternatives[0].content
        link = self.link_in(message)
        self.assertIn(link, html)

        response = self.client.get(link, follow=True)
        self.assertContains(response, "Choose a password")
        form_url = response.redirect_chain[-1][0]
        data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        response = self.client.post(form_url, data)
        self.assertRedirects(response, "/cuenta/contrasena/lista/")
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.check_password(NEW_PASSWORD))
        entry = AuditEntry.objects.get(action=AuditAction.PASSWORD_CHANGED)
        self.assertEqual(entry.actor, self.bob)

        # The link works once.
        response = self.client.get(link, follow=True)
        self.assertContains(response, "does not work any more")

    def test_unknown_addresses_get_the_same_answer_and_no_mail(self) -> None:
        self.ask_for_link("nobody@example.org")
        self.assertEqual(mail.outbox, [])

    def test_inactive_users_get_no_mail(self) -> None:
        self.bob.is_active = False
        self.bob.save()
        self.ask_for_link("bob@example.org")
        self.assertEqual(mail.outbox, [])

    def test_a_tampered_link_does_not_work(self) -> None:
        self.ask_for_link("bob@example.org")
        link = self.link_in(mail.outbox[0])
        response = self.client.get(link[:-3] + "xx/", follow=True)
        self.assertContains(response, "does not work any more")
        self.assertTrue(self.bob.check_password(PASSWORD))

    def test_a_sixth_request_for_one_address_in_an_hour_sends_no_mail(self) -> None:
        for n in range(5):
            self.client.post(
                "/cuenta/contrasena/olvidada/",
                {"email": "bob@example.org"},
                REMOTE_ADDR=f"10.0.0.{n}",
            )
        self.assertEqual(len(mail.outbox), 5)
        with self.assertLogs("pregon.accounts.forms", "WARNING") as logs:
            response = self.client.post(
                "/cuenta/contrasena/olvidada/",
                {"email": "Bob@example.org"},
                REMOTE_ADDR="10.0.0.9",
                follow=True,
            )
        self.assertContains(response, "If an account uses that address, we have sent it a link")
        self.assertEqual(len(mail.outbox), 5)
        self.assertIn("10.0.0.9", logs.output[0])

    def test_a_sixth_request_from_one_ip_in_an_hour_sends_no_mail(self) -> None:
        for email in ("alice@example.org", "bob@example.org", "a@example.org", "b@example.org"):
            self.ask_for_link(email)
        self.ask_for_link("charlie@example.org")
        self.assertEqual(len(mail.outbox), 3)
        with self.assertLogs("pregon.accounts.forms", "WARNING"):
            self.ask_for_link("alice@example.org")
        self.assertEqual(len(mail.outbox), 3)
        # Another client still gets its link.
        self.client.post(
            "/cuenta/contrasena/olvidada/", {"email": "alice@example.org"}, REMOTE_ADDR="10.0.0.1"
        )
        self.assertEqual(len(mail.outbox), 4)
