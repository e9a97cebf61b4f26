"""A fake e-mail provider: a real HTTP server on 127.0.0.1 that answers from a queue, as
Mailgun, Postmark, SendGrid, Brevo and Amazon SES would, and keeps every request it got; and
`ProviderTestCase`, what the tests of each provider transport share.

Only what lives outside is faked: anymail, requests and boto3 run for real and talk HTTP to
the fake provider, which answers as the real ones do (bodies shaped after their API
references).
"""

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qs

from django.test import SimpleTestCase

from pregon.lib.dkim import Signer, generate_key, sign_message
from pregon.sending.transports.base import Outcome, Result
from pregon.sending.transports.providers.base import ProviderSettings, ProviderTransport
from pregon.testing.mime import build, builder
from pregon.testing.smtp import free_port

API_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
RECIPIENT = "ana@example.org"
RETURN_PATH = "rebote+AbCdEf.123@example.gob.pe"
KEY = generate_key("ed25519")


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode(), keep_blank_values=True)


@dataclass
class Answer:
    status: int
    body: Any = b""
    headers: dict[str, str] | None = None
    delay: float = 0.0


class FakeProvider:
    """An HTTP/1.1 server with keep-alive that answers from a queue and records requests."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: list[Answer] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                fake.received.append(
                    Received(self.command, self.path, dict(self.headers.items()), body)
                )
                answer = fake.answers.pop(0) if fake.answers else Answer(404, b"no answer set")
                if answer.delay:
                    time.sleep(answer.delay)
                payload = answer.body
                if not isinstance(payload, bytes):
                    payload = json.dumps(payload).encode()
                try:
                    self.send_response(answer.status)
                    for name, value in (answer.headers or {}).items():
                        self.send_header(name, value)
                    if answer.headers is None or "Content-Type" not in answer.headers:
                        self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # The client gave up waiting (timeout tests).

            do_GET = do_POST = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, status: int, body: Any = b"", **options: Any) -> None:
        self.answers.append(Answer(status, body, **options))

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def signed_message(**options: Any) -> bytes:
    """What the engine hands a transport: built by MessageBuilder, signed with DKIM."""
    data = build(builder(reply_to="consultas@example.gob.pe"), **options)
    signed = sign_message(data, [Signer("example.gob.pe", "pregon1", KEY.private_pem)])
    assert signed.startswith(b"DKIM-Signature:")
    return signed


class ProviderTestCase(SimpleTestCase):
    """A transport of ``provider`` to a fake provider started for each test."""

    provider: ClassVar[type[ProviderTransport]]
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
            api_key=API_KEY,
            key_id=self.key_id,
            options={**self.options, "api_url": api_url or self.fake.url + self.path},
            timeout=timeout,
        )
        return self.provider(settings)

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
