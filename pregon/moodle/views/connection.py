"""The connection page: the classroom's address and token, "Probar conexión", removal."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.contacts.forms import bootstrap
from pregon.moodle import check, progress
from pregon.moodle.forms import ConnectionForm
from pregon.moodle.models import Connection, SyncRun


@authorize(Role.ADMIN)
def connection_page(request: HttpRequest) -> HttpResponse:
    """The form, the last connection check, and the sync buttons with the latest run's
    progress (the history has its own page)."""
    connection = Connection.current() or Connection()
    form = ConnectionForm(request.POST or None, instance=connection)
    if request.method == "POST" and form.is_valid():
        is_new = connection.pk is None
        with transaction.atomic():
            _connection_changed(request, form, "created" if is_new else "changed")
            form.save()
        messages.success(request, _("Moodle connection saved. Test it to see what it may do."))
        return redirect("moodle:connection")
    latest = SyncRun.objects.first()
    context = {
        "form": bootstrap(form),
        "connection": connection if connection.pk else None,
        "report": connection.check_report or None,
        "functions": _checked_functions(connection.check_report),
        "latest": progress.describe(latest) if latest else None,
    }
    return render(request, "moodle/connection.html", context)


def _checked_functions(report: dict) -> list[dict]:
    """The report's functions, each said in the reader's language: what Pregón uses it for
    comes from ``check.NEEDED_FUNCTIONS``, not the language of whoever ran the check."""
    purposes = {needed.name: needed.purpose for needed in check.NEEDED_FUNCTIONS}
    return [
        {**function, "purpose": purposes.get(function.get("name"), function.get("purpose", ""))}
        for function in report.get("functions", [])
    ]


def _connection_changed(request: HttpRequest, form: ConnectionForm, change: str) -> None:
    audit.record(
        request,
        AuditAction.MOODLE_CONNECTION,
        form.instance.url,
        change=change,
        fields=form.changed_fields(),
    )


@authorize(Role.ADMIN)
@require_POST
def connection_check(request: HttpRequest) -> HttpResponse:
    """Ask Moodle who it is and which functions the token may call; the page shows the report."""
    connection = Connection.current()
    if connection is None:
        messages.error(request, _("Save the Moodle address and token first."))
        return redirect("moodle:connection")
    report = check.check(connection)
    if report.ok:
        messages.success(
            request, _("Moodle answered. See below which functions the token may call.")
        )
    else:
        messages.error(request, _("The connection check found problems; see below what to do."))
    return redirect(reverse("moodle:connection") + "#check")


@authorize(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def connection_delete(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation; POST forgets the address and token. The courses and
    enrolments already copied stay, for segments and reports."""
    connection = Connection.current()
    if connection is None:
        return redirect("moodle:connection")
    if request.method == "POST":
        with transaction.atomic():
            connection.delete()
            audit.record(request, AuditAction.MOODLE_CONNECTION, connection.url, change="removed")
        messages.success(request, _("Moodle connection removed."))
        return redirect("moodle:connection")
    context = {
        "title": _("Remove the Moodle connection"),
        "question": _(
            "Remove the connection to %(url)s? Pregón forgets its token and stops syncing. "
            "The courses and enrolments already copied stay, for segments and reports."
        )
        % {"url": connection.url},
        "button": _("Remove"),
        "cancel_url": reverse("moodle:connection"),
    }
    return render(request, "contacts/confirm.html", context)
