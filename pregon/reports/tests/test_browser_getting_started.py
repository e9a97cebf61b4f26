"""The first-run checklist in real Chromium: an empty account's dashboard says what to do
next, a step's link leads to its screen, and doing the step there ticks it.

Saves the screenshot the manual shows (docs/screenshots/getting-started.png).
"""

import pytest

from pregon.accounts.models import Role, User
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    chromium_page,
    fits_width,
    login,
    screenshot,
)

ADMIN = "admin@example.pe"


@pytest.mark.browser
class GettingStartedBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(ADMIN, PASSWORD, role=Role.ADMIN, name="Rosa")

    def test_the_checklist_leads_to_a_step_and_ticks_it(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(ADMIN) as (page, problems):
            page.goto(base + "/")
            expect(page.locator("#what-next")).to_contain_text("Nada que contar todavía")
            expect(page.locator("[data-stat]")).to_have_count(0)
            steps = page.locator("#getting-started [data-step]")
            expect(steps).to_have_count(7)
            expect(page.locator("#getting-started [data-done=true]")).to_have_count(0)
            screenshot(page, "getting-started")

            page.click("#getting-started [data-next-step]")
            page.wait_for_url(f"{base}/plantillas/marca/")
            page.fill("#id_name", "Escuela Nacional de Control")
            page.fill("#id_website_url", "https://escuela.example.gob.pe")
            page.fill("#id_address", "Av. Arequipa 123, Lima")
            page.click("main form[method=post] button[type=submit]")
            page.wait_for_url(f"{base}/plantillas/marca/")

            page.goto(base + "/")
            brand = page.locator("#getting-started [data-step=brand_kit]")
            expect(brand).to_have_attribute("data-done", "true")
            expect(page.locator("#getting-started [data-next-step]")).to_have_attribute(
                "href", "/envio/servidores/"
            )
            self.assertEqual(problems, [])

    def test_it_fits_a_phone(self) -> None:
        base = self.live_server_url
        with chromium_page(width=375, height=812) as page:
            login(page, base, ADMIN)
            page.goto(base + "/")
            self.assertTrue(fits_width(page))
