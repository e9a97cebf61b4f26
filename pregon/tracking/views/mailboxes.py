"""Administration screens of the bounce mailboxes: list, add, edit, delete, check now.

Apart from the public pages that sit inside sent messages (links.py, conversions.py)."""

import uuid

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.contacts.forms import bootstrap
from pregon.tracking import mailbox as poller
from pregon.tracking.forms import BounceMailboxForm
from pregon.tracking.models import BounceMailbox


@authorize(Role.ADMIN)
def mailbox_index(request: HttpRequest) -> HttpResponse:
    context = {"mailboxes": BounceMailbox.objects.all()}
    return render(request, "tracking/mailbox_index.html", context)


@authorize(Role.ADMIN)
def mailbox_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, BounceMailbox(), _("New bounce mailbox"))


@authorize(Role.ADMIN)
def mailbox_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    mailbox = get_object_or_404(BounceMailbox, code=code)
    return _form_page(request, mailbox, _("Edit bounce mailbox"))


def _form_page(request: HttpRequest, mailbox: BounceMailbox, title: str) -> HttpResponse:
    form = BounceMailboxForm(request.POST or None, instance=mailbox)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            mailbox = form.save()
            # The name only: the audit log must never hold the password.
            audit.record(request, AuditAction.BACKEND_CHANGED, str(mailbox), kind="bounce mailbox")
        messages.success(request, _("Bounce mailbox “%(name)s” saved.") % {"name": mailbox})
        return redirect("tracking:mailboxes")
    context = {
        "form": bootstrap(form),
        "cancel_url": reverse("tracking:mailboxes"),
        "title": title,
        "help": _(
            "The mailbox that receives what comes back to the campaigns' return address "
            "(rebote+…@) and their unsubscribe address (baja+…@). Pregón reads it every "
            "minute and deletes what it has recorded."
        ),
    }
    return render(request, "contacts/simple_form.html", context)


@authorize(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def mailbox_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    mailbox = get_object_or_404(BounceMailbox, code=code)
    if request.method == "POST":
        with transaction.atomic():
            mailbox.delete()
            audit.record(request, AuditAction.DELETION, str(mailbox), kind="bounce mailbox")
        messages.success(request, _("Bounce mailbox “%(name)s” deleted.") % {"name": mailbox})
        return redirect("tracking:mailboxes")
    context = {
        "title": _("Delete bounce mailbox"),
        "question": _(
            "Delete the bounce mailbox “%(name)s”? Pregón will no longer read it; the "
            "messages on the server stay there."
        )
        % {"name": mailbox},
        "button": _("Delete"),
        "cancel_url": reverse("tracking:mailboxes"),
    }
    return render(request, "contacts/confirm.html", context)


@authorize(Role.ADMIN)
@require_POST
def mailbox_check(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Read the mailbox now, and show what each message was."""
    mailbox = get_object_or_404(BounceMailbox, code=code)
    check = poller.poll(mailbox)
    context = {"mailbox": mailbox, "check": check}
    return render(request, "tracking/mailbox_check.html", context)
