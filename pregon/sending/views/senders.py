"""Sender identities: the From addresses campaigns may use, each on a sending domain."""

import uuid

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.contacts.forms import bootstrap
from pregon.domains.models import DomainStatus
from pregon.sending.forms import SenderIdentityForm
from pregon.sending.models import SenderIdentity


@authorize(Role.EDITOR)
def sender_index(request: HttpRequest) -> HttpResponse:
    senders = SenderIdentity.objects.select_related("domain")
    return render(request, "sending/sender_index.html", {"senders": senders})


@authorize(Role.EDITOR)
def sender_create(request: HttpRequest) -> HttpResponse:
    form = SenderIdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sender = form.save()
        messages.success(request, _("Sender “%(sender)s” created.") % {"sender": sender.from_email})
        _warn_if_unverified(request, sender)
        return redirect("sending:senders")
    context = {
        "form": bootstrap(form),
        "cancel_url": reverse("sending:senders"),
        "title": _("New sender identity"),
    }
    return render(request, "contacts/simple_form.html", context)


def _warn_if_unverified(request: HttpRequest, sender: SenderIdentity) -> None:
    """Mail from a domain whose DNS records are not in place ends up as spam, or refused."""
    if sender.domain.status != DomainStatus.VERIFIED:
        messages.warning(
            request,
            _(
                "The domain %(domain)s is not verified yet: until its DNS records are "
                "published, mail from this sender may be marked as spam or refused."
            )
            % {"domain": sender.domain.name},
        )


@authorize(Role.EDITOR)
def sender_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    sender = get_object_or_404(SenderIdentity, code=code)
    form = SenderIdentityForm(request.POST or None, instance=sender)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        _warn_if_unverified(request, sender)
        return redirect("sending:senders")
    context = {
        "form": bootstrap(form),
        "cancel_url": reverse("sending:senders"),
        "title": _("Edit sender identity"),
    }
    return render(request, "contacts/simple_form.html", context)


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def sender_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    sender = get_object_or_404(SenderIdentity, code=code)
    if request.method == "POST":
        try:
            with transaction.atomic():
                sender.delete()
                audit.record(request, AuditAction.DELETION, sender.from_email, kind="sender")
        except ProtectedError:
            messages.error(
                request,
                _(
                    "“%(sender)s” can't be deleted: campaigns use it, including ones already "
                    "sent, which keep it on record. Choose another sender in any draft first."
                )
                % {"sender": sender.from_email},
            )
            return redirect("sending:senders")
        messages.success(request, _("Sender “%(sender)s” deleted.") % {"sender": sender.from_email})
        return redirect("sending:senders")
    context = {
        "title": _("Delete sender identity"),
        "question": _("Delete the sender identity “%(sender)s”?") % {"sender": sender.from_email},
        "button": _("Delete"),
        "cancel_url": reverse("sending:senders"),
    }
    return render(request, "contacts/confirm.html", context)
