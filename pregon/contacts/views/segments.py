"""Segments: the index with live counts, the visual rule builder, and its count endpoint."""

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.contacts import segments
from pregon.contacts.forms import SegmentForm
from pregon.contacts.models import Segment

PAGE_SIZE = 25


def count_label(count: int) -> str:
    return ngettext("%(count)s contact", "%(count)s contacts", count) % {"count": intcomma(count)}


@authorize(Role.EDITOR)
def segment_index(request: HttpRequest) -> HttpResponse:
    """Saved segments, each with its count (computed for the page shown only)."""
    page = Paginator(Segment.objects.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for segment in page:
        try:
            rows.append((segment, segments.count_contacts(segment.rules), ""))
        except ValueError as error:
            # A list, tag or custom field the rules name was deleted since.
            rows.append((segment, None, str(error)))
    return render(request, "contacts/segment_index.html", {"page": page, "rows": rows})


def _builder_page(request: HttpRequest, form: SegmentForm, segment: Segment | None) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "segment": segment,
        "catalogue": segments.catalogue(),
        "texts": {
            "all": _("all"),
            "any": _("any"),
            "matchBefore": _("Contacts that match"),
            "matchAfter": _("of these rules:"),
            "addCondition": _("Add condition"),
            "addGroup": _("Add group"),
            "removeCondition": _("Remove condition"),
            "removeGroup": _("Remove group"),
            "chooseField": _("Choose a field…"),
            "field": _("Field"),
            "operator": _("Operator"),
            "value": _("Value"),
            "from": _("From"),
            "to": _("To"),
            "days": _("days"),
            "noChoices": _("Nothing to choose yet."),
            "empty": _("No rules yet: the segment has every contact."),
            "counting": _("Counting…"),
            "countFailed": _("The count could not be updated. Check your connection."),
        },
    }
    return render(request, "contacts/segment_form.html", context)


def _initial_rules(request: HttpRequest) -> dict:
    """The rules a link filled in (``?rules=`` JSON, as the courses page links here), or
    none; rules that no longer hold (a course since removed) open an empty editor."""
    try:
        return segments.validate_rules(json.loads(request.GET.get("rules", "null")))
    except ValueError:
        return segments.validate_rules(None)


@authorize(Role.EDITOR)
def segment_create(request: HttpRequest) -> HttpResponse:
    initial = {"rules": _initial_rules(request), "name": request.GET.get("name", "")[:150]}
    form = SegmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        segment = form.save(commit=False)
        segment.created_by = request.user
        segment.save()
        messages.success(request, _("Segment “%(name)s” saved.") % {"name": segment.name})
        return redirect("contacts:segments")
    return _builder_page(request, form, None)


@authorize(Role.EDITOR)
def segment_edit(request: HttpRequest, code: str) -> HttpResponse:
    segment = get_object_or_404(Segment, code=code)
    form = SegmentForm(request.POST or None, instance=segment)
    if request.method == "POST" and form.is_valid():
        segment = form.save(commit=False)
        segment.updated_at = timezone.now()
        segment.save()
        messages.success(request, _("Segment “%(name)s” saved.") % {"name": segment.name})
        return redirect("contacts:segments")
    return _builder_page(request, form, segment)


@authorize(Role.EDITOR)
def segment_delete(request: HttpRequest, code: str) -> HttpResponse:
    """GET asks for confirmation; POST deletes and writes the audit log."""
    segment = get_object_or_404(Segment, code=code)
    if request.method == "POST":
        audit.record(
            request, AuditAction.DELETION, segment.name, kind="segment", code=str(segment.code)
        )
        segment.delete()
        messages.success(request, _("Segment “%(name)s” deleted.") % {"name": segment.name})
        return redirect("contacts:segments")
    return render(request, "contacts/segment_delete.html", {"segment": segment})


@authorize(Role.EDITOR)
@require_POST
def segment_count(request: HttpRequest) -> JsonResponse:
    """The builder's live count: the rules (JSON in the ``rules`` field) in, a number out.

    Answers ``{"count": n, "label": "n contacts"}``, or 400 with ``{"error": message}``.
    """
    try:
        rules = forms.JSONField(required=False).clean(request.POST.get("rules"))
        count = segments.count_contacts(rules)
    except (ValueError, forms.ValidationError) as error:
        message = error.messages[0] if isinstance(error, forms.ValidationError) else str(error)
        return JsonResponse({"error": message}, status=400)
    return JsonResponse({"count": count, "label": count_label(count)})
