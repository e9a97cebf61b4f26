"""The global suppression list: addresses that must never be mailed."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.contacts.forms import SuppressionForm, bootstrap, split_addresses
from pregon.contacts.models import Suppression

PER_PAGE = 50
BATCH_SIZE = 500


def suppress(emails: list[str], note: str) -> int:
    """Add normalised ``emails`` to the suppression list; return how many were new."""
    added = 0
    with transaction.atomic():
        # Batches keep each statement under SQLite's limit on query parameters.
        for start in range(0, len(emails), BATCH_SIZE):
            batch = emails[start : start + BATCH_SIZE]
            known = Suppression.objects.filter(email__in=batch).count()
            Suppression.objects.bulk_create(
                [Suppression(email=email, note=note) for email in batch], ignore_conflicts=True
            )
            added += len(batch) - known
    return added


@authorize(Role.EDITOR)
def suppression_index(request: HttpRequest) -> HttpResponse:
    """List and search the suppressed addresses, and add new ones."""
    form = SuppressionForm(request.POST or None)
    invalid_lines = []
    if request.method == "POST" and form.is_valid():
        emails, invalid = split_addresses(form.cleaned_data["addresses"])
        if emails:
            added = suppress(emails, form.cleaned_data["note"])
            messages.success(
                request,
                ngettext(
                    "%(added)s address added to the suppression list (%(given)s valid given).",
                    "%(added)s addresses added to the suppression list (%(given)s valid given).",
                    added,
                )
                % {"added": added, "given": len(emails)},
            )
        if not invalid:
            return redirect("contacts:suppressions")
        invalid_lines = [
            _("Line %(line)s: %(error)s") % {"line": line, "error": error}
            for line, _value, error in invalid
        ]
        # Leave only the invalid entries in the box, for the user to fix and send again.
        form = SuppressionForm(
            initial={
                "addresses": "\n".join(value for _line, value, _error in invalid),
                "note": form.cleaned_data["note"],
            }
        )
    query = request.GET.get("q", "").strip()
    suppressions = Suppression.objects.order_by("-created_at", "-id")
    if query:
        suppressions = suppressions.filter(email__icontains=query)
    context = {
        "form": bootstrap(form),
        "page": Paginator(suppressions, PER_PAGE).get_page(request.GET.get("page")),
        "query": query,
        "invalid_lines": invalid_lines,
    }
    return render(request, "contacts/suppression_index.html", context)


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def suppression_delete(request: HttpRequest, pk: int) -> HttpResponse:
    suppression = get_object_or_404(Suppression, pk=pk)
    if request.method == "POST":
        with transaction.atomic():
            suppression.delete()
            audit.record(
                request,
                AuditAction.DELETION,
                suppression.email,
                kind="suppression",
                reason=suppression.reason,
            )
        messages.success(
            request,
            _("%(email)s removed from the suppression list.") % {"email": suppression.email},
        )
        return redirect("contacts:suppressions")
    context = {
        "title": _("Remove from the suppression list"),
        "question": _("Remove %(email)s from the suppression list?") % {"email": suppression.email},
        "warning": _(
            "Pregón may then mail this address again. Reason it was suppressed: %(reason)s."
        )
        % {"reason": suppression.get_reason_display()},
        "button": _("Remove"),
        "cancel_url": reverse("contacts:suppressions"),
    }
    return render(request, "contacts/confirm.html", context)
