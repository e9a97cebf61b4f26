"""The secret of automations' calls in real Chromium, as an administrator: shown once at
the foot of the webhooks page, rotated with a day when both sign. Screenshots for the
manual (docs/screenshots/webhooks-call-secret*.png)."""

import pytest
from standardwebhooks.webhooks import Webhook

from pregon.accounts.models import Role, User
from pregon.testing.browser import BrowserTestCase, screenshot
from pregon.testing.webhooks import start_receiver
from pregon.webhooks import deliveries, outbox

ADMIN = "admin@capacitacion.gob.pe"


@pytest.mark.browser
class CallSecretBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(ADMIN, "correct horse battery staple", role=Role.ADMIN)
        self.receiver = start_receiver(self)

    def test_shown_once_then_rotated(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(ADMIN) as (page, problems):
            page.goto(f"{base}/webhooks/")
            first = page.locator("#call-secret").inner_text()
            self.assertTrue(first.startswith("whsec_"))
            page.locator("#calls").scroll_into_view_if_needed()
            screenshot(page, "webhooks-call-secret", full_page=False)

            page.reload()
            expect(page.locator("#call-secret-shown")).to_contain_text("no se vuelve a mostrar")
            self.assertNotIn(first, page.content())
            page.click("#call-rotate")
            second = page.locator("#webhook-secret").inner_text()
            self.assertNotEqual(second, first)
            screenshot(page, "webhooks-call-secret-rotated", full_page=False)
            page.click("text=Ya lo copié")
            expect(page.locator("#calls")).to_be_visible()
            self.assertNotIn(second, page.content())
            self.assertEqual(problems, [])

        outbox.call(self.receiver.url, {"contact": 1}, "wf1:e1:n2")
        deliveries.deliver_due()
        [got] = self.receiver.received
        for secret in (first, second):
            Webhook(secret).verify(got.body, got.headers)
