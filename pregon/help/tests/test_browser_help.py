"""The help centre and "send me a test" in real Chromium, for the manual's screenshots
(docs/screenshots/help-guide.png, header-test.png): a guide with its contents and the other
guides beside it, and the headers of a test message really sent through an SMTP server."""

import pytest

from pregon.accounts.models import Role, User
from pregon.sending.models import SenderIdentity
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    fits_width,
    screenshot,
)
from pregon.testing.smtp import Mailbox, smtp_server

EDITOR = "editora@capacitacion.gob.pe"


@pytest.mark.browser
class HelpBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Lucía Editora")
        SenderIdentity.objects.create(
            from_name="Escuela de Capacitación", from_email="cursos@capacitacion.gob.pe"
        )

    def test_read_a_guide_then_send_me_a_test(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        mailbox = Mailbox()
        with smtp_server(mailbox), self.signed_in(EDITOR) as (page, problems):
            page.click("nav a[href='/ayuda/']")
            page.click("#guide-list >> text=DKIM")
            expect(page.locator("#guide h1")).to_have_text("DKIM: la firma de sus mensajes")
            page.click("#guide-toc >> text=Claves de más de 255 caracteres")
            expect(page).to_have_url(f"{base}/ayuda/dkim/#claves-de-mas-de-255-caracteres")
            self.assertTrue(fits_width(page))
            page.evaluate("window.scrollTo(0, 0)")
            screenshot(page, "help-guide", full_page=False)
            page.click("#guide-others >> text=DMARC: su política y sus reportes")
            expect(page.locator("#guide h1")).to_have_text("DMARC: su política y sus reportes")

            page.goto(f"{base}/envio/enviarme-una-prueba/")
            expect(page.locator("#id_address")).to_have_value(EDITOR)
            page.click("#header-test-form button[type=submit]")
            expect(page.locator("#relay-reply")).to_contain_text("Ok: queued")
            expect(page.locator("#header-table tr[data-header=DKIM-Signature]")).to_have_count(2)
            self.assertEqual([message.recipient for message in mailbox.received], [EDITOR])
            shown = page.locator("tr[data-header=List-Unsubscribe-Post] .header-value")
            expect(shown).to_have_text("List-Unsubscribe=One-Click")
            screenshot(page, "header-test")
        self.assertEqual(problems, [])
