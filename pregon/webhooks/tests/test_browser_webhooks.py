"""Outgoing webhooks in real Chromium, as an administrator: a URL to 127.0.0.1 refused in
Spanish, the host allowed, the secret shown once, deliveries in the log (one answered 500)
and "send again". Screenshots for the manual (docs/screenshots/webhooks-*.png)."""

import re

import pytest
from django.db import transaction
from standardwebhooks.webhooks import Webhook

from pregon.accounts.models import Role, User
from pregon.lib import events
from pregon.testing.browser import BrowserTestCase, screenshot
from pregon.testing.webhooks import start_receiver
from pregon.webhooks import deliveries

ADMIN = "admin@capacitacion.gob.pe"


@pytest.mark.browser
class WebhooksBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(ADMIN, "correct horse battery staple", role=Role.ADMIN)
        self.receiver = start_receiver(self, allow=False)

    def test_subscribe_receive_signed_events_and_send_again(self) -> None:
        from playwright.sync_api import expect

        with self.signed_in(ADMIN) as (page, problems):
            page.goto(f"{self.live_server_url}/webhooks/nuevo/")
            page.fill("#id_url", self.receiver.url)
            page.fill("#id_description", "Aula virtual: matrículas")
            page.check("input[value='contact.created']")
            page.check("input[value='form.submitted']")
            page.click("main form button[type=submit]")
            expect(page.locator(".invalid-feedback")).to_contain_text(
                "apunta a una dirección privada o local (127.0.0.1)"
            )
            screenshot(page, "webhooks-refused", full_page=False)

            page.goto(f"{self.live_server_url}/webhooks/")
            page.fill("#id_name", "127.0.0.1")
            page.click("text=Permitir este host")
            expect(page.locator("#host-list")).to_contain_text("127.0.0.1")

            page.goto(f"{self.live_server_url}/webhooks/nuevo/")
            page.fill("#id_url", self.receiver.url)
            page.fill("#id_description", "Aula virtual: matrículas")
            page.check("input[value='contact.created']")
            page.check("input[value='form.submitted']")
            page.click("main form button[type=submit]")
            secret = page.locator("#webhook-secret").inner_text()
            self.assertTrue(secret.startswith("whsec_"))
            screenshot(page, "webhooks-secret", full_page=False)

            with transaction.atomic():
                events.emit(events.CONTACT_CREATED, [{"contact": 1, "at": "2026-12-05T10:00Z"}])
            deliveries.deliver_due()
            self.receiver.status = 500
            self.receiver.answer = b"Error interno del aula"
            with transaction.atomic():
                events.emit(events.FORM_SUBMITTED, [{"popup": 3, "contact": 1}])
            deliveries.deliver_due()

            page.click("text=Ya lo copié")
            expect(page.locator("#attempt-table")).to_contain_text("Error interno del aula")
            self.assertNotIn(secret, page.content())
            screenshot(page, "webhooks-log")

            self.receiver.status = 204
            page.locator("#attempt-table tr", has_text="contact.created").locator(
                "text=Enviar de nuevo"
            ).click()
            expect(page.locator(".alert-success")).to_contain_text("se enviará de nuevo")
            deliveries.deliver_due()
            self.assertEqual(problems, [])

        bodies = [(r.body, r.headers) for r in self.receiver.received]
        self.assertEqual(len(bodies), 3)
        for body, headers in bodies:
            Webhook(secret).verify(body, headers)
        self.assertTrue(re.search(rb'"type":"contact.created"', bodies[2][0]))
