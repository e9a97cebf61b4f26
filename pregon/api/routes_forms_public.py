"""Signup forms' public routes: no API token, any web site (CORS for every origin, no
cookies). A page that embeds a form (pregon/forms/static/forms/embed.js) reads the form here
and sends its submissions here; another system may do the same. Submissions go through
pregon.forms.submit, as the hosted page's and the pop-ups' do: the same defences, the same
double opt-in, the same answer whether the address was known or not.
"""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy
from ninja import Router, Status

from pregon.api.errors import ERRORS, ErrorOut, not_found
from pregon.api.schemas.forms_public import SignupFormOut, SignupIn, SignupOut
from pregon.forms import days, describe
from pregon.forms.defences import Refused
from pregon.forms.models import SignupForm
from pregon.forms.submit import submit
from pregon.lib.proxy import address

router = Router(tags=["public forms"])
PATH = "/public/forms/{slug}"


def _open_to_all(response: HttpResponse) -> None:
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-store"


def _published(slug: str) -> SignupForm | None:
    return SignupForm.objects.filter(slug=slug, is_active=True).first()


def _not_found() -> Status:
    return Status(404, {"detail": not_found().detail, "errors": {}})


@router.get(
    PATH,
    auth=None,
    response={200: SignupFormOut, 404: ErrorOut},
    url_name="forms_public_form",
    summary=gettext_lazy("Read a published signup form"),
    description=gettext_lazy(
        "No token needed. The form's fields, lists, consent and colours, and a fresh stamp to "
        "send back with the submission. Counts one view of the form."
    ),
)
def form_read(request: HttpRequest, response: HttpResponse, slug: str) -> Status:
    _open_to_all(response)
    form = _published(slug)
    if form is None:
        return _not_found()
    days.add(form, "views")
    return Status(200, describe.describe(form))


@router.post(
    PATH,
    auth=None,
    response={200: SignupOut, 429: ErrorOut, **ERRORS},
    url_name="forms_public_submit",
    summary=gettext_lazy("Sign up through a published form"),
    description=gettext_lazy(
        "No token needed. The body may be sent as text/plain (no CORS preflight). Answers "
        "200 with the form's thanks, whether or not the address was already a contact; 422 "
        "with the messages by field (nothing stored); 429 past the limits per connection "
        "and per address. With double opt-in the person gets an email to confirm."
    ),
)
def form_submit(
    request: HttpRequest, response: HttpResponse, slug: str, payload: SignupIn
) -> Status:
    _open_to_all(response)
    form = _published(slug)
    if form is None:
        return _not_found()
    data = payload.dict()
    try:
        accepted = submit(form, data, ip=address(request.META), channel=data.pop("channel"))
    except Refused as refused:
        return Status(refused.status, {"detail": refused.detail, "errors": refused.errors})
    return Status(200, {"ok": True, "message": accepted.message, "redirect": accepted.redirect})


@router.api_operation(["OPTIONS"], PATH, auth=None, response={204: None}, include_in_schema=False)
def form_preflight(request: HttpRequest, response: HttpResponse, slug: str) -> Status:
    _open_to_all(response)
    response["Access-Control-Allow-Methods"] = "GET, POST"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Max-Age"] = "86400"
    return Status(204, None)
