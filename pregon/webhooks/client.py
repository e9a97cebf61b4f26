"""The HTTP side of a delivery: one POST, to an address the SSRF check passed, with short
time-outs, no redirects followed, and the connection kept open for the endpoint's next one."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from pregon.webhooks import hosts

# Seconds to connect and to wait for each read: a slow receiver must not hold the queue.
TIMEOUT = 5
# Bytes of an answer kept in the log; a longer answer is not read to its end.
EXCERPT = 500
MAX_BODY = 64 * 1024
USER_AGENT = "Pregon-Webhooks/1"


@dataclass
class Answer:
    status_code: int | None
    text: str
    duration_ms: int

    @property
    def is_success(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address the check passed, not to what the name resolves to now."""

    def __init__(self, host: str, port: int, address: str) -> None:
        super().__init__(host, port, timeout=TIMEOUT)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = 443

    def connect(self) -> None:
        super().connect()
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self.sock, server_hostname=self.host)


class Session:
    """Connections kept open per (scheme, host, port) for one batch of deliveries.

    ``allowed`` is ``hosts.allowed_hosts()``, read before: a session runs in a thread of
    its own, which must not query the database.
    """

    def __init__(self, allowed: set[str]) -> None:
        self._open: dict[tuple[str, str, int], _PinnedHTTPConnection] = {}
        self.allowed = allowed

    def close(self) -> None:
        for connection in self._open.values():
            connection.close()
        self._open.clear()

    def _connection(self, scheme: str, host: str, port: int) -> _PinnedHTTPConnection:
        key = (scheme, host, port)
        if key not in self._open:
            address = hosts.resolve(host, port, self.allowed)[0]
            kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
            self._open[key] = kind(host, port, address)
        return self._open[key]

    def post(self, url: str, data: bytes, headers: dict[str, str]) -> Answer:
        """POST ``data`` to ``url``; never raises: a failure is an answer without a status."""
        started = time.monotonic()
        try:
            scheme, host, port = hosts.split(url)
            connection = self._connection(scheme, host, port)
            parts = urlsplit(url)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            all_headers = {
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                **headers,
            }
            connection.request("POST", path, body=data, headers=all_headers)
            response = connection.getresponse()
            raw = response.read(MAX_BODY + 1)
            if len(raw) > MAX_BODY or response.will_close:
                self._drop(scheme, host, port)
            text = raw[:EXCERPT].decode("utf-8", "replace")
            return Answer(response.status, text, _ms(started))
        except hosts.Refused as error:
            return Answer(None, str(error), _ms(started))
        except (OSError, http.client.HTTPException) as error:
            self._drop(*hosts.split(url))
            return Answer(None, f"{type(error).__name__}: {error}"[:EXCERPT], _ms(started))

    def _drop(self, scheme: str, host: str, port: int) -> None:
        connection = self._open.pop((scheme, host, port), None)
        if connection is not None:
            connection.close()


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
