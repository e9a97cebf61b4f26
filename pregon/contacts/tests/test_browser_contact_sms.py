"""A contact who replied BAJA, in real Chromium, as an editor: the page says since when
and how; sending SMS again asks for the person's request first. Screenshots for the
manual (docs/screenshots/contact-sms*.png)."""

import datetime

import pytest
from django.utils import timezone

from pregon.accounts.models import Role, User
from pregon.contacts.models import Contact
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    screenshot,
)

EDITOR = "editora@example.pe"


@pytest.mark.browser
class ContactSmsBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Eva Editora")
        # What a BAJA reply leaves (sending.sms.replies): the time alone.
        self.ana = Contact.objects.create(
            email="ana.quispe@example.pe",
            first_name="Ana",
            last_name="Quispe",
            phone="+51987654321",
            sms_opted_out_at=timezone.now() - datetime.timedelta(days=3),
        )

    def test_send_sms_again_once_the_person_asked(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(f"{base}/contactos/{self.ana.code}/")
            expect(page.locator("#sms-state")).to_contain_text("(respondió BAJA o STOP)")
            screenshot(page, "contact-sms", full_page=False)

            page.click("#sms-opt-in")
            page.fill("#id_note", "Llamó a la oficina el 5 de diciembre")
            page.click("#sms-submit")
            expect(page.locator(".invalid-feedback")).to_contain_text("Marque la casilla")
            page.check("#id_confirmed")
            screenshot(page, "contact-sms-resume", full_page=False)
            page.click("#sms-submit")
            expect(page.locator(".alert-success")).to_contain_text("vuelve a recibir SMS")
            expect(page.locator("#sms-state")).to_contain_text("Recibe SMS.")
            expect(page.locator("#history-table")).to_contain_text("Vuelve a recibir SMS")
            self.assertEqual(problems, [])
        self.ana.refresh_from_db()
        self.assertIsNone(self.ana.sms_opted_out_at)
