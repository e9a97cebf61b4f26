"""The Amazon SES transport against a fake SES v2 API (boto3 signs and sends for real)."""

import base64
import email
import email.policy
import json
from typing import Any, ClassVar

from pregon.sending.transports.base import Outcome
from pregon.sending.transports.providers.amazon_ses import AmazonSes
from pregon.testing.mime import HTML, MAILTO, TEXT, UNSUBSCRIBE
from pregon.testing.providers import (
    API_KEY,
    RECIPIENT,
    RETURN_PATH,
    Answer,
    ProviderTestCase,
)
from pregon.testing.smtp import free_port


class AmazonSesTestCase(ProviderTestCase):
    provider = AmazonSes
    key_id = "AKIAIOSFODNN7EXAMPLE"
    options: ClassVar[dict[str, Any]] = {"region": "us-east-1"}

    def test_it_posts_the_raw_message_to_outbound_emails(self) -> None:
        self.fake.answer(
            200, {"MessageId": "0100018fa1b2c3d4-5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9-000000"}
        )
        result = self.send()
        self.assert_result(
            result,
            Outcome.SENT,
            contains="Amazon SES accepted it: 0100018fa1b2c3d4-5e6f7a8b-9c0d-4e1f",
        )
        (request,) = self.fake.received
        self.assertEqual((request.method, request.path), ("POST", "/v2/email/outbound-emails"))
        # Signature Version 4 with the key id, never the secret.
        authorization = request.headers["Authorization"]
        self.assertTrue(
            authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/")
        )
        self.assertIn("/us-east-1/ses/aws4_request", authorization)
        self.assertNotIn(API_KEY, request.body.decode() + json.dumps(request.headers))
        body = request.json()
        self.assertEqual(body["Destination"], {"ToAddresses": [RECIPIENT]})
        # SES forwards the bounces it gets to this address: our VERP mailbox.
        self.assertEqual(body["FeedbackForwardingEmailAddress"], RETURN_PATH)
        raw = base64.b64decode(body["Content"]["Raw"]["Data"])
        message = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertIsNone(message["DKIM-Signature"])
        self.assertEqual(str(message["To"]), "Ana Pérez <ana@example.org>")
        self.assertEqual(str(message["Subject"]), "Cursos de diciembre")
        self.assertEqual(str(message["List-Unsubscribe"]), f"<{UNSUBSCRIBE}>, <{MAILTO}>")
        self.assertEqual(str(message["List-Unsubscribe-Post"]), "List-Unsubscribe=One-Click")
        self.assertEqual(message["List-Id"], "Boletín de cursos <boletin.42.example.gob.pe>")
        self.assertEqual(message["Message-ID"], "<m1.c42@example.gob.pe>")
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        self.assertEqual(text.replace("\r\n", "\n"), TEXT)
        self.assertEqual(html.replace("\r\n", "\n"), HTML)

    def test_outcomes(self) -> None:
        def error(status: int, code: str, message: str) -> Answer:
            return Answer(status, {"message": message}, headers={"x-amzn-ErrorType": code})

        self.assert_outcomes(
            [
                (
                    error(429, "TooManyRequestsException", "Maximum sending rate exceeded."),
                    {"outcome": Outcome.RETRY, "contains": "TooManyRequestsException"},
                ),
                (
                    error(500, "InternalFailure", "An internal error occurred."),
                    {"outcome": Outcome.RETRY},
                ),
                (
                    error(
                        403,
                        "UnrecognizedClientException",
                        "The security token included in the request is invalid.",
                    ),
                    {"outcome": Outcome.RETRY, "contains": "HTTP 403"},
                ),
                (
                    error(
                        400,
                        "MessageRejected",
                        "Email address is not verified. The following identities failed the "
                        "check in region US-EAST-1: boletin@example.gob.pe",
                    ),
                    {"outcome": Outcome.RETRY, "contains": "not verified"},
                ),
                (
                    error(400, "SendingPausedException", "Sending is paused for this account."),
                    {"outcome": Outcome.RETRY},
                ),
                (
                    error(400, "BadRequestException", "Illegal header 'List-Id'."),
                    {"outcome": Outcome.FAILED, "contains": "BadRequestException"},
                ),
            ]
        )

    def test_a_provider_that_cannot_be_reached_is_retried(self) -> None:
        transport = self.make_transport(api_url=f"http://127.0.0.1:{free_port()}")
        self.assert_result(self.send(transport), Outcome.RETRY, contains="Could not reach")

    def test_no_answer_in_time_may_have_arrived(self) -> None:
        self.fake.answer(200, {}, delay=1.5)
        result = self.send(self.make_transport(timeout=0.5))
        self.assert_result(result, Outcome.RETRY, contains="may have been", may_have_arrived=True)
        # boto3's own retries are off: one request, not five.
        self.assertEqual(len(self.fake.received), 1)

    def test_check_reads_the_account(self) -> None:
        self.fake.answer(
            200,
            {
                "DedicatedIpAutoWarmupEnabled": False,
                "EnforcementStatus": "HEALTHY",
                "ProductionAccessEnabled": True,
                "SendQuota": {
                    "Max24HourSend": 50000.0,
                    "MaxSendRate": 14.0,
                    "SentLast24Hours": 0.0,
                },
                "SendingEnabled": True,
            },
        )
        result = self.transport.check()
        self.assert_result(result, Outcome.SENT, contains="14 mensajes por segundo, 50000 al día")
        (request,) = self.fake.received
        self.assertEqual((request.method, request.path), ("GET", "/v2/email/account"))

    def test_check_in_the_sandbox(self) -> None:
        self.fake.answer(
            200,
            {
                "ProductionAccessEnabled": False,
                "SendQuota": {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 0.0},
                "SendingEnabled": True,
            },
        )
        self.assert_result(self.transport.check(), Outcome.SENT, contains="sandbox")

    def test_check_with_bad_keys(self) -> None:
        self.fake.answer(
            403,
            {
                "message": "The request signature we calculated does not match the signature "
                "you provided."
            },
            headers={"x-amzn-ErrorType": "SignatureDoesNotMatch"},
        )
        self.assert_result(self.transport.check(), Outcome.FAILED, contains="SignatureDoesNotMatch")
