"""What the virtual classroom's pages reach, under /p/ (the contract: the embed script, the
configuration, beacons, the click redirect, identification and the form).

They answer in the account's language, whatever the visitor's browser asks for: the
classroom's visitors never chose a language in Pregón. The configuration and beacons are
usually answered ahead of Django (pregon.popups.fast); these views give the same answers
through the same functions when Django gets the request.
"""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from pregon.lib import signing
from pregon.lib.proxy import address
from pregon.popups import beacons, config, floods, identity, signup
from pregon.popups.origins import Answer, admit, cors, error, json_answer, preflight

EMBED = Path(__file__).resolve().parent.parent / "static" / "popups" / "embed.js"


def respond(answer: Answer) -> HttpResponse:
    """A Django response carrying ``answer``."""
    response = HttpResponse(answer.body, status=answer.status)
    if not answer.body:
        del response["Content-Type"]
    for name, value in answer.headers:
        response[name] = value
    return response


@require_GET
def embed(request: HttpRequest) -> HttpResponse:
    """The embed script (pregon/popups/static/popups/embed.js)."""
    response = HttpResponse(EMBED.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_http_methods(["GET", "HEAD", "OPTIONS"])
def configuration(request: HttpRequest, key: str) -> HttpResponse:
    """The pop-ups' configuration for a site's pages (pregon.popups.config)."""
    origin = request.headers.get("Origin")
    with translation.override(settings.LANGUAGE_CODE):
        if request.method == "OPTIONS":
            return respond(preflight(origin, "GET"))
        return respond(config.answer(key, origin, request.headers.get("If-None-Match", "")))


def _post(handler: object, request: HttpRequest, key: str) -> HttpResponse:
    with translation.override(settings.LANGUAGE_CODE):
        if request.method == "OPTIONS":
            return respond(preflight(request.headers.get("Origin"), "POST"))
        return respond(handler(key, request.META, request.body))


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def beacon(request: HttpRequest, key: str) -> HttpResponse:
    """A view or close the embed script reports (pregon.popups.beacons)."""
    return _post(beacons.receive, request, key)


@csrf_exempt
@require_http_methods(["GET", "POST", "OPTIONS"])
def form(request: HttpRequest, key: str) -> HttpResponse:
    """A pop-up's signup form (pregon.popups.signup): GET its stamp, POST its answers."""
    if request.method == "GET":
        with translation.override(settings.LANGUAGE_CODE):
            popup_id = request.GET.get("p", "")
            return respond(signup.stamp(key, request.headers.get("Origin"), popup_id))
    return _post(signup.submit, request, key)


def _identify(key: str, meta: dict, body: bytes) -> Answer:
    """The answer to POST /p/i/<key> {"t": token}: {"known", "popups"}; 400 for a forged
    token."""
    caller = admit(key, meta.get("HTTP_ORIGIN"))
    if isinstance(caller, Answer):
        return caller
    origin = caller.origin
    if not floods.events.allow(address(meta)):
        return error(429, _("Too many reports from this address. Try again later."), None, origin)
    try:
        token = beacons.parse_json(body).get("t")
        if not isinstance(token, str) or not token.strip():
            raise beacons.Invalid("t", _("This identity code is not valid."))
        known, popups = identity.identify(token)
    except beacons.Invalid as invalid:
        return error(400, str(invalid), invalid.errors, origin)
    except signing.BadToken:
        detail = _("This identity code is not valid.")
        return error(400, detail, {"t": [detail]}, origin)
    return json_answer(200, {"known": known, "popups": popups}, cors(origin))


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def identify(request: HttpRequest, key: str) -> HttpResponse:
    """Whether the visitor's identity token names a contact (pregon.popups.identity)."""
    return _post(_identify, request, key)


@require_GET
def clicked(request: HttpRequest, token: str) -> HttpResponse:
    """A click on a pop-up's button: recorded, then on to the pop-up's own link, with its
    conversion token. Any other address is a 404: no open redirect."""
    url = beacons.click(token, request.META, request.GET)
    if url is None:
        raise Http404
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
