"""Syncs on the screens: "Sincronizar ahora", the progress bar htmx polls, and the history."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.moodle import progress
from pregon.moodle.models import SyncKind, SyncRun, SyncStatus

PAGE_SIZE = 25


@authorize(Role.ADMIN)
@require_POST
def sync_start(request: HttpRequest) -> HttpResponse:
    """Queue a sync of the kind the pressed button says; show its progress on the page."""
    kind = request.POST.get("kind", SyncKind.INCREMENTAL)
    if kind not in SyncKind.values:
        messages.error(request, _("Choose “Sync now” or “Full sync”."))
        return redirect("moodle:connection")
    active = set(
        SyncRun.objects.filter(status__in=[SyncStatus.QUEUED, SyncStatus.RUNNING]).values_list(
            "pk", flat=True
        )
    )
    try:
        run = progress.start(SyncKind(kind), request.user)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("moodle:connection")
    if run.pk in active:
        messages.info(request, _("A sync is already under way; its progress is below."))
    return redirect(reverse("moodle:connection") + "#sync")


@authorize(Role.ADMIN)
def sync_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress card of one run, which htmx asks for again each second while it runs."""
    run = get_object_or_404(SyncRun, pk=pk)
    return render(request, "moodle/sync_progress.html", {"run": progress.describe(run)})


@authorize(Role.ADMIN)
def sync_history(request: HttpRequest) -> HttpResponse:
    """Every sync, newest first: when, who, what kind, how it ended and what it changed."""
    runs = SyncRun.objects.select_related("started_by")
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [progress.describe(run) for run in page]
    return render(request, "moodle/sync_history.html", {"page": page, "runs": rows})
