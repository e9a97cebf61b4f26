"""The frequency cap in real Chromium: an administrator sets it on the sending limits page,
a campaign sent by the engine to a real SMTP server skips the contacts over it, and its
report shows them among the skipped, by reason. Screenshots for the manual
(docs/screenshots/sending-limits.png, report-skipped.png)."""

import pytest

from pregon.accounts.models import Role, User
from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign
from pregon.sending.models import SendingLimits
from pregon.testing.browser import BrowserTestCase, screenshot
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server

ADMIN = "admin@capacitacion.gob.pe"


@pytest.mark.browser
class FrequencyCapBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(ADMIN, "correct horse battery staple", role=Role.ADMIN)

    def send(self, mailing_list: object) -> Campaign:
        campaign = campaign_to(mailing_list)
        scheduling.start_due_campaigns()
        send_all()
        campaign.refresh_from_db()
        return campaign

    def test_the_cap_is_set_on_the_limits_page_and_shown_in_the_report(self) -> None:
        from playwright.sync_api import expect

        mailing_list = contacts_on_a_list(8)
        with self.signed_in(ADMIN) as (page, problems), smtp_server(Mailbox()):
            page.goto(f"{self.live_server_url}/envio/limites/")
            expect(page.get_by_label("Correos de marketing por contacto")).to_have_value("0")
            page.get_by_label("Correos de marketing por contacto").fill("1")
            screenshot(page, "sending-limits")
            page.get_by_role("button", name="Guardar").click()
            expect(page.locator(".alert-success")).to_contain_text("Límites de envío guardados")
            self.assertEqual(SendingLimits.load().frequency_cap, 1)

            # Three of the eight had an email today already.
            earlier = campaign_to(mailing_list)
            scheduling.start_due_campaigns()
            earlier.refresh_from_db()
            earlier.mailing.messages.filter(email__lt="persona0005").delete()
            send_all()
            campaign = self.send(mailing_list)
            scheduling.follow_mailings()

            page.goto(f"{self.live_server_url}/informes/campanas/{campaign.code}/")
            card = page.locator('[data-figure="skipped"]')
            expect(card.locator("[data-value]")).to_have_text("3")
            expect(card).to_contain_text("límite de frecuencia 3")
            card.scroll_into_view_if_needed()
            screenshot(page, "report-skipped", full_page=False)
            self.assertEqual(problems, [])
