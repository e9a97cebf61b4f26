"""What a step handler gets and returns.

A handler runs one node for every enrolment of a batch that is at that node (a list, so
that it can read and write for all of them with a few queries), inside the engine's
transaction, and returns a ``Step`` per enrolment: what happened, and where it goes.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from pregon.automation.graph import Graph
from pregon.automation.models import Enrolment, NodeMailing, StepLog, Workflow
from pregon.tracking.models import OPENING_KINDS, Event, EventKind


@dataclass(frozen=True)
class Step:
    """One step's result. ``port`` is the exit taken; None keeps the contact at the node
    until ``due_at`` (``waiting``: a wait began). ``final`` ends the run with that status."""

    outcome: str
    port: str | None = "next"
    due_at: datetime.datetime | None = None
    waiting: bool = False
    final: str | None = None
    detail: str = ""


@dataclass
class Run:
    """A batch's view of one workflow: its graph, the time, and what steps look up."""

    workflow: Workflow
    graph: Graph
    now: datetime.datetime
    mailing_ids: list[int] = field(default_factory=list)
    visits: dict[tuple[int, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.mailing_ids = list(
            NodeMailing.objects.filter(workflow=self.workflow).values_list("mailing_id", flat=True)
        )

    def key(self, enrolment: Enrolment, node: dict) -> str:
        """The idempotency key of what ``node`` creates for ``enrolment`` on this visit.

        A loop through a wait brings a contact back to the same node: each visit gets its
        own key (its ordinal among the node's earlier steps for the enrolment, those logged
        and those of this batch), or the SMS and calls of later visits would silently be
        the first one's. The first visit's key is ``wf<workflow>:e<enrolment>:n<node>``.
        """
        base = f"wf{self.workflow.pk}:e{enrolment.pk}:n{node['id']}"
        here = (enrolment.pk, node["id"])
        if here not in self.visits:
            self.visits[here] = StepLog.objects.filter(
                enrolment_id=enrolment.pk, node=node["id"]
            ).count()
        else:
            self.visits[here] += 1
        return base if not self.visits[here] else f"{base}:v{self.visits[here]}"


Handler = Callable[[Run, dict, list[Enrolment]], dict[int, Step]]


def engaged(run: Run, event: str, enrolments: list[Enrolment]) -> set[int]:
    """The enrolments whose contact opened, clicked or converted through one of the
    workflow's emails since entering it."""
    if not enrolments or not run.mailing_ids:
        return set()
    kinds = {
        "opened": OPENING_KINDS,
        "clicked": (EventKind.CLICKED,),
        "converted": (EventKind.CONVERTED,),
    }[event]
    since = min(enrolment.entered_at for enrolment in enrolments)
    rows = Event.objects.filter(
        kind__in=kinds,
        message__mailing_id__in=run.mailing_ids,
        message__contact_id__in=[enrolment.contact_id for enrolment in enrolments],
        at__gte=since,
    ).values_list("message__contact_id", "at")
    latest: dict[int, datetime.datetime] = {}
    for contact_id, at in rows:
        latest[contact_id] = max(at, latest.get(contact_id, at))
    return {
        enrolment.pk
        for enrolment in enrolments
        if enrolment.contact_id in latest and latest[enrolment.contact_id] >= enrolment.entered_at
    }
