"""Provider transports against a fake provider: a real HTTP server on 127.0.0.1 in the test.

Only what lives outside is faked: anymail, requests and boto3 run for real and talk HTTP to
a server that answers as Mailgun, Postmark, SendGrid, Brevo and Amazon SES do (bodies shaped
after their API references), and keeps every request it received for the assertions.
"""

import base64
import email
import email.policy
import json
from typing import TYPE_CHECKING, Any, ClassVar

from django.test import SimpleTestCase

from pregon.lib import vault
from pregon.lib.dkim import Signer, generate_key, sign_message
from pregon.sending.backends import Outcome, Result
from pregon.sending.models import Backend, BackendKind, BounceCause
from pregon.sending.providers import (
    ProviderSettings,
    ProviderTransport,
    check_provider,
    provider_transport,
)
from pregon.testing.mime import HTML, MAILTO, TEXT, UNSUBSCRIBE, build, builder
from pregon.testing.providers import Answer, FakeProvider
from pregon.testing.smtp import free_port

API_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
RECIPIENT = "ana@example.org"
RETURN_PATH = "rebote+AbCdEf.123@example.gob.pe"
KEY = generate_key("ed25519")


def signed_message(**options: Any) -> bytes:
    """What the engine hands a transport: built by MessageBuilder, signed with DKIM."""
    data = build(builder(reply_to="consultas@example.gob.pe"), **options)
    signed = sign_message(data, [Signer("example.gob.pe", "pregon1", KEY.private_pem)])
    assert signed.startswith(b"DKIM-Signature:")
    return signed


class ProviderTestCase(SimpleTestCase):
    kind: ClassVar[str]
    # The provider's base address under the fake server, and its other options.
    path = ""
    options: ClassVar[dict[str, Any]] = {}
    key_id = ""

    def setUp(self) -> None:
        super().setUp()
        self.fake = FakeProvider()
        self.addCleanup(self.fake.stop)
        self.transport = self.make_transport()
        self.addCleanup(self.transport.close)

    def make_transport(self, api_url: str = "", timeout: float = 5.0) -> ProviderTransport:
        settings = ProviderSettings(
            kind=self.kind,
            api_key=API_KEY,
            key_id=self.key_id,
            options={**self.options, "api_url": api_url or self.fake.url + self.path},
            timeout=timeout,
        )
        return ProviderTransport(settings)

    def send(self, transport: ProviderTransport | None = None) -> Result:
        return (transport or self.transport).send(RETURN_PATH, RECIPIENT, signed_message())

    def assert_result(
        self,
        result: Result,
        outcome: Outcome,
        *,
        contains: str = "",
        cause: str = "",
        may_have_arrived: bool = False,
    ) -> None:
        self.assertEqual(result.outcome, outcome, result.reply)
        self.assertIn(contains, result.reply)
        self.assertEqual(result.cause, cause, result.reply)
        self.assertEqual(result.may_have_arrived, may_have_arrived, result.reply)
        self.assertNotIn(API_KEY, result.reply)
        self.assertIsNone(result.code)

    def assert_outcomes(self, cases: list[tuple[Answer, dict[str, Any]]]) -> None:
        for answer, expected in cases:
            with self.subTest(status=answer.status, body=answer.body):
                self.fake.answers.append(answer)
                self.assert_result(self.send(), **expected)


class ConnectionTroubleMixin(ProviderTestCase if TYPE_CHECKING else object):
    """Failures without an answer, the same for every requests-based provider."""

    def test_a_provider_that_cannot_be_reached_is_retried(self) -> None:
        transport = self.make_transport(api_url=f"http://127.0.0.1:{free_port()}{self.path}")
        self.assert_result(self.send(transport), Outcome.RETRY, contains="Could not reach")

    def test_no_answer_in_time_may_have_arrived(self) -> None:
        self.fake.answer(200, {}, delay=1.5)
        result = self.send(self.make_transport(timeout=0.5))
        self.assert_result(
            result, Outcome.RETRY, contains="no answer within 0.5 s", may_have_arrived=True
        )

    def test_the_api_key_is_not_repeated_from_an_error(self) -> None:
        self.fake.answer(400, {"message": f"Bad request for {API_KEY}", "Message": API_KEY})
        result = self.send()
        self.assertNotIn(API_KEY, result.reply)
        self.assertNotIn(API_KEY, repr(self.transport))


