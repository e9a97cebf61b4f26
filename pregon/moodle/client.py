"""Calls to Moodle's REST web services (``webservice/rest/server.php``, JSON answers).

Moodle answers an error with HTTP 200 and a JSON object holding ``exception``, ``errorcode``
and ``message``; ``call`` raises ``MoodleError`` for it, as for a time-out, a network
failure, an HTTP error or an answer that is not JSON, with what to do in the user's
language. Parameters are sent as Moodle reads them: PHP's form encoding of arrays
(``options[0][name]=limitfrom``).
"""

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
from django.utils.translation import gettext as _

SERVER_PATH = "/webservice/rest/server.php"
TIMEOUT = 60  # Seconds: a page of 1,000 enrolled users takes a few on a busy classroom.


class MoodleError(Exception):
    """A call failed. ``code`` is Moodle's errorcode, or "timeout", "network", "http",
    "redirect" or "format"; ``message`` says what happened and what to do, for the screens;
    ``detail`` is Moodle's own message, for the logs."""

    def __init__(self, code: str, message: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail or message}")
        self.code = code
        self.message = message
        self.detail = detail


def explain(code: str, detail: str) -> str:
    """What a Moodle errorcode means for the person setting up the connection. The codes are
    those Moodle's web-service layer and the connector's functions throw (webservice/lib.php,
    lib/setuplib.php, and each function's checks); Moodle's own message, in the site's
    language, is kept apart as the error's ``detail``."""
    known = {
        "invalidtoken": _(
            "Moodle does not recognise the token. Copy it again from Site administration > "
            "Server > Web services > Manage tokens."
        ),
        # Moodle also answers this for a disabled service, an expired token, a token limited
        # to other IP addresses and a suspended user; only its debug mode tells which.
        "accessexception": _(
            "Moodle refused the call. In Site administration > Server > Web services, check "
            "that the service is enabled and includes this function, that the token has not "
            "expired and is not limited to other IP addresses, and that the web-service user "
            "is not suspended."
        ),
        "nopermissions": _(
            "The web-service user's role lacks a capability Moodle requires (Moodle says: "
            "%(detail)s). Grant it in Site administration > Users > Permissions > Define roles."
        )
        % {"detail": detail},
        "errorcoursecontextnotvalid": _(
            "The web-service user cannot enter the courses. Grant its role, at system level, "
            "the capability moodle/course:view (View courses without participation)."
        ),
        "cannotviewreport": _(
            "Moodle does not show this course's completion: grant the web-service user's "
            "role report/completion:view, and check that completion tracking is enabled."
        ),
        "nopermissiontoviewgrades": _(
            "The web-service user cannot see grades: grant its role moodle/grade:viewall."
        ),
        "invalidrecordunknown": _(
            "Moodle did not find what was asked for: a course or user that no longer exists, "
            "or a function this Moodle version does not have."
        ),
        "invalidparameter": _(
            "Moodle rejected a parameter of the call; this Moodle version may not support it."
        ),
        "sitemaintenance": _("Moodle is in maintenance mode. Try again when it is back."),
        "usernotconfirmed": _("The web-service user's account is not confirmed in Moodle."),
        "passwordisexpired": _(
            "The web-service user's password has expired in Moodle: change it, then try again."
        ),
    }
    if code in known:
        return known[code]
    return _("Moodle answered with an error (%(code)s): %(detail)s") % {
        "code": code,
        "detail": detail,
    }


def explain_status(status: int, endpoint: str) -> str:
    """What an HTTP error from the web-service address means."""
    if status == 403:
        # webservice/rest/server.php answers 403 when web services or REST are disabled.
        return _(
            "Moodle refused web-service calls (HTTP 403): enable web services in Site "
            "administration > Advanced features, and the REST protocol in Site "
            "administration > Server > Web services > Manage protocols."
        )
    if status == 404:
        return _("There is no Moodle web service at %(url)s. Check the address.") % {
            "url": endpoint
        }
    return _("Moodle answered HTTP %(status)s at %(url)s. Try again later.") % {
        "status": status,
        "url": endpoint,
    }


def moved_to(location: str, endpoint: str) -> str:
    """The site's address a redirect from ``endpoint`` to ``location`` points at: without
    the web-service path and the query, as the connection takes it."""
    target = urlsplit(urljoin(endpoint, location))
    path = target.path.removesuffix(SERVER_PATH).rstrip("/")
    return urlunsplit((target.scheme, target.netloc, path, "", ""))


def form_fields(params: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """``params`` as PHP form fields: lists and dicts nest with brackets, booleans are 1/0."""
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, dict):
            yield from form_fields(value, name)
        elif isinstance(value, list | tuple):
            yield from form_fields(dict(enumerate(value)), name)
        elif isinstance(value, bool):
            yield name, "1" if value else "0"
        else:
            yield name, str(value)


class Client:
    """One classroom's web services, over a kept-alive HTTP session."""

    def __init__(self, url: str, token: str, timeout: float | None = None) -> None:
        self.endpoint = url.rstrip("/") + SERVER_PATH
        self.token = token
        # TIMEOUT is read now, not when the module loaded, so that tests may shorten it.
        self.timeout = TIMEOUT if timeout is None else timeout
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "Pregon (Moodle connector)"

    def call(self, function: str, **params: Any) -> Any:
        """Moodle's decoded answer to ``function`` with ``params``; raises ``MoodleError``."""
        fields = [
            ("wstoken", self.token),
            ("wsfunction", function),
            ("moodlewsrestformat", "json"),
            *form_fields(params),
        ]
        try:
            # Redirects are not followed: a 301 or 302 would turn the POST into a GET without
            # the token (Moodle then calls it unknown), a 307 or 308 would send the token on to
            # wherever the redirect points.
            response = self.session.post(
                self.endpoint, data=fields, timeout=self.timeout, allow_redirects=False
            )
        except requests.Timeout as error:
            raise MoodleError(
                "timeout",
                _("Moodle did not answer within %(seconds)s seconds. Try again later.")
                % {"seconds": int(self.timeout)},
                str(error),
            ) from error
        except requests.RequestException as error:
            raise MoodleError(
                "network",
                _("Moodle could not be reached at %(url)s. Check the address.")
                % {"url": self.endpoint},
                str(error),
            ) from error
        if response.is_redirect:
            raise MoodleError(
                "redirect",
                _(
                    "Moodle answers from another address: %(url)s. Enter that address in the "
                    "connection (the token is not sent to an address it was not entered for)."
                )
                % {"url": moved_to(response.headers["Location"], self.endpoint)},
            )
        if response.status_code != 200:
            raise MoodleError(
                "http", explain_status(response.status_code, self.endpoint), response.text[:300]
            )
        try:
            answer = response.json()
        except ValueError as error:
            raise MoodleError(
                "format",
                _(
                    "The answer is not Moodle's: check the address, and that the REST "
                    "protocol is enabled."
                ),
                response.text[:300],
            ) from error
        if isinstance(answer, dict) and "exception" in answer and "errorcode" in answer:
            code = str(answer["errorcode"])
            detail = str(answer.get("message", ""))
            raise MoodleError(code, explain(code, detail), detail)
        return answer

    def close(self) -> None:
        self.session.close()
