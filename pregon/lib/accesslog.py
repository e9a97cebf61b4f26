"""Logs that name request paths without the keys some paths carry.

The links in a password reset, an invitation, an email-address change, an unsubscribe page
or a tracked open or click hold a token that works as a key: whoever reads it in a log can
use it. Every route with a parameter named ``token`` is such a link (the URL configuration
says which, so a new one is covered too). The web server's access log (``Logger``, given to
gunicorn) and Django's own request log (``RedactTokens``, in settings.LOGGING) write its
token as ``[token]`` and keep the rest of the path.

Two query parameters carry a token too, and are written the same way: ``pregon``, the
conversion token a tracked click adds to a landing page, and ``t``, the visitor's identity
token the pop-ups' embed script adds to a click on a pop-up's button (/p/c/…?t=…).
"""

import logging
import re
from collections.abc import Iterable, Iterator
from functools import cache

from django.apps import apps
from django.urls import URLResolver, get_resolver
from gunicorn.glogging import Logger as GunicornLogger
from gunicorn.glogging import SafeAtoms

HIDDEN = "[token]"
_PARAMETER = re.compile(r"<(?:[^>:]+:)?([^>]+)>")
# The end of a token in a path: the next separator, or the literal text that follows the
# token in its route (".gif").
_SEPARATORS = r"[/?#\s\"']|$"
_QUERY_TOKEN = re.compile(r"(?P<keep>[?&](?:pregon|t)=)[^&#\s\"']+")


def redact(text: str) -> str:
    """``text`` (a path, a URL or a request line) with every link token replaced."""
    text = _token_pattern().sub(lambda match: match.group("keep") + HIDDEN, text)
    return _QUERY_TOKEN.sub(lambda match: match.group("keep") + HIDDEN, text)


class RedactTokens(logging.Filter):
    """A logging filter that redacts link tokens in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Before Django has loaded its applications there is no URL configuration to read,
        # and no request has been served whose path could be logged.
        if apps.ready:
            if isinstance(record.msg, str):
                record.msg = redact(record.msg)
            if isinstance(record.args, tuple):
                record.args = tuple(_redact_value(arg) for arg in record.args)
        return True


class RedactedAtoms(SafeAtoms):
    """The values an access log line is made of (gunicorn's "atoms"), each redacted as the
    line's format reads it.

    The path and the referrer are the places a token can be; most requests carry none, and
    then nothing is searched again. A request that carries one has each atom the format
    names redacted: about ten, where gunicorn makes forty-odd (every header and environment
    variable), and redacting them all cost the open pixel more than answering it.
    """

    def __init__(self, atoms: dict) -> None:
        super().__init__(atoms)
        pattern = _token_pattern()
        places = (atoms.get("r", ""), atoms.get("f", ""))
        self.has_token = any(
            pattern.search(place) or _QUERY_TOKEN.search(place) for place in places
        )

    def __getitem__(self, key: str) -> object:
        value = super().__getitem__(key)
        return _redact_value(value) if self.has_token else value


class Logger(GunicornLogger):
    """gunicorn's logger, whose access log lines and error messages carry no link token."""

    atoms_wrapper_class = RedactedAtoms

    def setup(self, cfg: object) -> None:
        super().setup(cfg)
        self.error_log.addFilter(RedactTokens())


def _redact_value(value: object) -> object:
    return redact(value) if isinstance(value, str) else value


@cache
def _token_pattern() -> re.Pattern:
    """One expression for every route with a token: the path up to the token, then it."""
    prefixes, suffixes = [], set()
    for route in _routes(get_resolver().url_patterns):
        before, token, after = _split_at_token(route)
        if token:
            prefixes.append("/" + _route_expression(before))
            if after:
                suffixes.add(re.escape(after))
    ends = "|".join([*sorted(suffixes), _SEPARATORS])
    return re.compile(f"(?P<keep>{'|'.join(prefixes)})[^/?#\\s\"']+?(?={ends})")


def _route_expression(route: str) -> str:
    """A regular expression for ``route``: its text as it is, any parameter as one segment."""
    literal_texts = _PARAMETER.split(route)[::2]
    return "[^/]+".join(re.escape(text) for text in literal_texts)


def _split_at_token(route: str) -> tuple[str, str, str]:
    """The route before its ``token`` parameter, the parameter, and what follows it up to
    the next slash; the parameter is empty if the route has none."""
    for match in _PARAMETER.finditer(route):
        if match.group(1) == "token":
            after = route[match.end() :].split("/", 1)[0]
            return route[: match.start()], match.group(0), after
    return route, "", ""


def _routes(patterns: Iterable, prefix: str = "") -> Iterator[str]:
    """Every route of the URL configuration, with the prefixes of its includes."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route
