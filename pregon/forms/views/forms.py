"""The list of signup forms, and building one: its settings, with the fields it asks in
order (rows of the builder) and the lists, consent, emails and defences."""

import json
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.contacts.forms import bootstrap
from pregon.content.models import BrandKit
from pregon.forms import links, stats
from pregon.forms.forms import SignupFormForm, askable_fields, save_form
from pregon.forms.models import SignupForm

NOT_ASKED, OPTIONAL, REQUIRED = "", "optional", "required"


@dataclass(frozen=True)
class FieldRow:
    """One row of the fields' builder: a field, whether it is asked, and where."""

    key: str
    label: str
    ask: str
    position: int


def _rows(asked: list[dict], data: QueryDict | None) -> list[FieldRow]:
    """The builder's rows: every askable field, as ``data`` (the posted rows) or ``asked``
    (the form's list) has it, the asked ones first in their order."""
    order = {item["key"]: index for index, item in enumerate(asked, start=1)}
    required = {item["key"]: item["required"] for item in asked}
    rows = []
    for index, (key, label) in enumerate(askable_fields(), start=1):
        if data is not None:
            ask = data.get(f"ask:{key}", NOT_ASKED)
            try:
                position = int(data.get(f"position:{key}", ""))
            except ValueError:
                position = 100 + index
        elif key in order:
            ask, position = (REQUIRED if required[key] else OPTIONAL), order[key]
        else:
            ask, position = NOT_ASKED, 100 + index
        rows.append(FieldRow(key, label, ask, position))
    return sorted(rows, key=lambda row: (row.ask == NOT_ASKED, row.position))


def _posted(request: HttpRequest) -> tuple[QueryDict, list[FieldRow]]:
    """The posted form with its builder's rows turned into the ``fields`` list."""
    rows = _rows([], request.POST)
    data = request.POST.copy()
    asked = [
        {"key": row.key, "required": row.ask == REQUIRED}
        for row in rows
        if row.ask in (OPTIONAL, REQUIRED)
    ]
    data["fields"] = json.dumps(asked)
    return data, rows


@authorize(Role.ANALYST)
def form_index(request: HttpRequest) -> HttpResponse:
    """Every signup form with its status and figures."""
    forms = list(SignupForm.objects.all())
    figures = stats.figures_of(forms)
    rows = [(form, figures[form.pk]) for form in forms]
    return render(request, "forms/form_index.html", {"rows": rows})


def _initial() -> dict:
    return {
        "colour": BrandKit.load().primary_color.lower(),
        "confirmation_subject": "Confirme su suscripción",
        "consent_text": "Acepto recibir correos con novedades y el tratamiento de mis datos "
        "personales según el aviso de privacidad.",
    }


@authorize(Role.EDITOR)
def form_create(request: HttpRequest) -> HttpResponse:
    rows = _rows([{"key": "first_name", "required": False}], None)
    if request.method == "POST":
        data, rows = _posted(request)
        form = SignupFormForm(data)
        if form.is_valid():
            signup_form = save_form(form, request.user)
            messages.success(
                request,
                _("Form “%(name)s” saved, not yet published. Look at its preview, then publish it.")
                % {"name": signup_form.name},
            )
            return redirect("forms:preview", signup_form.code)
    else:
        form = SignupFormForm(initial=_initial())
    return _form_page(request, form, rows, None)


@authorize(Role.EDITOR)
def form_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    signup_form = get_object_or_404(SignupForm, code=code)
    rows = _rows(signup_form.fields, None)
    if request.method == "POST":
        data, rows = _posted(request)
        form = SignupFormForm(data, instance=signup_form)
        if form.is_valid():
            save_form(form, request.user)
            messages.success(request, _("Changes saved."))
            return redirect("forms:edit", signup_form.code)
    else:
        form = SignupFormForm(instance=signup_form)
    return _form_page(request, form, rows, signup_form)


def _form_page(
    request: HttpRequest, form: SignupFormForm, rows: list[FieldRow], signup_form: SignupForm | None
) -> HttpResponse:
    context = {
        "form": bootstrap(form),
        "rows": rows,
        "signup_form": signup_form,
        "preview_url": links.preview_url(signup_form) if signup_form else "",
        "title": _("Edit signup form") if signup_form else _("New signup form"),
        "cancel_url": reverse("forms:index"),
    }
    return render(request, "forms/form_form.html", context)
