"""The sending-side alert on the dashboard in real Chromium, for the manual's screenshot
(docs/screenshots/sending-side-alert.png)."""

import pytest

from pregon.accounts.models import Role, User
from pregon.sending.models import BounceCause
from pregon.testing import drafts
from pregon.testing.browser import BrowserTestCase, screenshot
from pregon.testing.refusals import BLOCKED, refused, sent

ADMIN = "admin@capacitacion.gob.pe"
DMARC = (
    "550 5.7.26 Unauthenticated email from capacitacion.gob.pe is not accepted due to "
    "domain's DMARC policy"
)


@pytest.mark.browser
class SendingSideAlertBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(ADMIN, "correct horse battery staple", role=Role.ADMIN)
        sender = drafts.sender("capacitacion@capacitacion.gob.pe")
        emails = [f"participante{n}@gmail.com" for n in range(12)] + ["docente@outlook.com"]
        messages = sent(sender, emails, "Curso de gestión pública")
        for message in messages[:-1]:
            refused(message, BLOCKED, BounceCause.BLOCKED)
        refused(messages[-1], DMARC, BounceCause.SECURITY_ERROR, days_ago=2)

    def test_the_dashboard_names_the_receivers_that_refuse_us(self) -> None:
        from playwright.sync_api import expect

        with self.signed_in(ADMIN) as (page, problems):
            alert = page.locator("#refusals")
            expect(alert).to_contain_text("gmail.com")
            expect(alert.locator("[data-receiver='gmail.com']")).to_contain_text("12 mensajes")
            screenshot(page, "sending-side-alert", full_page=False)
            alert.get_by_role("link", name="lista de comprobación").click()
            expect(page.locator("#item-refusals")).to_have_attribute("data-state", "fail")
        self.assertEqual(problems, [])
