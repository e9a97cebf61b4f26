"""The pop-ups' configuration and beacons, answered ahead of Django.

Every page of the classroom asks for the configuration, and most report a view: the two
busiest addresses after the open pixel. ``FastPopups`` wraps the WSGI application
(pregon/wsgi.py), as ``FastPixel`` does for the pixel, and answers them without Django's
middleware and URL resolution, through the very functions Django's views call
(pregon.popups.config.answer, pregon.popups.beacons.receive), so both give the same answer.
Anything else (preflights, identification, the form, the click) goes on to Django.
"""

import re
from collections.abc import Callable, Iterable
from http import HTTPStatus

from django.conf import settings
from django.core import signals
from django.utils import translation

from pregon.popups import beacons, config
from pregon.popups.origins import Answer

CONFIGURATION = re.compile(r"^/p/s/([A-Za-z0-9_-]{1,16})\.json$")
BEACON = re.compile(r"^/p/b/([A-Za-z0-9_-]{1,16})$")


def _body(environ: dict) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    # One byte past the limit is enough to refuse it as too long.
    return environ["wsgi.input"].read(min(max(length, 0), beacons.MAX_BODY + 1))


def _answer(environ: dict, method: str, path: str) -> Answer | None:
    if method == "GET" and (match := CONFIGURATION.match(path)):
        origin = environ.get("HTTP_ORIGIN")
        return config.answer(match[1], origin, environ.get("HTTP_IF_NONE_MATCH", ""))
    if method == "POST" and (match := BEACON.match(path)):
        return beacons.receive(match[1], environ, _body(environ))
    return None


class FastPopups:
    """WSGI middleware: the pop-ups' configuration and beacons, answered without Django."""

    def __init__(self, application: Callable) -> None:
        self.application = application

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/p/"):
            return self.application(environ, start_response)
        # The site and configuration caches may ask the database: Django's signals around a
        # request close a connection that is too old or broken, as for any request.
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            with translation.override(settings.LANGUAGE_CODE):
                answer = _answer(environ, environ.get("REQUEST_METHOD", ""), path)
        finally:
            signals.request_finished.send(sender=self.__class__)
        if answer is None:
            return self.application(environ, start_response)
        status = HTTPStatus(answer.status)
        # What Django's SecurityMiddleware adds to the views' answers.
        headers = [
            *answer.headers,
            ("X-Content-Type-Options", "nosniff"),
            ("Content-Length", str(len(answer.body))),
        ]
        start_response(f"{status.value} {status.phrase}", headers)
        return [answer.body]
