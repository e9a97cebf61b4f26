"""Support requests in real Chromium, for the manual's screenshots (docs/screenshots/
support-request.png, support-ticket.png): an editor asks for help from the contacts screen
through its "?" with a screenshot attached; an administrator answers and resolves it; the
editor reads the answer in "Mis solicitudes"."""

import pytest
from django.core import mail

from pregon.accounts.models import Role, User
from pregon.help.models import Ticket, TicketStatus
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    fits_width,
    login,
    screenshot,
)

EDITOR = "editora@capacitacion.gob.pe"
ADMIN = "soporte@capacitacion.gob.pe"


@pytest.mark.browser
class SupportBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Lucía Quispe")
        User.objects.create_user(ADMIN, PASSWORD, role=Role.ADMIN, name="Mesa de ayuda TI")

    def test_ask_for_help_from_a_screen_then_get_the_answer(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(f"{base}/contactos/")
            # What the editor sees, attached as a person would attach a screenshot.
            capture = page.screenshot()
            page.click("#screen-help > a")
            page.click("#screen-help-ask")
            expect(page.locator("#support-page")).to_contain_text("/contactos/")
            page.fill("#id_subject", "No puedo importar mi lista de participantes")
            page.fill(
                "#id_body",
                "Subo el archivo Excel del curso de Contrataciones y la pantalla dice que "
                "falta la columna de correo, pero la columna existe.",
            )
            page.set_input_files(
                "#id_attachment",
                files=[{"name": "pantalla.png", "mimeType": "image/png", "buffer": capture}],
            )
            self.assertTrue(fits_width(page))
            screenshot(page, "support-request")
            page.click("#support-form button[type=submit]")
            expect(page.locator("#ticket-subject")).to_contain_text("No puedo importar")
            expect(page.locator("#ticket-page")).to_have_attribute("href", "/contactos/")
            expect(page.locator("[data-attachment='pantalla.png'] img")).to_be_visible()
            ticket = Ticket.objects.get()
            self.assertEqual([message.to for message in mail.outbox], [[ADMIN]])

            page.context.clear_cookies()
            login(page, base, ADMIN)
            page.goto(f"{base}/ayuda/solicitudes/")
            page.click("#support-filter [data-status=new]")
            page.click(f"tr[data-ticket='{ticket.pk}'] a")
            page.fill(
                "#id_body",
                "Buenos días, Lucía. La columna debe llamarse «correo» o «email» en la primera "
                "fila. Guarde el archivo y súbalo otra vez.",
            )
            page.click("#reply-form button[type=submit]")
            expect(page.locator("[data-ticket-status]").first).to_have_text("En curso")
            page.select_option("#id_status", "resolved")
            page.click("#status-form button[type=submit]")
            expect(page.locator("[data-ticket-status]").first).to_have_text("Resuelta")
            expect(page.locator("#ticket-thread [data-entry-kind=status]")).to_have_count(2)
            page.evaluate("window.scrollTo(0, 0)")
            screenshot(page, "support-ticket")
            self.assertEqual([message.to for message in mail.outbox[1:]], [[EDITOR], [EDITOR]])

            page.context.clear_cookies()
            login(page, base, EDITOR)
            page.click("#screen-help > a")
            page.click("#screen-help-requests")
            expect(page.locator(f"tr[data-ticket='{ticket.pk}']")).to_contain_text("Resuelta")
        ticket.refresh_from_db()
        self.assertEqual(ticket.status, TicketStatus.RESOLVED)
        self.assertEqual(problems, [])
