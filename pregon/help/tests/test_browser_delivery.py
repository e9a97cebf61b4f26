"""Help > Delivery in real Chromium, as an administrator, for the manual's and the
checklist's screenshot (docs/screenshots/delivery.png): the pack's build, the delivery of
the credentials and the checklist, each requirement with its evidence."""

import datetime

import pytest

from pregon.accounts.models import Role, User
from pregon.sending import quota_settings
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    screenshot,
)

ADMIN = "eventosdecapacitacion@osce.gob.pe"


@pytest.mark.browser
class DeliveryBrowserTestCase(BrowserTestCase):
    def test_an_administrator_reads_the_checklist_with_its_evidence(self) -> None:
        from playwright.sync_api import expect

        admin = User.objects.create_user(ADMIN, PASSWORD, role=Role.ADMIN, name="Eventos SDCC")
        quota_settings.deliver_credentials(datetime.date(2026, 3, 2), actor=admin)
        base = self.live_server_url
        with self.signed_in(ADMIN) as (page, problems):
            page.goto(f"{base}/ayuda/entrega/")
            expect(page.locator("h1")).to_have_text("Paquete de entrega")
            expect(page.locator("#delivery-term")).to_contain_text(
                "el plazo de la cuota va del 3 de marzo de 2026 al 2 de marzo de 2027"
            )
            expect(page.locator("#delivery-checklist tbody tr")).to_have_count(23)
            expect(page.locator("#requirement-R15")).to_contain_text("indicando el saldo")
            expect(page.locator("#requirement-R15 .badge")).to_have_text("Completo")
            page.click("#requirement-R15 a:text('Consumo')")
            expect(page).to_have_url(f"{base}/informes/consumo/")
            page.go_back()
            page.evaluate("window.scrollTo(0, 0)")
            screenshot(page, "delivery", full_page=False)
        self.assertEqual(problems, [])
