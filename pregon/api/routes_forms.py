"""Signup forms in the API's route table: create, read, change and delete them, and read
their report and signups. api.py adds this router to its API.

A form is checked by the builder's form (pregon.forms.forms.SignupFormForm) and saved by its
``save_form``; publishing, withdrawing and deleting go through pregon.forms.lifecycle,
audited as on the screens. The figures come from pregon.forms.stats, as the report page
shows them. The public submission endpoint is routes_forms_public.py.
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
from pregon.api.errors import ERRORS, ApiError, get_or_404, invalid
from pregon.api.schemas.forms import (
    SignupFormIn,
    SignupFormOut,
    SignupFormPatch,
    SignupFormReportOut,
    SignupOut,
)
from pregon.contacts.models import MailingList, Tag
from pregon.content.models import EmailTemplate
from pregon.forms import lifecycle, stats
from pregon.forms.forms import SignupFormForm, askable_fields, save_form
from pregon.forms.models import SignupForm
from pregon.lib.formerrors import Errors, form_errors
from pregon.sending.models import SenderIdentity

router = Router(tags=["forms"])

NO_TEMPLATE = gettext_lazy("There is no template with the code “%(code)s”.")
# Fields the API names by code: the model, and the error for a code it lacks.
BY_CODE: dict[str, tuple[type[Model], Any]] = {
    "sender": (
        SenderIdentity,
        gettext_lazy("There is no sender identity with the code “%(code)s”."),
    ),
    "confirmation_template": (EmailTemplate, NO_TEMPLATE),
    "welcome_template": (EmailTemplate, NO_TEMPLATE),
}
NO_LIST = gettext_lazy("There is no list with the code “%(code)s”.")
NO_TAG = gettext_lazy("There is no tag named “%(name)s”.")


def _forms() -> QuerySet[SignupForm]:
    return SignupForm.objects.select_related(
        "sender", "confirmation_template", "welcome_template"
    ).prefetch_related("lists", "tags")


def _code(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:  # A malformed code is as unknown as a well-formed one.
        return None


def _pk(name: str, code: str, errors: Errors) -> int | None:
    model, message = BY_CODE[name]
    pk = model.objects.filter(code=_code(code)).values_list("pk", flat=True).first()
    if pk is None:
        errors.setdefault(name, []).append(message % {"code": code})
    return pk


def _list_pks(codes: list[str], errors: Errors) -> list[int]:
    pks = []
    for code in codes:
        pk = MailingList.objects.filter(code=_code(code)).values_list("pk", flat=True).first()
        if pk is None:
            errors.setdefault("lists", []).append(NO_LIST % {"code": code})
        else:
            pks.append(pk)
    return pks


def _tag_pks(names: list[str], errors: Errors) -> list[int]:
    found = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    for name in names:
        if name not in found:
            errors.setdefault("tags", []).append(NO_TAG % {"name": name})
    return [found[name] for name in names if name in found]


def _form(signup_form: SignupForm, changes: dict[str, Any]) -> SignupFormForm:
    """The builder's form, valid, for ``signup_form`` with ``changes`` (API names, codes).

    Raises a 422 with the form's errors and those of codes or tags that name nothing.
    """
    data = model_to_dict(signup_form, fields=SignupFormForm.Meta.fields)
    # A custom field deleted since is no longer asked (the page skips it too).
    askable = dict(askable_fields())
    data["fields"] = [item for item in signup_form.fields if item.get("key") in askable]
    saved = signup_form.pk is not None
    data["lists"] = list(signup_form.lists.values_list("pk", flat=True)) if saved else []
    data["tags"] = list(signup_form.tags.values_list("pk", flat=True)) if saved else []
    errors: Errors = {}
    for name, value in changes.items():
        if name in BY_CODE:
            data[name] = None if value is None else _pk(name, value, errors)
        elif name == "lists":
            data[name] = _list_pks(value or [], errors)
        elif name == "tags":
            data[name] = _tag_pks(value or [], errors)
        else:
            data[name] = value
    form = SignupFormForm(data, instance=signup_form)
    if not form.is_valid() or errors:
        raise invalid({**form_errors(form), **errors})
    return form


def _save(request: HttpRequest, form: SignupFormForm, published: bool | None) -> SignupForm:
    """Save the form and publish or withdraw it as asked, all or nothing."""
    with transaction.atomic():
        signup_form = save_form(form, request.user)
        if published is not None:
            lifecycle.set_published(signup_form, published, request)
    return get_or_404(_forms(), pk=signup_form.pk)


@router.get(
    "/forms",
    response=list[SignupFormOut],
    summary=gettext_lazy("List the signup forms"),
    description=gettext_lazy("Signup forms, by name."),
)
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
def form_list(request: HttpRequest) -> QuerySet:
    return _forms()


@router.post(
    "/forms",
    response={201: SignupFormOut, **ERRORS},
    summary=gettext_lazy("Create a signup form"),
    description=gettext_lazy(
        "Create a signup form, checked like the builder: a consent text and a privacy "
        "notice address, a free page address, a sender and a confirmation subject with "
        "double opt-in (on unless `double_opt_in` is false), a confirmation template with "
        "{{ enlace_confirmar }} (or the default one). It stays unpublished unless "
        "`is_published` is true."
    ),
)
def form_create(request: HttpRequest, payload: SignupFormIn) -> Status[SignupForm]:
    changes = payload.dict()
    published = changes.pop("is_published")
    signup_form = _save(request, _form(SignupForm(), changes), published or None)
    return Status(201, signup_form)


@router.get(
    "/forms/{code}",
    response={200: SignupFormOut, **ERRORS},
    summary=gettext_lazy("Get a signup form"),
)
def form_detail(request: HttpRequest, code: str) -> SignupForm:
    return get_or_404(_forms(), code=code)


@router.patch(
    "/forms/{code}",
    response={200: SignupFormOut, **ERRORS},
    summary=gettext_lazy("Update a signup form"),
    description=gettext_lazy(
        "Change only the keys sent; `is_published` publishes or withdraws it."
    ),
)
def form_update(request: HttpRequest, code: str, payload: SignupFormPatch) -> SignupForm:
    signup_form = get_or_404(_forms(), code=code)
    changes = payload.dict(exclude_unset=True)
    published = changes.pop("is_published", None)
    return _save(request, _form(signup_form, changes), published)


@router.delete(
    "/forms/{code}",
    response={204: None, **ERRORS},
    summary=gettext_lazy("Delete a signup form"),
    description=gettext_lazy(
        "Delete a signup form, its figures and its signups (recorded in the audit log); the "
        "contacts it brought stay, except those still waiting to confirm through it alone. "
        "Refused while a pop-up shows it."
    ),
)
def form_delete(request: HttpRequest, code: str) -> Status[None]:
    signup_form = get_or_404(SignupForm.objects, code=code)
    if problem := lifecycle.delete_problem(signup_form):
        raise ApiError(400, problem)
    lifecycle.delete(signup_form, request)
    return Status(204, None)


@router.get(
    "/forms/{code}/report",
    response={200: SignupFormReportOut, **ERRORS},
    auth=auth.ANALYST,
    summary=gettext_lazy("Get a signup form's report"),
    description=gettext_lazy(
        "A form's views, submissions (past the defences against robots), confirmations and "
        "confirmation rate, in total and per day, as the report page shows them."
    ),
)
def form_report(request: HttpRequest, code: str) -> dict[str, Any]:
    signup_form = get_or_404(SignupForm.objects, code=code)
    return {
        "form": signup_form.code,
        "name": signup_form.name,
        "is_published": signup_form.is_active,
        "time_zone": timezone.get_default_timezone_name(),
        "figures": stats.figures(signup_form),
        "by_day": stats.by_day(signup_form),
    }


# The signups are personal data: like the contacts themselves, for editors and up.
@router.get(
    "/forms/{code}/signups",
    response={200: list[SignupOut], **ERRORS},
    summary=gettext_lazy("List a signup form's signups"),
    description=gettext_lazy(
        "Each submission of the form, the latest first: the address, whether it is waiting "
        "for confirmation, confirmed or expired, where it came from and when. Paginated."
    ),
)
@paginate(PageNumberPagination, page_size=100, max_page_size=1000)
def form_signups(request: HttpRequest, code: str) -> QuerySet:
    return stats.signups(get_or_404(SignupForm.objects, code=code))
