"""What a request to a tracking address records, and the open pixel answered ahead of Django.

The pixel is the busiest address Pregón has: every message opened fetches it, often several
times. ``FastPixel`` wraps the WSGI application (pregon/wsgi.py) and answers it before
Django's middleware and URL resolution, which are three quarters of a Django answer's cost
and do nothing for it: no session, no language, no user. A token we did not sign, or any
other address, goes on to Django as usual (and gets its 404 page there).
"""

import base64
from collections.abc import Callable, Iterable, Mapping

from pregon.lib import signing
from pregon.lib.proxy import address
from pregon.tracking import agents, spool
from pregon.tracking.models import EventKind, hash_ip

# The smallest transparent GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_STORE = "no-store, no-cache, must-revalidate, max-age=0"
PIXEL_HEADERS = [
    ("Content-Type", "image/gif"),
    ("Content-Length", str(len(PIXEL))),
    ("Cache-Control", NO_STORE),
    ("X-Content-Type-Options", "nosniff"),
]
PREFIX, SUFFIX = "/t/o/", ".gif"


def record(meta: Mapping[str, str], kind: str, message_id: int, link: int | None = None) -> None:
    """Spool the event with what the request tells: the user agent, a hash of the address,
    and whether a machine made it (pregon.tracking.spool writes it to the database)."""
    user_agent = meta.get("HTTP_USER_AGENT", "")[:500]
    ip = address(meta)
    machine = agents.machine_reason(
        opening=kind == EventKind.OPENED,
        method=meta.get("REQUEST_METHOD", "GET"),
        user_agent=user_agent,
        ip=ip,
    )
    spool.append(kind, message_id, link, user_agent, machine, hash_ip(ip))


def record_open(meta: Mapping[str, str], token: str) -> bool:
    """Record the open an open token names; False (and nothing recorded) for a token we did
    not sign. Signed means real: the database need not be asked before answering."""
    try:
        message_id = signing.unsign("open", token)
    except signing.BadToken:
        return False
    record(meta, EventKind.OPENED, message_id)
    return True


class FastPixel:
    """WSGI middleware: the open pixel, answered without Django."""

    def __init__(self, application: Callable) -> None:
        self.application = application

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD")
        if (
            path.startswith(PREFIX)
            and path.endswith(SUFFIX)
            and method in ("GET", "HEAD")
            and record_open(environ, path[len(PREFIX) : -len(SUFFIX)])
        ):
            start_response("200 OK", PIXEL_HEADERS)
            return [PIXEL] if method == "GET" else []
        return self.application(environ, start_response)
