"""The API's one error shape, ``{"detail": "…", "errors": {"field": ["…"]}}``, and its handlers.

Every 4xx answer has ``detail``, a sentence for a person, and ``errors``, a message list per
field (empty when no field is to blame). Field names are the API's own, dotted for nested
values: ``phone``, ``fields.birthday``, ``consent.source``, ``contacts.3.email``.

``get_or_404`` and ``save_form`` are the two ways an endpoint of any route module turns a
missing object or an invalid form into an answer.
"""

import uuid
from typing import Any

from django import forms
from django.db import IntegrityError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from pregon.lib.formerrors import Errors, form_errors


class ErrorOut(Schema):
    detail: str
    errors: Errors = {}


# The error answers every endpoint may give, for the OpenAPI document.
ERRORS = {frozenset({400, 401, 403, 404, 422}): ErrorOut}


class ApiError(Exception):
    """Raised by an endpoint to answer with the error shape and ``status``."""

    def __init__(self, status: int, detail: str, errors: Errors | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}


def invalid(errors: Errors) -> ApiError:
    """A 422 for ``errors``, with the detail every invalid request gets."""
    return ApiError(422, _("Some values are not valid; see the errors for each field."), errors)


def not_found() -> ApiError:
    return ApiError(404, _("Nothing here has this code or name."))


def get_or_404(queryset: QuerySet, **lookup: Any) -> Any:
    """The one object matching ``lookup``, or a 404; a malformed code is simply unknown."""
    if "code" in lookup:
        try:
            lookup["code"] = uuid.UUID(str(lookup["code"]))
        except ValueError:
            raise not_found() from None
    found = queryset.filter(**lookup).first()
    if found is None:
        raise not_found()
    return found


def save_form(form_class: type[forms.ModelForm], instance: Model, data: dict[str, Any]) -> Any:
    """Save ``instance`` through the UI's form with ``data``; raise a 422 with its errors."""
    form = form_class(data, instance=instance)
    if not form.is_valid():
        raise invalid(form_errors(form))
    return form.save()


def _pydantic_message(error: dict[str, Any]) -> str:
    """A translated message for one pydantic error, in Django's words where Django has them.

    Django's own catalogue already holds Spanish for its messages, so reusing its msgids
    translates the common cases; pydantic's English text is the fallback for rare ones.
    """
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not part of the API; check its spelling.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"float_parsing", "float_type", "decimal_parsing", "decimal_type"}:
        return _("Enter a number.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    if kind in {"string_type", "string_sub_type"}:
        return _("Enter a text value.")
    if kind in {"list_type", "tuple_type", "set_type"}:
        return _("Enter a list of values.")
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return _("Enter an object with named values.")
    if kind in {"uuid_parsing", "uuid_type"}:
        return _("Enter a valid UUID.")
    if kind in {"date_parsing", "date_type", "date_from_datetime_parsing"}:
        return _("Enter a valid date.")
    if kind.startswith("datetime_"):
        return _("Enter a valid date/time.")
    if kind.startswith("ip_"):
        return _("Enter a valid IPv4 or IPv6 address.")
    if kind in {"enum", "literal_error"}:
        return _("Choose one of %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind in {"string_too_long", "too_long"}:
        limit = ctx.get("max_length", 0)
        if kind == "too_long":
            return ngettext(
                "Send at most %(limit)d item.", "Send at most %(limit)d items.", limit
            ) % {"limit": limit}
        return ngettext(
            "Enter at most %(limit)d character.", "Enter at most %(limit)d characters.", limit
        ) % {"limit": limit}
    if kind in {"string_too_short", "too_short"}:
        return _("This field is required.")
    return str(error.get("msg", _("Enter a valid value.")))


def _field_name(location: list[Any]) -> str:
    """``["body", "payload", "contacts", 3, "email"]`` -> ``contacts.3.email``.

    The first item says where the value came from (body, query, path, form) and, for a
    body, the second names the view's parameter; neither means anything to a client.
    """
    parts = list(location[1:])
    if location and location[0] in {"body", "form"} and len(parts) > 1:
        parts = parts[1:]
    return ".".join(str(part) for part in parts) or str(location[0] if location else "")


def install(api: NinjaAPI) -> None:
    """Make every error ``api`` answers take the one shape, translated."""

    def answer(
        request: HttpRequest,
        status: int,
        detail: str,
        errors: Errors | None = None,
    ) -> HttpResponse:
        return api.create_response(
            request, {"detail": detail, "errors": errors or {}}, status=status
        )

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return answer(request, exc.status, exc.detail, exc.errors)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors: Errors = {}
        for error in exc.errors:
            name = _field_name(error.get("loc", []))
            errors.setdefault(name, []).append(_pydantic_message(error))
        return answer(request, 422, invalid(errors).detail, errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = answer(
            request,
            401,
            _("Send a valid API token in the header “Authorization: Bearer <token>”."),
        )
        response["WWW-Authenticate"] = 'Bearer realm="pregon"'
        return response

    @api.exception_handler(AuthorizationError)
    def forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return answer(
            request, 403, _("The role of the user behind this token does not allow this request.")
        )

    @api.exception_handler(Http404)
    def missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return answer(request, 404, not_found().detail)

    @api.exception_handler(IntegrityError)
    def conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # Validation checked uniqueness, so this is another request that wrote the same
        # address (or name) between our check and our write.
        return answer(
            request, 409, _("Another request changed the same records just now; send this again.")
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # Ninja raises a 400 when the body is not JSON (or not the multipart it expects).
        if exc.status_code == 400:
            return answer(request, 400, _("The request body could not be read as JSON."))
        return answer(request, exc.status_code, str(exc))


def endpoint_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """A JSON 404 for an address under /api/v1/ that no endpoint serves.

    Clients then get the error shape even for a mistyped path, never an HTML page.
    """
    detail = _("There is no API endpoint at this address; the list is at /api/v1/docs.")
    return JsonResponse({"detail": detail, "errors": {}}, status=404)
