"""Pop-ups in the API's route table: create, read, change and delete them, and read their
report and the people who met them. api.py adds this router to its API.

A pop-up is checked by the pop-up screen's form (pregon.popups.forms.PopupForm) and saved by
its ``save_popup``; publishing, withdrawing and deleting go through pregon.popups.lifecycle,
audited as on the screens. The figures come from pregon.popups.stats and people, the
functions the report page shows.
"""

import uuid
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from pregon.api import auth
from pregon.api.errors import ERRORS, get_or_404, invalid
from pregon.api.schemas.popups import (
    PopupIn,
    PopupOut,
    PopupPatch,
    PopupPersonOut,
    PopupReportOut,
)
from pregon.contacts.models import Segment
from pregon.forms.models import SignupForm
from pregon.lib.formerrors import Errors, form_errors
from pregon.popups import lifecycle, people, stats
from pregon.popups.forms import PopupForm, save_popup
from pregon.popups.models import Popup

router = Router(tags=["popups"])

# Fields the API names by code: the model, and the error for a code it lacks.
BY_CODE: dict[str, tuple[type[Model], Any]] = {
    "segment": (Segment, gettext_lazy("There is no segment with the code “%(code)s”.")),
    "signup_form": (
        SignupForm,
        gettext_lazy("There is no signup form with the code “%(code)s”."),
    ),
}


def _popups() -> QuerySet[Popup]:
    return Popup.objects.select_related("segment", "signup_form", "promoted_course")


def _pk(name: str, code: str, errors: Errors) -> int | None:
    model, message = BY_CODE[name]
    try:
        pk = model.objects.filter(code=uuid.UUID(str(code))).values_list("pk", flat=True).first()
    except ValueError:  # A malformed code is as unknown as a well-formed one.
        pk = None
    if pk is None:
        errors.setdefault(name, []).append(message % {"code": code})
    return pk


def _form(popup: Popup, changes: dict[str, Any]) -> PopupForm:
    """The pop-up form, valid, for ``popup`` with ``changes`` (API names, codes).

    Raises a 422 with the form's errors and those of codes that name nothing.
    """
    data = model_to_dict(popup, fields=PopupForm.Meta.fields)
    # The course it announces, by its Moodle id, as the form's select names it.
    data["promoted_course"] = popup.promoted_course.moodle_id if popup.promoted_course else None
    errors: Errors = {}
    for name, value in changes.items():
        if name in BY_CODE:
            data[name] = None if value is None else _pk(name, value, errors)
        else:
            data[name] = value
    form = PopupForm(data, instance=popup)
    if not form.is_valid() or errors:
        raise invalid({**form_errors(form), **errors})
    return form


def _save(request: HttpRequest, form: PopupForm, published: bool | None) -> Popup:
    """Save the form's pop-up and publish or withdraw it as asked, all or nothing."""
    if published and (problem := lifecycle.publish_problem(form.instance)):
        raise invalid({"is_published": [problem]})
    with transaction.atomic():
        popup = save_popup(form, request.user)
        if published is not None:
            lifecycle.set_published(popup, published, request)
    return get_or_404(_popups(), pk=popup.pk)


@router.get(
    "/popups",
    response=list[PopupOut],
    summary=gettext_lazy("List the pop-ups"),
    description=gettext_lazy("Pop-ups, the highest priority first, then the newest."),
)
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
def popup_list(request: HttpRequest) -> QuerySet:
    return _popups()


@router.post(
    "/popups",
    response={201: PopupOut, **ERRORS},
    summary=gettext_lazy("Create a pop-up"),
    description=gettext_lazy(
        "Create a pop-up, checked like the pop-up form: the end after the start, valid "
        "address patterns, no scripts in the text, colours as #rrggbb. It stays a draft "
        "unless `is_published` is true."
    ),
)
def popup_create(request: HttpRequest, payload: PopupIn) -> Status[Popup]:
    changes = payload.dict()
    published = changes.pop("is_published")
    popup = _save(request, _form(Popup(), changes), published or None)
    return Status(201, popup)


@router.get(
    "/popups/{code}",
    response={200: PopupOut, **ERRORS},
    summary=gettext_lazy("Get a pop-up"),
)
def popup_detail(request: HttpRequest, code: str) -> Popup:
    return get_or_404(_popups(), code=code)


@router.patch(
    "/popups/{code}",
    response={200: PopupOut, **ERRORS},
    summary=gettext_lazy("Update a pop-up"),
    description=gettext_lazy(
        "Change only the keys sent; `is_published` publishes or withdraws it (an ended "
        "pop-up cannot be published until its end date moves)."
    ),
)
def popup_update(request: HttpRequest, code: str, payload: PopupPatch) -> Popup:
    popup = get_or_404(_popups(), code=code)
    changes = payload.dict(exclude_unset=True)
    published = changes.pop("is_published", None)
    return _save(request, _form(popup, changes), published)


@router.delete(
    "/popups/{code}",
    response={204: None, **ERRORS},
    summary=gettext_lazy("Delete a pop-up"),
    description=gettext_lazy(
        "Delete a pop-up and its figures (recorded in the audit log). The events it left in "
        "contacts' histories go too."
    ),
)
def popup_delete(request: HttpRequest, code: str) -> Status[None]:
    lifecycle.delete(get_or_404(Popup.objects, code=code), request)
    return Status(204, None)


@router.get(
    "/popups/{code}/report",
    response={200: PopupReportOut, **ERRORS},
    auth=auth.ANALYST,
    summary=gettext_lazy("Get a pop-up's report"),
    description=gettext_lazy(
        "A pop-up's figures (views, unique visitors, clicks, closes, forms sent, "
        "conversions and the click rate), views and clicks by day and by hour of the day, "
        "by page, by Moodle course and by device, as the report page shows them. People's "
        "events only."
    ),
)
def popup_report(request: HttpRequest, code: str) -> dict[str, Any]:
    popup = get_or_404(Popup.objects, code=code)
    return {
        "popup": popup.code,
        "name": popup.name,
        "status": popup.status(),
        "time_zone": timezone.get_default_timezone_name(),
        "figures": stats.figures(popup),
        "conversions_by_method": stats.conversions_by_method(popup),
        "by_day": stats.by_day(popup),
        "by_hour": stats.by_hour(popup),
        "pages": stats.by_page(popup),
        "courses": stats.by_course(popup),
        "devices": stats.by_device(popup),
    }


# The people are personal data: like the contacts themselves, for editors and up.
@router.get(
    "/popups/{code}/people",
    response={200: list[PopupPersonOut], **ERRORS},
    summary=gettext_lazy("List the people who met a pop-up"),
    description=gettext_lazy(
        "Known contacts who saw the pop-up, clicked it, sent its form or converted, the "
        "most recent first, with their first and last event and how many of each. "
        "Visitors not known as contacts are not listed. Paginated."
    ),
)
@paginate(PageNumberPagination, page_size=100, max_page_size=1000)
def popup_people(request: HttpRequest, code: str) -> QuerySet:
    return people.people(get_or_404(Popup.objects, code=code))
