"""What staff do to a workflow: save its graph, activate, pause and resume it. The screens
and the API call these.

Activation (and resuming, which is activating again) refuses a graph with problems
(``graph.validate``) and freezes the email nodes' mailings. The graph of a workflow that
has contacts in it may change, but never by removing a node where contacts are
(``stranding``): they would have nowhere to go. What may be done instead is to take that
node out of the path (nothing leading into it; ``occupied`` nodes may be so) with its exit
still connected, and remove it once its contacts have gone on.
"""

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pregon.automation import graph as graphs
from pregon.automation import mailings, triggers
from pregon.automation.models import ACTIVE_STATUSES, Enrolment, Workflow, WorkflowStatus


class Refused(Exception):
    """The move is not allowed; ``problems`` say why, in words for the person."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def occupied(workflow: Workflow) -> set[str]:
    """The nodes where contacts of the workflow are now."""
    nodes = Enrolment.objects.filter(workflow=workflow, status__in=ACTIVE_STATUSES)
    return set(nodes.values_list("node", flat=True).distinct().order_by())


def problems(workflow: Workflow, new_graph: dict) -> list[str]:
    """Everything that keeps ``new_graph`` from replacing the workflow's graph and running:
    the contacts it would strand first, then what ``graph.validate`` finds (a node where
    contacts are may have nothing leading into it)."""
    return stranding(workflow, new_graph) + graphs.validate(new_graph, occupied(workflow))


def stranding(workflow: Workflow, new_graph: dict) -> list[str]:
    """Why ``new_graph`` may not replace the workflow's graph: one explanation per node it
    removes (or turns into another type) while contacts are at it, saying what to do."""
    removed = graphs.removed(workflow.graph, new_graph)
    if not removed:
        return []
    counts = (
        Enrolment.objects.filter(workflow=workflow, status__in=ACTIVE_STATUSES, node__in=removed)
        .values("node")
        .annotate(n=Count("pk"))
        .order_by("node")
    )
    old = graphs.parse(workflow.graph)
    return [
        ngettext(
            "%(count)s contact is waiting at %(node)s, so that step cannot be removed yet. "
            "Keep it, with its exit connected to the step that should come next; you may "
            "remove the connection that leads into it, so that nobody else enters it. "
            "Remove it when it shows 0 contacts waiting.",
            "%(count)s contacts are waiting at %(node)s, so that step cannot be removed yet. "
            "Keep it, with its exit connected to the step that should come next; you may "
            "remove the connection that leads into it, so that nobody else enters it. "
            "Remove it when it shows 0 contacts waiting.",
            row["n"],
        )
        % {"count": row["n"], "node": graphs.label(old.nodes[row["node"]])}
        for row in counts
    ]


def save_graph(workflow: Workflow, new_graph: dict) -> None:
    """Replace the workflow's graph. An active workflow's new graph must be valid; no graph
    may strand contacts. Raises ``Refused`` with the reasons, saving nothing."""
    with transaction.atomic():
        workflow = Workflow.objects.select_for_update().get(pk=workflow.pk)
        refusals = stranding(workflow, new_graph)
        if workflow.status == WorkflowStatus.ACTIVE:
            refusals += graphs.validate(new_graph, occupied(workflow))
        if refusals:
            raise Refused(refusals)
        workflow.graph = new_graph
        workflow.updated_at = timezone.now()
        workflow.save(update_fields=["graph", "updated_at"])
        if workflow.status == WorkflowStatus.ACTIVE:
            mailings.freeze(workflow)
            triggers.start_checks(workflow)


def activate(workflow: Workflow) -> None:
    """Start (or resume) the workflow: its triggers enrol contacts, the engine moves them.
    Raises ``Refused`` if its graph has problems."""
    with transaction.atomic():
        locked = Workflow.objects.select_for_update().get(pk=workflow.pk)
        refusals = graphs.validate(locked.graph, occupied(locked))
        if refusals:
            raise Refused(refusals)
        if locked.status == WorkflowStatus.ACTIVE:
            return
        mailings.freeze(locked)
        locked.status = WorkflowStatus.ACTIVE
        locked.activated_at = locked.activated_at or timezone.now()
        locked.save(update_fields=["status", "activated_at"])
        triggers.start_checks(locked)
    workflow.status, workflow.activated_at = locked.status, locked.activated_at


def pause(workflow: Workflow) -> None:
    """Stop moving contacts on and enrolling new ones; they stay where they are. The emails
    and SMS already queued still go out."""
    updated = Workflow.objects.filter(pk=workflow.pk, status=WorkflowStatus.ACTIVE).update(
        status=WorkflowStatus.PAUSED
    )
    if not updated:
        raise Refused([_("Only an active workflow can be paused.")])
    workflow.status = WorkflowStatus.PAUSED


def resume(workflow: Workflow) -> None:
    """Activate a paused workflow again (its graph is checked again)."""
    if workflow.status != WorkflowStatus.PAUSED:
        raise Refused([_("Only a paused workflow can be resumed.")])
    activate(workflow)
