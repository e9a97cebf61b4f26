"""A webhook receiver for tests: a real HTTP server on 127.0.0.1, in a thread of the test
process, that keeps every request it got and answers with the status the test chose."""

import http.server
import threading
from dataclasses import dataclass, field

from pregon.webhooks import endpoints
from pregon.webhooks.forms import EndpointForm
from pregon.webhooks.models import AllowedHost, Endpoint


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """``status`` is what the next requests get; ``received`` what came, in order."""

    status: int = 204
    answer: bytes = b""
    received: list[Received] = field(default_factory=list)
    server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"


def start_receiver(test: object, *, allow: bool = True) -> Receiver:
    """Start a receiver for ``test`` (a TestCase), stopped at its end; ``allow`` lets
    webhooks go to 127.0.0.1 as an administrator would."""
    receiver = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.received.append(Received(self.path, dict(self.headers.items()), body))
            self.send_response(receiver.status)
            self.send_header("Content-Length", str(len(receiver.answer)))
            self.end_headers()
            self.wfile.write(receiver.answer)

        def log_message(self, *args: object) -> None:
            pass

    receiver.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=receiver.server.serve_forever, daemon=True).start()
    test.addCleanup(receiver.server.server_close)
    test.addCleanup(receiver.server.shutdown)
    if allow:
        AllowedHost.objects.get_or_create(name="127.0.0.1")
    return receiver


def subscribe_to(*names: str) -> Endpoint:
    """An endpoint for the events ``names``, made as the screen makes it; its URL is never
    posted to (tests read the deliveries it gets)."""
    AllowedHost.objects.get_or_create(name="127.0.0.1")
    form = EndpointForm({"url": "http://127.0.0.1:9/hooks", "events": list(names)})
    assert form.is_valid(), form.errors
    return endpoints.create(form, None)[0]
