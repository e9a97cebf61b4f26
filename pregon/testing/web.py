"""For tests of the web server: Pregón's own server in a process of its own (``pregon run``),
and the WSGI application it runs, with its fast paths ahead of Django (``fetch``)."""

import io
import time
import urllib.request

from django.core.signals import request_finished, request_started
from django.db import close_old_connections


def wait_for(url: str, seconds: float) -> int:
    """The HTTP status of ``url`` once the server answers; raises OSError if it has not
    answered within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def fetch(
    path: str, method: str = "GET", body: bytes = b"", **headers: str
) -> tuple[str, dict, bytes]:
    """Ask the WSGI application the web server runs (pregon.wsgi, with its fast paths) for
    ``path``: (status line, headers, body)."""
    from pregon.wsgi import application

    answer = {}
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "190.12.34.56",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "text/plain",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        **headers,
    }

    def start_response(status: str, response_headers: list) -> None:
        answer.update(status=status, headers=dict(response_headers))

    # As Django's test client does: the test's connection must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        content = b"".join(application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], content
