"""The Brevo transport against a fake Brevo API."""

from pregon.sending.models import BounceCause
from pregon.sending.transports.base import Outcome
from pregon.sending.transports.providers.brevo import Brevo
from pregon.testing.mime import HTML, MAILTO, TEXT, UNSUBSCRIBE
from pregon.testing.providers import (
    API_KEY,
    RECIPIENT,
    Answer,
    ConnectionTroubleMixin,
    ProviderTestCase,
)


class BrevoTestCase(ConnectionTroubleMixin, ProviderTestCase):
    provider = Brevo
    path = "/v3"

    def test_it_posts_json_to_smtp_email(self) -> None:
        self.fake.answer(201, {"messageId": "<202611252135.40213895001@smtp-relay.mailin.fr>"})
        result = self.send()
        self.assert_result(
            result,
            Outcome.SENT,
            contains="Brevo accepted it: <202611252135.40213895001@smtp-relay.mailin.fr>",
        )
        (request,) = self.fake.received
        self.assertEqual((request.method, request.path), ("POST", "/v3/smtp/email"))
        self.assertEqual(request.headers["api-key"], API_KEY)
        body = request.json()
        self.assertEqual(body["to"], [{"email": RECIPIENT, "name": "Ana Pérez"}])
        self.assertEqual(body["subject"], "Cursos de diciembre")
        self.assertEqual(body["htmlContent"], HTML)
        self.assertEqual(body["textContent"], TEXT)
        self.assertEqual(body["replyTo"], {"email": "consultas@example.gob.pe"})
        self.assertEqual(body["headers"]["List-Unsubscribe"], f"<{UNSUBSCRIBE}>, <{MAILTO}>")
        self.assertEqual(body["headers"]["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        # Brevo would send the list's name as raw UTF-8: only the identifier goes.
        self.assertEqual(body["headers"]["List-Id"], "<boletin.42.example.gob.pe>")
        self.assertNotIn("dkim", request.body.decode().lower())

    def test_outcomes(self) -> None:
        self.assert_outcomes(
            [
                (
                    Answer(
                        400, {"code": "invalid_parameter", "message": "email is not valid in to"}
                    ),
                    {"outcome": Outcome.FAILED, "cause": BounceCause.USER_UNKNOWN},
                ),
                (
                    Answer(
                        400,
                        {
                            "code": "invalid_parameter",
                            "message": "Sender is not valid. Please check the sender.",
                        },
                    ),
                    {"outcome": Outcome.RETRY},
                ),
                (
                    Answer(401, {"code": "unauthorized", "message": "Key not found"}),
                    {"outcome": Outcome.RETRY, "contains": "unauthorized; Key not found"},
                ),
                (
                    Answer(402, {"code": "not_enough_credits", "message": "Not enough credits"}),
                    {"outcome": Outcome.RETRY},
                ),
                (
                    Answer(429, {"code": "too_many_requests", "message": "Too many requests"}),
                    {"outcome": Outcome.RETRY},
                ),
                (
                    Answer(
                        504, b"<html>Gateway Time-out</html>", headers={"Content-Type": "text/html"}
                    ),
                    {"outcome": Outcome.RETRY, "may_have_arrived": True},
                ),
            ]
        )

    def test_check_reads_the_account(self) -> None:
        self.fake.answer(
            200,
            {
                "email": "ti@example.gob.pe",
                "firstName": "Ana",
                "lastName": "Pérez",
                "companyName": "Escuela de Gobierno",
                "plan": [{"type": "payAsYouGo", "credits": 9000, "creditsType": "sendLimit"}],
            },
        )
        self.assert_result(self.transport.check(), Outcome.SENT, contains="Escuela de Gobierno")
        (request,) = self.fake.received
        self.assertEqual((request.method, request.path), ("GET", "/v3/account"))
        self.assertEqual(request.headers["api-key"], API_KEY)
        self.fake.answer(401, {"code": "unauthorized", "message": "Key not found"})
        self.assert_result(self.transport.check(), Outcome.FAILED, contains="Key not found")
