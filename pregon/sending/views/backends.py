"""Delivery backends: SMTP relays, provider accounts and the test mailbox; their check."""

import uuid

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.contacts.forms import bootstrap
from pregon.lib import vault
from pregon.sending import transports
from pregon.sending.forms import BACKEND_FORMS
from pregon.sending.models import PROVIDER_KINDS, Backend, BackendKind
from pregon.sending.transports import Outcome
from pregon.sending.transports.providers import PROVIDERS


@authorize(Role.ADMIN)
def backend_index(request: HttpRequest) -> HttpResponse:
    backends = list(Backend.objects.all())
    for backend in backends:
        backend.is_provider = backend.kind in PROVIDER_KINDS
        options = backend.options or {}
        backend.where = PROVIDERS[backend.kind].where(options) if backend.is_provider else ""
    providers = [(kind.value, kind.label) for kind in BackendKind if kind in PROVIDER_KINDS]
    context = {"backends": backends, "providers": providers}
    return render(request, "sending/backend_index.html", context)


@authorize(Role.ADMIN)
def backend_create(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in BACKEND_FORMS:
        raise Http404
    form = BACKEND_FORMS[kind](request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            backend = form.save()
            _backend_changed(request, backend)
        messages.success(request, _("Delivery backend “%(name)s” saved.") % {"name": backend})
        return redirect("sending:backends")
    if kind == BackendKind.SMTP:
        title = _("New SMTP relay")
    elif kind == BackendKind.FILE:
        title = _("New test mailbox")
    else:
        title = _("New %(provider)s account") % {"provider": BackendKind(kind).label}
    return _backend_form_page(request, form, title)


@authorize(Role.ADMIN)
def backend_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    backend = get_object_or_404(Backend, code=code)
    form = BACKEND_FORMS[backend.kind](request.POST or None, instance=backend)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            _backend_changed(request, backend)
        messages.success(request, _("Changes saved."))
        return redirect("sending:backends")
    return _backend_form_page(request, form, _("Edit delivery backend"))


def _backend_changed(request: HttpRequest, backend: Backend) -> None:
    # Only the name and kind: the audit log must never hold the password or API key.
    audit.record(request, AuditAction.BACKEND_CHANGED, backend.name, kind=backend.kind)


@authorize(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def backend_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    backend = get_object_or_404(Backend, code=code)
    if request.method == "POST":
        with transaction.atomic():
            backend.delete()
            audit.record(request, AuditAction.DELETION, backend.name, kind="delivery backend")
        messages.success(
            request, _("Delivery backend “%(name)s” deleted.") % {"name": backend.name}
        )
        return redirect("sending:backends")
    # A test mailbox in use sends nothing, so it does not count (see transports.open_transport).
    others = Backend.objects.filter(is_active=True).exclude(kind=BackendKind.FILE)
    is_last = (
        backend.is_active
        and backend.kind != BackendKind.FILE
        and not others.exclude(pk=backend.pk).exists()
    )
    context = {
        "title": _("Delete delivery backend"),
        "question": _("Delete the delivery backend “%(name)s”? This cannot be undone.")
        % {"name": backend.name},
        "button": _("Delete"),
        "cancel_url": reverse("sending:backends"),
    }
    if is_last:
        context["warning"] = _(
            "It is the only delivery backend in use: once it is deleted, campaign messages "
            "will be kept in the test mailbox and reach nobody."
        )
    return render(request, "contacts/confirm.html", context)


def _backend_form_page(request: HttpRequest, form: object, title: str) -> HttpResponse:
    context = {"form": bootstrap(form), "cancel_url": reverse("sending:backends"), "title": title}
    return render(request, "contacts/simple_form.html", context)


@authorize(Role.ADMIN)
@require_POST
def backend_check(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Connect to the backend, log in and leave; show what the server answered."""
    backend = get_object_or_404(Backend, code=code)
    try:
        result = transports.check_backend(backend)
    except vault.InvalidToken:
        if backend.kind in PROVIDER_KINDS:
            text = _(
                "The stored API key can no longer be read (the encryption key changed); "
                "enter it again."
            )
        else:
            text = _(
                "The stored password can no longer be read (the encryption key changed); "
                "enter it again."
            )
        messages.error(request, text)
        return redirect("sending:backends")
    if result.outcome == Outcome.SENT:
        messages.success(
            # The reply already says it works ("The connection to … works …").
            request,
            _("“%(name)s”: %(reply)s") % {"name": backend, "reply": result.reply},
        )
    elif result.outcome == Outcome.RETRY:
        messages.warning(
            request,
            _("Could not reach “%(name)s”: %(reply)s") % {"name": backend, "reply": result.reply},
        )
    else:
        messages.error(
            request,
            _("“%(name)s” refused the connection: %(reply)s")
            % {"name": backend, "reply": result.reply},
        )
    return redirect("sending:backends")