class MailgunTestCase(ConnectionTroubleMixin, ProviderTestCase):
    kind = BackendKind.MAILGUN
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
        settings = ProviderSettings(BackendKind.MAILGUN, API_KEY, options={"region": "eu"})
        self.assertEqual(settings.api_url, "https://api.eu.mailgun.net/v3/")
        settings = ProviderSettings(BackendKind.MAILGUN, API_KEY, options={})
        self.assertEqual(settings.api_url, "https://api.mailgun.net/v3/")

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
        transport = ProviderTransport(ProviderSettings(BackendKind.MAILGUN, API_KEY))
        self.assert_result(self.send(transport), Outcome.RETRY, contains="sending domain")
        self.assertEqual(self.fake.received, [])


class PostmarkTestCase(ConnectionTroubleMixin, ProviderTestCase):
    kind = BackendKind.POSTMARK

    def test_it_posts_json_to_a_broadcast_stream(self) -> None:
        self.fake.answer(
            200,
            {
                "To": "Ana Pérez <ana@example.org>",
                "SubmittedAt": "2026-11-25T21:35:01.1234567Z",
                "MessageID": "b7bc2f4a-e38e-4336-af7d-e6c392c2f817",
                "ErrorCode": 0,
                "Message": "OK",
            },
        )
        result = self.send()
        self.assert_result(
            result,
            Outcome.SENT,
            contains="Postmark accepted it: b7bc2f4a-e38e-4336-af7d-e6c392c2f817",
        )
        (request,) = self.fake.received
        self.assertEqual((request.method, request.path), ("POST", "/email"))
        self.assertEqual(request.headers["X-Postmark-Server-Token"], API_KEY)
        body = request.json()
        self.assertEqual(body["To"], "Ana Pérez <ana@example.org>")
        self.assertEqual(body["Subject"], "Cursos de diciembre")
        self.assertEqual(body["HtmlBody"], HTML)
        self.assertEqual(body["TextBody"], TEXT)
        self.assertEqual(body["ReplyTo"], "consultas@example.gob.pe")
        self.assertEqual(body["MessageStream"], "broadcast")
        self.assertEqual(body["TrackOpens"], False)
        self.assertEqual(body["TrackLinks"], "None")
        headers = {item["Name"]: item["Value"] for item in body["Headers"]}
        self.assertEqual(headers["List-Unsubscribe"], f"<{UNSUBSCRIBE}>, <{MAILTO}>")
        self.assertEqual(headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertEqual(headers["Message-ID"], "<m1.c42@example.gob.pe>")
        self.assertNotIn("DKIM-Signature", headers)
        self.assertNotIn("dkim", request.body.decode().lower())

    def test_outcomes(self) -> None:
        self.assert_outcomes(
            [
                (
                    Answer(
                        422,
                        {
                            "ErrorCode": 406,
                            "Message": "You tried to send to recipient(s) that have been "
                            "marked as inactive. Found inactive addresses: ana@example.org. "
                            "Inactive recipients are ones that have generated a hard bounce, "
                            "a spam complaint, or a manual suppression. ",
                        },
                    ),
                    {"outcome": Outcome.FAILED, "contains": "suppression list"},
                ),
                (
                    Answer(
                        422,
                        {"ErrorCode": 300, "Message": "Invalid 'To' address: 'ana@example.org'."},
                    ),
                    {"outcome": Outcome.FAILED, "cause": BounceCause.USER_UNKNOWN},
                ),
                (
                    Answer(
                        422,
                        {
                            "ErrorCode": 400,
                            "Message": "The 'From' address you supplied (boletin@example.gob.pe)"
                            " is not a Sender Signature on your account. Please add and confirm"
                            " this address in order to be able to use it in the 'From' field "
                            "of your messages.",
                        },
                    ),
                    {"outcome": Outcome.RETRY, "contains": "Sender Signature"},
                ),
                (
                    Answer(
                        422,
                        {
                            "ErrorCode": 1235,
                            "Message": "The message stream for the provided 'ID' was not found.",
                        },
                    ),
                    {"outcome": Outcome.RETRY},
                ),
                (
                    Answer(
                        422,
                        {"ErrorCode": 300, "Message": "Provide either email TextBody or HtmlBody."},
                    ),
                    {"outcome": Outcome.FAILED, "contains": "TextBody"},
                ),
                (
                    Answer(
                        401,
                        {
                            "ErrorCode": 10,
                            "Message": "The Server Token you provided in the "
                            "X-Postmark-Server-Token request header was invalid. Please verify "
                            "that you are using a valid token.",
                        },
                    ),
                    {"outcome": Outcome.RETRY, "contains": "HTTP 401"},
                ),
                (
                    Answer(429, {"ErrorCode": 429, "Message": "Rate limit exceeded."}),
                    {"outcome": Outcome.RETRY},
                ),
                (
                    Answer(500, {"ErrorCode": 500, "Message": "Internal Server Error"}),
                    {"outcome": Outcome.RETRY},
                ),
            ]
        )

    def test_check_reads_the_server_and_the_stream(self) -> None:
        self.fake.answer(200, {"ID": 1, "Name": "Pregón", "ApiTokens": ["hidden"], "Color": "blue"})
        self.fake.answer(
            200,
            {
                "ID": "broadcast",
                "ServerID": 1,
                "Name": "Broadcasts",
                "Description": "Default broadcast stream",
                "MessageStreamType": "Broadcasts",
                "CreatedAt": "2026-11-20T10:00:00-05:00",
                "UpdatedAt": None,
                "ArchivedAt": None,
            },
        )
        result = self.transport.check()
        self.assert_result(result, Outcome.SENT, contains="“Pregón”")
        self.assertEqual(
            [r.path for r in self.fake.received], ["/server", "/message-streams/broadcast"]
        )
        self.assertEqual(self.fake.received[0].headers["X-Postmark-Server-Token"], API_KEY)

    def test_check_refuses_a_transactional_stream(self) -> None:
        self.fake.answer(200, {"ID": 1, "Name": "Pregón"})
        self.fake.answer(200, {"ID": "broadcast", "MessageStreamType": "Transactional"})
        self.assert_result(
            self.transport.check(), Outcome.FAILED, contains="flujo de tipo Broadcasts"
        )

    def test_check_with_a_bad_token(self) -> None:
        self.fake.answer(401, {"ErrorCode": 10, "Message": "Bad or missing Server API token."})
        self.assert_result(self.transport.check(), Outcome.FAILED, contains="HTTP 401")


class SendGridTestCase(ConnectionTroubleMixin, ProviderTestCase):
    kind = BackendKind.SENDGRID
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
        settings = ProviderSettings(BackendKind.SENDGRID, API_KEY, options={"region": "eu"})
        self.assertEqual(settings.api_url, "https://api.eu.sendgrid.com/v3/")

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


class BrevoTestCase(ConnectionTroubleMixin, ProviderTestCase):
    kind = BackendKind.BREVO
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


class AmazonSesTestCase(ProviderTestCase):
    kind = BackendKind.AMAZON_SES
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


class FromBackendTestCase(SimpleTestCase):
    """provider_transport and check_provider read a Backend row, its key encrypted."""

    def setUp(self) -> None:
        super().setUp()
        self.fake = FakeProvider()
        self.addCleanup(self.fake.stop)

    def test_it_decrypts_the_key_and_reads_the_options(self) -> None:
        backend = Backend(
            name="Brevo",
            kind=BackendKind.BREVO,
            password=vault.encrypt(API_KEY),
            options={"api_url": self.fake.url + "/v3/"},
        )
        transport = provider_transport(backend)
        self.assertNotIn(API_KEY, repr(transport))
        self.assertNotIn(API_KEY, repr(transport.settings))
        self.fake.answer(200, {"email": "ti@example.gob.pe"})
        self.assertEqual(check_provider(backend).outcome, Outcome.SENT)
        self.assertEqual(self.fake.received[0].headers["api-key"], API_KEY)

    def test_an_unreadable_key_raises_as_for_smtp(self) -> None:
        backend = Backend(kind=BackendKind.POSTMARK, password="not a vault token")
        with self.assertRaises(vault.InvalidToken):
            check_provider(backend)
