"""The SMS gateways page in real Chromium: the test SMS's counter shows the encoding and the
parts as the text is typed (static/js/sms-counter.js, the rule of sending/sms/encoding.py),
and a test SMS reaches a real HTTP gateway on 127.0.0.1. Screenshot for the manual
(docs/screenshots/sms-gateways.png)."""

import pytest

from pregon.accounts.models import Role, User
from pregon.sending.sms.encoding import count
from pregon.testing.browser import BrowserTestCase, screenshot
from pregon.testing.providers import FakeProvider
from pregon.testing.sms import http_gateway

ADMIN = "admin@capacitacion.gob.pe"
TEXTS = [
    "Hola Ana, su curso empieza el lunes.",
    "Inscripción abierta hasta el viernes",
    "a" * 161,
    "€" * 81,
    "Clase de mañana 🎓 " + "x" * 60,
]


@pytest.mark.browser
class SmsGatewaysBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(ADMIN, "correct horse battery staple", role=Role.ADMIN)
        self.provider = FakeProvider()
        self.addCleanup(self.provider.stop)
        http_gateway(self.provider.url + "/api/sms")

    def test_the_counter_follows_the_server_rule_and_a_test_sms_goes_out(self) -> None:
        from playwright.sync_api import expect

        with self.signed_in(ADMIN) as (page, problems):
            page.goto(f"{self.live_server_url}/envio/sms/")
            output = page.locator("[data-sms-count-for]")
            for text in TEXTS:
                expected = count(text)
                page.fill("#id_text", text)
                expect(output).to_have_attribute("data-encoding", expected.encoding)
                expect(output).to_have_attribute("data-segments", str(expected.segments))
            page.fill("#id_text", "Inscripción abierta: su curso empieza el lunes")
            expect(output).to_contain_text("UCS-2")
            expect(output).to_contain_text("ó")
            page.fill("#id_phone", "987 654 321")
            screenshot(page, "sms-gateways")
            self.provider.answer(200, {"id": "abc"})
            page.click("#sms-test-form button[type=submit]")
            expect(page.locator(".alert-success")).to_contain_text("aceptó el SMS de prueba")
            self.assertEqual(self.provider.received[0].json()["to"], "+51987654321")
            self.assertEqual(problems, [])
