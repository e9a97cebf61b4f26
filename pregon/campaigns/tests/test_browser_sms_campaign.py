"""An SMS campaign in real Chromium: create it to a segment with the SMS form (its counter
shows the encoding and the parts as the text is typed), send it now, let the scheduler and
the SMS sender hand it to a real HTTP gateway on 127.0.0.1, and read the report.

Saves the screenshots the manual shows (docs/screenshots/sms-campaign-form.png and
sms-campaign-report.png).
"""

import pytest
from django.test import override_settings

from pregon.accounts.models import Role, User
from pregon.campaigns import scheduling
from pregon.sending.sms import sender
from pregon.sending.sms.encoding import count
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    screenshot,
)
from pregon.testing.providers import FakeProvider
from pregon.testing.sms import http_gateway
from pregon.testing.sms_campaigns import REACHED, sms_segment

EDITOR = "editora@capacitacion.gob.pe"
TEXT = "{{ nombre }}, su curso de contrataciones empieza el lunes: https://aula.example.gob.pe/c/7"


@pytest.mark.browser
@override_settings(SMS_QUOTA_MONTHLY=500)
class SmsCampaignBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Rosa Editora")
        self.provider = FakeProvider()
        self.addCleanup(self.provider.stop)
        http_gateway(self.provider.url + "/api/sms")
        sms_segment()

    def test_create_send_and_read_the_report(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(f"{base}/campanas/")
            page.click("#campaign-new-sms")
            page.fill("#id_name", "Inicio del curso, por SMS")
            output = page.locator("[data-sms-count-for=id_sms_text]")
            page.fill("#id_sms_text", "Inscripción abierta")
            expect(output).to_have_attribute("data-encoding", "ucs2")
            page.fill("#id_sms_text", TEXT)
            expect(output).to_have_attribute("data-encoding", "gsm7")
            expect(output).to_have_attribute("data-segments", str(count(TEXT).segments))
            page.get_by_label("Lima").first.check()
            screenshot(page, "sms-campaign-form")
            page.click("#campaign-form button[type=submit]")

            expect(page.locator("#campaign-audience [data-count]")).to_have_attribute(
                "data-count", "3"
            )
            page.click("#campaign-send form:first-child button[type=submit]")
            expect(page.locator("#confirm-send [data-count]")).to_have_attribute("data-count", "3")
            page.click("#confirm-button")
            expect(page.locator(".alert-success")).to_contain_text("La campaña empezará")

            # What the scheduler's tick and the SMS sender do, between two looks at the page.
            self.assertEqual(scheduling.start_due_campaigns(), 1)
            for n in range(3):
                self.provider.answer(200, {"id": f"gw-{n}", "status": "accepted"})
            while sender.send_due():
                pass
            scheduling.follow_mailings()
            phones = sorted(request.json()["to"] for request in self.provider.received)
            self.assertEqual(phones, sorted(REACHED))

            page.reload()
            report = page.locator("#campaign-progress")
            expect(report.locator("[data-count=sent]")).to_have_text("3")
            expect(report.locator("[data-count=left-out]")).to_have_text("3")
            expect(report.locator("[data-count=parts]")).to_have_text("3")
            expect(page.locator("#campaign-actions [data-status]")).to_have_attribute(
                "data-status", "sent"
            )
            screenshot(page, "sms-campaign-report")
            page.goto(f"{base}/campanas/")
            expect(page.locator("[data-channel=sms]")).to_have_text("SMS")
            self.assertEqual(problems, [])
