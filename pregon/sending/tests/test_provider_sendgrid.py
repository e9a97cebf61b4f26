"""The SendGrid transport against a fake SendGrid API."""

from pregon.sending.models import BounceCause
from pregon.sending.transports.base import Outcome
from pregon.sending.transports.providers.base import ProviderSettings
from pregon.sending.transports.providers.sendgrid import SendGrid
from pregon.testing.mime import HTML, MAILTO, TEXT, UNSUBSCRIBE
from pregon.testing.providers import (
    API_KEY,
    RECIPIENT,
    Answer,
    ConnectionTroubleMixin,
    ProviderTestCase,
)


class SendGridTestCase(ConnectionTroubleMixin, ProviderTestCase):
    provider = SendGrid
    path = "/v3"

    def test_it_posts_json_to_mail_send(self) -> None:
        self.fake.answer(202, b"", headers={"X-Message-Id": "W4xQ2lUdQ8uBPLx7k2x2hA"})
        result = self.send()
        self.assert_result(result, Outcome.SENT, contains="SendGrid accepted it: ")
        (request,) = self.fake.received
        self.assertEqual((request.method, request.path), ("POST", "/v3/mail/send"))
        self.assertEqual(request.headers["Authorization"], f"Bearer {API_KEY}")
        body = request.json()
        (personalization,) = body["personalizations"]
        self.assertEqual(personalization["to"], [{"email": RECIPIENT, "name": "Ana Pérez"}])
        # Anymail's own id for the message, which SendGrid's events carry back.
        self.assertIn(personalization["custom_args"]["anymail_id"], result.reply)
        self.assertEqual(body["subject"], "Cursos de diciembre")
        self.assertEqual(
            body["content"],
            [{"type": "text/plain", "value": TEXT}, {"type": "text/html", "value": HTML}],
        )
        self.assertEqual(body["reply_to_list"], [{"email": "consultas@example.gob.pe"}])
        self.assertEqual(body["headers"]["List-Unsubscribe"], f"<{UNSUBSCRIBE}>, <{MAILTO}>")
        self.assertEqual(body["headers"]["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertNotIn("dkim", request.body.decode().lower())
        self.assertEqual(
            body["tracking_settings"],
            {"click_tracking": {"enable": False}, "open_tracking": {"enable": False}},
        )

    def test_outcomes(self) -> None:
        self.assert_outcomes(
            [
                (
                    Answer(
                        400,
                        {
                            "errors": [
                                {
                                    "message": "Does not contain a valid address.",
                                    "field": "personalizations.0.to.0.email",
                                    "help": "http://sendgrid.com/docs/API_Reference/Web_API_v3/"
                                    "Mail/errors.html#message.personalizations.to",
                                }
                            ]
                        },
                    ),
                    {"outcome": Outcome.FAILED, "cause": BounceCause.USER_UNKNOWN},
                ),
                (
                    Answer(
                        401,
                        {
                            "errors": [
                                {
                                    "field": None,
                                    "message": "The provided authorization grant is invalid, "
                                    "expired, or revoked",
                                }
                            ]
                        },
                    ),
                    {"outcome": Outcome.RETRY, "contains": "authorization grant"},
                ),
                (
                    Answer(
                        403,
                        {
                            "errors": [
                                {
                                    "field": "from",
                                    "message": "The from address does not match a verified "
                                    "Sender Identity.",
                                }
                            ]
                        },
                    ),
                    {"outcome": Outcome.RETRY, "contains": "(from)"},
                ),
                (
                    Answer(429, {"errors": [{"field": None, "message": "too many requests"}]}),
                    {"outcome": Outcome.RETRY},
                ),
                (
                    Answer(500, {"errors": [{"field": None, "message": "internal error"}]}),
                    {"outcome": Outcome.RETRY},
                ),
                (
                    Answer(
                        413,
                        {"errors": [{"field": None, "message": "The JSON payload is too big."}]},
                    ),
                    {"outcome": Outcome.FAILED},
                ),
            ]
        )

    def test_the_eu_region_is_another_api_address(self) -> None:
        transport = SendGrid(ProviderSettings(API_KEY, options={"region": "eu"}))
        self.assertEqual(transport.api_url, "https://api.eu.sendgrid.com/v3/")

    def test_check_reads_the_keys_scopes(self) -> None:
        self.fake.answer(200, {"scopes": ["mail.send", "alerts.read"]})
        self.assert_result(
            self.transport.check(), Outcome.SENT, contains="que puede enviar correos"
        )
        (request,) = self.fake.received
        self.assertEqual((request.method, request.path), ("GET", "/v3/scopes"))
        self.assertEqual(request.headers["Authorization"], f"Bearer {API_KEY}")
        self.fake.answer(200, {"scopes": ["alerts.read"]})
        self.assert_result(
            self.transport.check(), Outcome.FAILED, contains="esa clave no puede enviar correos"
        )
