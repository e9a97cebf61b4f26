"""Resends in real Chromium: the incident banner of a campaign whose relay went down in the
middle, the list of those not reached and the resend to them, and the form of a resend to
those who did not open, with the choice about machines' opens stated.

Saves the screenshots the manual shows (docs/screenshots/resend-*.png).
"""

import pytest
from django.test import override_settings

from pregon.accounts.models import Role, User
from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign, ResendKind
from pregon.sending import engine
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    fits_width,
    screenshot,
)
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server

ADMIN = "admin@example.pe"


@pytest.mark.browser
@override_settings(SENDING_RETRY_DELAYS=[])
class ResendBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(ADMIN, PASSWORD, role=Role.ADMIN, name="Rosa Admin")
        # 40 contacts; the relay takes 25 messages and goes down: 15 are left unsent.
        with smtp_server(Mailbox()):
            self.parent = campaign_to(contacts_on_a_list(40, name="Participantes 2026"))
            Campaign.objects.filter(pk=self.parent.pk).update(
                name="Curso de contrataciones, diciembre"
            )
            scheduling.start_due_campaigns()
            worker = engine.Worker()
            engine.send_batch(worker, 25)
            worker.close()
        send_all()
        scheduling.follow_mailings()
        self.parent.refresh_from_db()

    def test_the_incident_banner_the_unreached_and_the_resends(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(ADMIN) as (page, problems):
            page.goto(f"{base}/campanas/{self.parent.code}/")
            banner = page.locator("#incident-banner")
            expect(banner).to_contain_text("Un incidente del sistema dejó 15 mensajes sin enviar")
            expect(banner).to_contain_text("No se cobraron")
            expect(page.locator("#unreached-reasons")).to_contain_text(
                "No se pudo conectar con el servidor de envío"
            )
            self.assertTrue(fits_width(page))
            screenshot(page, "resend-incident-banner", full_page=False)

            page.click("#resend-unreached")
            expect(page.locator("h1")).to_have_text("Enviar de nuevo a quienes no recibieron")
            expect(page.locator("#unreached-table tbody tr")).to_have_count(15)
            screenshot(page, "resend-unreached")
            page.click("#resend-create")
            expect(page.locator("#resend-of")).to_contain_text("a quienes no recibieron")
            expect(page.locator("[data-count]").first).to_have_attribute("data-count", "15")
            again = Campaign.objects.get(resend_of=self.parent)
            self.assertEqual(again.resend_kind, ResendKind.UNREACHED)

            page.goto(f"{base}/campanas/{self.parent.code}/")
            expect(page.locator("#resend-list")).to_contain_text("(a quienes no recibieron)")
            page.click("#resend-non-openers")
            expect(page.locator("[data-count=people]")).to_have_text("25")
            page.fill("#id_days", "2")
            page.fill("#id_subject", "{{ nombre }}, ¿viste el curso de diciembre?")
            page.check("input[name=machines][value=people]")
            screenshot(page, "resend-non-openers")
            page.click("#resend-create")
            expect(page.locator("#resend-machines")).to_contain_text(
                "Solo cuentan las aperturas y clics de personas"
            )
            expect(page.locator("#resend-planned")).to_contain_text("Previsto para")
            self.assertTrue(fits_width(page))
            screenshot(page, "resend-draft", full_page=False)

            # Scheduled for the planned time through the usual confirmation.
            page.click("#resend-schedule")
            page.click("#confirm-button")
            expect(page.locator("#campaign-actions [data-status]")).to_have_attribute(
                "data-status", "scheduled"
            )
        self.assertEqual(problems, [])
        resend = Campaign.objects.get(resend_of=self.parent, resend_kind=ResendKind.NON_OPENERS)
        self.assertEqual(resend.subject, "{{ nombre }}, ¿viste el curso de diciembre?")
