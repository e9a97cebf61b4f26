"""Mandatory two-step login in real Chromium: an administrator makes it mandatory for
editors on the users screen, and an editor without it lands on its setup at login, and
again when they try the dashboard.

Saves the screenshots the manual shows (docs/screenshots/two-factor-rule.png and
two-factor-required.png).
"""

import pytest

from pregon.accounts.models import Role, TwoFactorRule, User
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    screenshot,
)

ADMIN = "jefa.ti@example.pe"
EDITOR = "editora@example.pe"


@pytest.mark.browser
class MandatoryTwoFactorBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(ADMIN, PASSWORD, role=Role.ADMIN)
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR)

    def test_an_editor_is_sent_to_set_it_up(self) -> None:
        base = self.live_server_url
        with self.signed_in(ADMIN) as (page, problems):
            page.goto(f"{base}/cuenta/usuarios/")
            card = page.locator("#two-factor-rule")
            card.locator("input[name=for_editors]").check()
            card.locator("button[type=submit]").click()
            page.wait_for_url(f"{base}/cuenta/usuarios/")
            self.assertTrue(card.locator("input[name=for_editors]").is_checked())
            card.scroll_into_view_if_needed()
            screenshot(page, "two-factor-rule", full_page=False)
            page.locator("#nav-account").click()
            page.locator("form[action='/cuenta/salir/'] button").click()
            page.wait_for_url(f"{base}/cuenta/entrar/")

            page.fill("input[name=email]", EDITOR)
            page.fill("input[name=password]", PASSWORD)
            page.click("form button[type=submit]")
            page.wait_for_url(f"{base}/cuenta/perfil/dos-pasos/")
            self.assertTrue(page.locator("#two-factor-required").is_visible())
            screenshot(page, "two-factor-required")
            page.goto(f"{base}/")
            page.wait_for_url(f"{base}/cuenta/perfil/dos-pasos/")
            self.assertEqual(problems, [])
        self.assertEqual(TwoFactorRule.load().roles(), [Role.EDITOR])
