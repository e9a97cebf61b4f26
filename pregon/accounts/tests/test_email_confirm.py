import re

import time_machine
from django.core import mail
from django.utils import timezone

from pregon.accounts.models import AuditAction, AuditEntry, User
from pregon.testing import PASSWORD, BaseTestCase

NEW_EMAIL = "roberto@agencia.gob.pe"


class EmailConfirmTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        self.client.post("/cuenta/perfil/correo/", {"email": NEW_EMAIL, "password": PASSWORD})
        body = mail.outbox.pop().body
        self.link = re.search(r"http://127\.0\.0\.1:8000(/cuenta/perfil/correo/\S+/)", body)[1]
        # The link is opened later, maybe in another browser.
        self.client.logout()

    def test_opening_the_link_changes_nothing_until_confirmed(self) -> None:
        response = self.client.get(self.link)
        self.assertContains(response, NEW_EMAIL)
        self.assertContains(response, "Use the new address")
        self.bob.refresh_from_db()
        self.assertEqual(self.bob.email, "bob@example.org")

    def test_confirming_changes_the_address_and_tells_the_old_one(self) -> None:
        response = self.client.post(self.link)
        self.assertEqual(response.status_code, 302)
        self.bob.refresh_from_db()
        self.assertEqual(self.bob.email, NEW_EMAIL)
        entry = AuditEntry.objects.get(action=AuditAction.EMAIL_CHANGED)
        self.assertEqual(entry.actor, self.bob)
        self.assertEqual(entry.detail, {"old": "bob@example.org", "new": NEW_EMAIL})
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["bob@example.org"])
        self.assertIn(NEW_EMAIL, mail.outbox[0].body)
        # The new address logs in.
        login = {"email": NEW_EMAIL, "password": PASSWORD}
        response = self.client.post("/cuenta/entrar/", login)
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_the_link_works_once(self) -> None:
        self.client.post(self.link)
        response = self.client.post(self.link)
        self.assertContains(response, "This link does not work", status_code=400)
        self.assertEqual(AuditEntry.objects.filter(action=AuditAction.EMAIL_CHANGED).count(), 1)

    def test_the_link_expires_after_24_hours(self) -> None:
        with time_machine.travel(timezone.now() + timezone.timedelta(hours=24, minutes=1)):
            response = self.client.post(self.link)
        self.assertContains(response, "This link does not work", status_code=400)
        self.bob.refresh_from_db()
        self.assertEqual(self.bob.email, "bob@example.org")

    def test_a_tampered_link_does_not_work(self) -> None:
        response = self.client.get(self.link[:-4] + "AA/")
        self.assertEqual(response.status_code, 400)

    def test_it_refuses_an_address_taken_meanwhile(self) -> None:
        User.objects.create_user(NEW_EMAIL, PASSWORD)
        response = self.client.post(self.link, follow=True)
        self.assertContains(response, "Another user already has this email address.")
        self.bob.refresh_from_db()
        self.assertEqual(self.bob.email, "bob@example.org")
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.EMAIL_CHANGED).exists())
