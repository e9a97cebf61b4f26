"""The builder: a workflow's graph on a canvas, with save, validate and simulate; and the
buttons that activate, pause and resume it (each in the audit log)."""

import json
import uuid

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.automation import entry, lifecycle, simulation, stats
from pregon.automation.models import StepLog, Workflow, WorkflowStatus
from pregon.automation.views.palette import palette
from pregon.contacts.models import Contact, Segment


def _next_number(workflow: Workflow) -> int:
    """The number of the next new node's id: past every id the graph or the step log ever
    used, so that a new node never takes the history of a deleted one."""
    ids = {node.get("id", "") for node in workflow.graph.get("nodes", [])}
    # No ordering: the step log's default one would make DISTINCT return every row.
    logged = StepLog.objects.filter(workflow=workflow).values_list("node", flat=True)
    ids |= set(logged.distinct().order_by())
    numbers = [int(i[1:]) for i in ids if i[:1] == "n" and i[1:].isdecimal()]
    return max(numbers, default=0) + 1


def _page(
    request: HttpRequest, workflow: Workflow, graph: dict, status: int = 200, **extra: object
) -> HttpResponse:
    context = {
        "workflow": workflow,
        "graph_json": json.dumps(graph),
        "palette": palette(),
        "counts": stats.node_figures(workflow),
        "next_number": _next_number(workflow),
        "readonly": not request.user.has_role(Role.EDITOR),
        "manual": entry.first_trigger(workflow, "manual") is not None,
        "segments": Segment.objects.order_by("name"),
        **extra,
    }
    return render(request, "automation/builder.html", context, status=status)


def _posted_graph(request: HttpRequest) -> dict | None:
    try:
        data = json.loads(request.POST.get("graph", ""))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _save(workflow: Workflow, graph: dict) -> list[str]:
    """Save ``graph`` as the workflow's if it passes validation and strands nobody;
    otherwise save nothing and return why (a draft's graph is checked too)."""
    problems = lifecycle.problems(workflow, graph)
    if not problems:
        try:
            lifecycle.save_graph(workflow, graph)
        except lifecycle.Refused as refusal:
            problems = refusal.problems
    return problems


@authorize(Role.ANALYST)
def builder(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    workflow = get_object_or_404(Workflow, code=code)
    if request.method != "POST":
        return _page(request, workflow, workflow.graph)
    if not request.user.has_role(Role.EDITOR):
        return _page(request, workflow, workflow.graph, status=403)
    graph = _posted_graph(request)
    if graph is None:
        messages.error(request, _("The builder sent no readable workflow: reload the page."))
        return _page(request, workflow, workflow.graph, status=400)
    action = request.POST.get("action")
    if action == "simulate":
        return _simulate(request, workflow, graph)
    if action == "validate":
        problems = lifecycle.problems(workflow, graph)
        if not problems:
            messages.success(request, _("No problems found: the workflow can be activated."))
        return _page(request, workflow, graph, problems=problems, unsaved=True)
    problems = _save(workflow, graph)
    if problems:
        return _page(request, workflow, graph, problems=problems, unsaved=True, status=400)
    messages.success(request, _("Workflow saved."))
    return redirect("automation:builder", workflow.code)


def _simulate(request: HttpRequest, workflow: Workflow, graph: dict) -> HttpResponse:
    email = request.POST.get("contact", "").strip()
    contact = Contact.objects.filter(email__iexact=email).first() if email else None
    if contact is None:
        error = _("No contact has the address “%(email)s”: write one of your contacts' addresses.")
        return _page(
            request, workflow, graph, simulation_error=error % {"email": email}, unsaved=True
        )
    # The simulation reads the graph on the screen, saved or not, and writes nothing.
    workflow.graph = graph
    steps = simulation.simulate(workflow, contact)
    return _page(request, workflow, graph, steps=steps, simulated=contact, unsaved=True)


# What each button does, and what the audit log and the person are told when it is done.
ACTIONS = {
    "activate": (
        lifecycle.activate,
        "activated",
        gettext_lazy("Workflow activated: contacts enter it as its triggers fire."),
    ),
    "pause": (
        lifecycle.pause,
        "paused",
        gettext_lazy("Workflow paused: nobody enters and nobody moves on until you resume it."),
    ),
    "resume": (
        lifecycle.resume,
        "resumed",
        gettext_lazy("Workflow resumed: contacts move on from where they waited."),
    ),
}


def _act(request: HttpRequest, code: uuid.UUID, action: str) -> HttpResponse:
    workflow = get_object_or_404(Workflow, code=code)
    move, change, done = ACTIONS[action]
    try:
        with transaction.atomic():
            move(workflow)
            audit.record(
                request, AuditAction.WORKFLOW_CHANGED, workflow.name, kind="workflow", change=change
            )
    except lifecycle.Refused as refusal:
        for problem in refusal.problems:
            messages.error(request, problem)
    else:
        messages.success(request, str(done))
    return redirect("automation:builder", workflow.code)


@authorize(Role.EDITOR)
@require_POST
def workflow_activate(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _act(request, code, "activate")


@authorize(Role.EDITOR)
@require_POST
def workflow_pause(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _act(request, code, "pause")


@authorize(Role.EDITOR)
@require_POST
def workflow_resume(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _act(request, code, "resume")


@authorize(Role.EDITOR)
@require_POST
def workflow_enrol_segment(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Enrol a segment's contacts by hand, through the workflow's "by hand" trigger."""
    workflow = get_object_or_404(Workflow, code=code)
    segment = Segment.objects.filter(code=_uuid(request.POST.get("segment"))).first()
    if workflow.status != WorkflowStatus.ACTIVE:
        messages.error(
            request, _("Activate the workflow first: only an active one takes contacts.")
        )
    elif entry.first_trigger(workflow, "manual") is None:
        messages.error(request, _("Add a trigger “Staff enrol a segment by hand” first."))
    elif segment is None:
        messages.error(request, _("Choose a segment."))
    else:
        count = entry.enrol_segment(workflow, segment, request.user)
        messages.success(
            request,
            ngettext(
                "%(count)s contact entered the workflow.",
                "%(count)s contacts entered the workflow.",
                count,
            )
            % {"count": count},
        )
    return redirect("automation:builder", workflow.code)


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
