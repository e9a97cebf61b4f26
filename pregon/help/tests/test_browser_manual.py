"""The manual inside the app in real Chromium, for docs/screenshots/manual.png: the "?" of a
screen opening its section, from the help centre to the manual, a search that lands on its
section with the screenshot shown, and the next page."""

import pytest

from pregon.accounts.models import Role, User
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    fits_width,
    screenshot,
)

EDITOR = "editora@capacitacion.gob.pe"


@pytest.mark.browser
class ManualBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Lucía Editora")

    def test_the_question_mark_of_a_screen_opens_its_section(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(f"{base}/contactos/")
            page.click("#screen-help > a")
            page.click("#screen-help-manual")
            expect(page.locator("h2", has_text="La lista de contactos")).to_be_in_viewport()
            expect(page.locator("#manual h1")).to_have_text(
                "Contactos, listas, etiquetas y campos personalizados"
            )
        self.assertEqual(problems, [])

    def test_search_the_manual_and_read_a_section_with_its_screenshot(self) -> None:
        from playwright.sync_api import expect

        with self.signed_in(EDITOR) as (page, problems):
            page.click("nav a[href='/ayuda/']")
            page.click("#help-card-manual a")
            expect(page.locator("#manual h1")).to_have_text("Manual de usuario de Pregón")

            page.fill("#manual-search input[name=q]", "lista de SUPRESION")
            page.press("#manual-search input[name=q]", "Enter")
            first = page.locator("#manual-results a").first
            expect(first).to_contain_text("La lista de supresión")
            expect(first.locator("mark")).to_have_text("lista de supresión")
            first.click()
            heading = page.locator("h2", has_text="La lista de supresión")
            expect(heading).to_be_in_viewport()
            picture = page.locator("#manual img[src$='/suppression-list.png']")
            picture.scroll_into_view_if_needed()
            page.wait_for_function("(img) => img.complete", arg=picture.element_handle())
            self.assertGreater(picture.evaluate("(img) => img.naturalWidth"), 600)
            self.assertTrue(fits_width(page))

            page.click("#manual-toc >> text=Campos personalizados")
            expect(page.locator("h2", has_text="Campos personalizados")).to_be_in_viewport()
            page.evaluate("window.scrollTo(0, 0)")
            screenshot(page, "manual", full_page=False)

            page.click("#manual-pager a[rel=next]")
            expect(page.locator("#manual h1")).to_have_text("Importar contactos desde Excel o CSV")
        self.assertEqual(problems, [])

    def test_a_page_with_wide_tables_fits_a_phone(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR, width=390, height=800) as (page, problems):
            # Its table of addresses for each provider is the manual's widest.
            page.goto(f"{base}/ayuda/manual/webhooks/")
            expect(page.locator("#manual .table-responsive table").first).to_be_attached()
            self.assertTrue(fits_width(page))
        self.assertEqual(problems, [])
