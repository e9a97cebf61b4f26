"""The Mailgun transport against a fake Mailgun API."""

import base64
from typing import Any, ClassVar

from pregon.sending.models import BounceCause
from pregon.sending.transports.base import Outcome
from pregon.sending.transports.providers.base import ProviderSettings
from pregon.sending.transports.providers.mailgun import Mailgun
from pregon.testing.mime import HTML, MAILTO, TEXT, UNSUBSCRIBE
from pregon.testing.providers import (
    API_KEY,
    RETURN_PATH,
    Answer,
    ConnectionTroubleMixin,
    ProviderTestCase,
)


class MailgunTestCase(ConnectionTroubleMixin, ProviderTestCase):
    provider = Mailgun
    path = "/v3"
    options: ClassVar[dict[str, Any]] = {"sender_domain": "mg.example.gob.pe"}

    def test_it_posts_the_message_to_the_domains_messages(self) -> None:
        message_id = "<20261125213501.1.A1B2C3D4E5F6A7B8@mg.example.gob.pe>"
        self.fake.answer(200, {"id": message_id, "message": "Queued. Thank you."})
        result = self.send()
        self.assert_result(result, Outcome.SENT, contains=f"Mailgun accepted it: {message_id}")
        (request,) = self.fake.received
        self.assertEqual((request.method, request.path), ("POST", "/v3/mg.example.gob.pe/messages"))
        auth = base64.b64encode(f"api:{API_KEY}".encode()).decode()
        self.assertEqual(request.headers["Authorization"], f"Basic {auth}")
        form = request.form()
        self.assertEqual(form["to"], ["Ana Pérez <ana@example.org>"])
        self.assertEqual(
            form["from"],
            ["Escuela Nacional de Administración Pública <boletin@example.gob.pe>"],
        )
        self.assertEqual(form["subject"], ["Cursos de diciembre"])
        self.assertEqual(form["html"], [HTML])
        self.assertEqual(form["text"], [TEXT])
        self.assertEqual(form["h:Reply-To"], ["consultas@example.gob.pe"])
        self.assertEqual(form["h:List-Unsubscribe"], [f"<{UNSUBSCRIBE}>, <{MAILTO}>"])
        self.assertEqual(form["h:List-Unsubscribe-Post"], ["List-Unsubscribe=One-Click"])
        self.assertEqual(form["h:Message-Id"], ["<m1.c42@example.gob.pe>"])
        self.assertEqual(form["h:Feedback-Id"], ["42:campaign:pregon"])
        self.assertEqual(
            form["h:List-Id"], ["=?utf-8?q?Bolet=C3=ADn_de_cursos?= <boletin.42.example.gob.pe>"]
        )
        # Our own tracking is in the message; Mailgun's would wrap the links again.
        self.assertEqual(form["o:tracking-clicks"], ["no"])
        self.assertEqual(form["o:tracking-opens"], ["no"])
        self.assertNotIn("dkim", request.body.decode().lower())
        self.assertNotIn(RETURN_PATH, request.body.decode())

    def test_outcomes(self) -> None:
        self.assert_outcomes(
            [
                (Answer(429, {"message": "Too many requests"}), {"outcome": Outcome.RETRY}),
                (
                    Answer(500, {"message": "Internal Server Error"}),
                    {"outcome": Outcome.RETRY, "contains": "HTTP 500"},
                ),
                (
                    Answer(502, b"Bad Gateway", headers={"Content-Type": "text/plain"}),
                    {"outcome": Outcome.RETRY, "may_have_arrived": True},
                ),
                (
                    Answer(401, b"Forbidden", headers={"Content-Type": "text/plain"}),
                    {"outcome": Outcome.RETRY, "contains": "Mailgun answered HTTP 401: Forbidden"},
                ),
                (
                    Answer(404, {"message": "Domain not found: mg.example.gob.pe"}),
                    {"outcome": Outcome.RETRY, "contains": "Domain not found"},
                ),
                (
                    Answer(400, {"message": "'from' parameter is not a valid address."}),
                    {"outcome": Outcome.RETRY},
                ),
                (
                    Answer(400, {"message": "Message size exceeds the maximum (25 MB)"}),
                    {"outcome": Outcome.FAILED, "contains": "Message size exceeds"},
                ),
                (
                    Answer(
                        400,
                        {
                            "message": "'to' parameter is not a valid address. "
                            "please check documentation"
                        },
                    ),
                    {"outcome": Outcome.FAILED, "cause": BounceCause.USER_UNKNOWN},
                ),
            ]
        )

    def test_the_eu_region_is_another_api_address(self) -> None:
        transport = Mailgun(ProviderSettings(API_KEY, options={"region": "eu"}))
        self.assertEqual(transport.api_url, "https://api.eu.mailgun.net/v3/")
        transport = Mailgun(ProviderSettings(API_KEY, options={}))
        self.assertEqual(transport.api_url, "https://api.mailgun.net/v3/")

    def test_check_reads_the_domain(self) -> None:
        self.fake.answer(
            200,
            {
                "domain": {
                    "name": "mg.example.gob.pe",
                    "state": "active",
                    "type": "custom",
                    "spam_action": "disabled",
                    "created_at": "Tue, 24 Nov 2026 10:00:00 GMT",
                },
                "receiving_dns_records": [],
                "sending_dns_records": [],
            },
        )
        result = self.transport.check()
        self.assert_result(result, Outcome.SENT, contains="mg.example.gob.pe está activo")
        (request,) = self.fake.received
        self.assertEqual((request.method, request.path), ("GET", "/v3/domains/mg.example.gob.pe"))
        self.assertIn("Basic ", request.headers["Authorization"])

    def test_check_says_what_is_wrong(self) -> None:
        self.fake.answer(200, {"domain": {"name": "mg.example.gob.pe", "state": "unverified"}})
        self.assert_result(
            self.transport.check(), Outcome.FAILED, contains="está en estado unverified"
        )
        self.fake.answer(401, b"Forbidden", headers={"Content-Type": "text/plain"})
        self.assert_result(self.transport.check(), Outcome.FAILED, contains="HTTP 401")
        self.fake.answer(503, {"message": "Service Unavailable"})
        self.assert_result(self.transport.check(), Outcome.RETRY, contains="HTTP 503")

    def test_without_a_sending_domain_it_waits_for_the_settings(self) -> None:
        transport = Mailgun(ProviderSettings(API_KEY))
        self.assert_result(self.send(transport), Outcome.RETRY, contains="sending domain")
        self.assertEqual(self.fake.received, [])
