"""The Postmark transport against a fake Postmark API."""

from pregon.sending.models import BounceCause
from pregon.sending.transports.base import Outcome
from pregon.sending.transports.providers.postmark import Postmark
from pregon.testing.mime import HTML, MAILTO, TEXT, UNSUBSCRIBE
from pregon.testing.providers import (
    API_KEY,
    Answer,
    ConnectionTroubleMixin,
    ProviderTestCase,
)


class PostmarkTestCase(ConnectionTroubleMixin, ProviderTestCase):
    provider = Postmark

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
