"""Custom fields: the typed columns that users add to their contacts."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.contacts import bulk
from pregon.contacts.forms import FieldForm, bootstrap
from pregon.contacts.models import Field


@authorize(Role.EDITOR)
def field_index(request: HttpRequest) -> HttpResponse:
    form = FieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        field = form.save()
        messages.success(
            request,
            _("Custom field “%(label)s” created with the key %(key)s.")
            % {"label": field.label, "key": field.key},
        )
        return redirect("contacts:fields")
    context = {"fields": Field.objects.all(), "form": bootstrap(form)}
    return render(request, "contacts/field_index.html", context)


@authorize(Role.EDITOR)
def field_edit(request: HttpRequest, pk: int) -> HttpResponse:
    field = get_object_or_404(Field, pk=pk)
    form = FieldForm(request.POST or None, instance=field)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        return redirect("contacts:fields")
    context = {
        "form": bootstrap(form),
        "cancel_url": reverse("contacts:fields"),
        "title": _("Edit custom field"),
        "help": _(
            "The key (%(key)s) and the type stay as they are, so the values already stored "
            "keep their meaning."
        )
        % {"key": field.key},
    }
    return render(request, "contacts/simple_form.html", context)


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def field_delete(request: HttpRequest, pk: int) -> HttpResponse:
    field = get_object_or_404(Field, pk=pk)
    if request.method == "POST":
        with transaction.atomic():
            cleared = bulk.delete_field(field)
            audit.record(
                request, AuditAction.DELETION, field.key, kind="field", values_removed=cleared
            )
        messages.success(request, _("Custom field “%(label)s” deleted.") % {"label": field.label})
        return redirect("contacts:fields")
    context = {
        "title": _("Delete custom field"),
        "question": _("Delete the custom field “%(label)s” and the value every contact has in it?")
        % {"label": field.label},
        "warning": _("This cannot be undone."),
        "button": _("Delete"),
        "cancel_url": reverse("contacts:fields"),
    }
    return render(request, "contacts/confirm.html", context)
