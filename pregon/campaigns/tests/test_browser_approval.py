"""Campaign approval in real Chromium: an administrator requires it on its settings page,
an editor asks for it from the campaign's page, an administrator approves it there with a
note, and the campaign can then be sent. Screenshots for the manual
(docs/screenshots/campaign-approval-settings.png, campaign-approval.png,
campaign-approved.png)."""

import pytest

from pregon.accounts.models import Role, User
from pregon.campaigns.models import Approval, Campaign, CampaignSettings
from pregon.testing import drafts
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    login,
    screenshot,
)
from pregon.testing.campaigns import contacts_on_a_list

ADMIN = "rosa@capacitacion.gob.pe"
EDITOR = "luis@capacitacion.gob.pe"


@pytest.mark.browser
class ApprovalBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(ADMIN, PASSWORD, role=Role.ADMIN)
        editor = User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR)
        self.campaign = drafts.draft(
            to=contacts_on_a_list(120, name="Participantes 2026"),
            name="Convocatoria de enero",
            subject="Inscripciones abiertas, {{ nombre }}",
            created_by=editor,
        )

    def test_an_editor_asks_and_an_administrator_approves_on_the_campaigns_page(self) -> None:
        from playwright.sync_api import expect

        detail = f"{self.live_server_url}/campanas/{self.campaign.code}/"
        with self.signed_in(ADMIN) as (page, problems):
            page.get_by_role("button", name="Administración").click()
            page.get_by_role("link", name="Aprobación de campañas").click()
            page.get_by_label("las campañas necesitan la aprobación de un administrador").check()
            page.get_by_label("a partir de este número de destinatarios").fill("100")
            screenshot(page, "campaign-approval-settings")
            page.get_by_role("button", name="Guardar").click()
            expect(page.locator(".alert-success")).to_contain_text(
                "Aprobación de campañas guardada"
            )
            self.assertEqual(CampaignSettings.load().approval_threshold, 100)
            page.context.clear_cookies()

            login(page, self.live_server_url, EDITOR)
            page.goto(detail)
            card = page.locator("#campaign-approval")
            expect(card).to_contain_text("esta va a 120")
            expect(page.locator("#campaign-blockers")).to_contain_text("pídala")
            expect(page.locator("#campaign-send")).to_have_count(0)
            page.get_by_role("button", name="Pedir aprobación").click()
            expect(page.locator(".alert-success")).to_contain_text("Aprobación pedida")
            expect(card).to_contain_text("Esperando aprobación")
            page.context.clear_cookies()

            login(page, self.live_server_url, ADMIN)
            page.goto(detail)
            expect(card.locator("dd").first).to_have_text(EDITOR)
            page.get_by_label("Nota").fill("Revisado con la Dirección: puede salir el lunes.")
            card.scroll_into_view_if_needed()
            screenshot(page, "campaign-approval", full_page=False)
            card.get_by_role("button", name="Aprobar").click()
            expect(page.locator(".alert-success")).to_contain_text("Campaña aprobada")
            expect(card).to_contain_text("Revisado con la Dirección")
            expect(page.locator("#campaign-send")).to_be_visible()
            screenshot(page, "campaign-approved", full_page=False)
            self.assertEqual(Campaign.objects.get().approval, Approval.APPROVED)
            self.assertEqual(problems, [])
