"""The automation engine: claim due enrolments under a lease, run their steps, record.

``run_due`` claims up to ``limit`` waiting enrolments whose time has come (a conditional
UPDATE; ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers never take the same rows), then,
in ONE transaction, runs each contact's steps one after the other until it must wait or its
path ends, and writes the steps' effects (messages, SMS, webhook calls, tags…), the step log
and the enrolments' new nodes together. A worker killed at any point leaves either all of a
batch's steps or none: the lease runs out, ``reclaim_expired_leases`` (the scheduler's tick)
puts the enrolments back, and another worker runs those steps, once.

An enrolment whose batch failed ``MAX_ATTEMPTS`` times (a step that kills its worker) fails
alone, with the reason, instead of taking every worker down with it.
"""

import datetime
import logging
import uuid
from collections import defaultdict

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.automation import contact_steps, flow_steps, message_steps
from pregon.automation.graph import parse
from pregon.automation.models import Enrolment, EnrolmentStatus, Outcome, StepLog, Workflow
from pregon.automation.models import WorkflowStatus as Status
from pregon.automation.step import Handler, Run, Step
from pregon.lib import events

log = logging.getLogger(__name__)

BATCH_SIZE = 500
LEASE = datetime.timedelta(minutes=2)
MAX_ATTEMPTS = 5
# Steps one contact may take in one batch; more (a loop through waits of 0) go on next batch.
MAX_STEPS = 50

HANDLERS: dict[str, Handler] = {
    "trigger": flow_steps.trigger,
    "wait": flow_steps.wait,
    "branch": flow_steps.branch,
    "tag": contact_steps.tag,
    "list": contact_steps.mailing_list,
    "field": contact_steps.field,
    "email": message_steps.email,
    "sms": message_steps.text_message,
    "webhook": message_steps.webhook,
    "notify": message_steps.notify,
}


def reclaim_expired_leases() -> int:
    """Put back the enrolments whose worker's lease ran out; fail those tried too often."""
    expired = Enrolment.objects.filter(
        status=EnrolmentStatus.RUNNING, leased_until__lt=timezone.now()
    )
    expired.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=EnrolmentStatus.FAILED,
        finished_at=timezone.now(),
        lease=None,
        leased_until=None,
        error=_("Its step stopped the worker %(count)s times.") % {"count": MAX_ATTEMPTS},
    )
    return expired.update(status=EnrolmentStatus.WAITING, lease=None, leased_until=None)


def _claim(size: int) -> uuid.UUID | None:
    lease = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        due = (
            Enrolment.objects.filter(
                status=EnrolmentStatus.WAITING, due_at__lte=now, workflow__status=Status.ACTIVE
            )
            .order_by("due_at", "pk")
            .select_for_update(skip_locked=True, of=("self",))
        )
        ids = list(due.values_list("pk", flat=True)[:size])
        claimed = Enrolment.objects.filter(pk__in=ids, status=EnrolmentStatus.WAITING).update(
            status=EnrolmentStatus.RUNNING,
            lease=lease,
            leased_until=now + LEASE,
            attempts=F("attempts") + 1,
        )
    return lease if claimed else None


def run_due(limit: int = BATCH_SIZE) -> int:
    """Claim and run one batch of due enrolments; return how many steps ran (0: none due)."""
    lease = _claim(limit)
    if lease is None:
        return 0
    with transaction.atomic():
        # Still ours (the lease did not run out meanwhile), and locked until the commit.
        mine = list(
            Enrolment.objects.filter(lease=lease, status=EnrolmentStatus.RUNNING)
            .select_for_update(of=("self",))
            .select_related("contact")
            .order_by("pk")
        )
        by_workflow: dict[int, list[Enrolment]] = defaultdict(list)
        for enrolment in mine:
            by_workflow[enrolment.workflow_id].append(enrolment)
        now = timezone.now()
        logs: list[StepLog] = []
        for workflow in Workflow.objects.filter(pk__in=by_workflow):
            _advance(Run(workflow, parse(workflow.graph), now), by_workflow[workflow.pk], logs)
        StepLog.objects.bulk_create(logs, batch_size=1000)
        _save(lease, mine, now)
        events.emit(events.WORKFLOW_STEP, [_payload(step) for step in logs])
    return len(logs)


def _advance(run: Run, enrolments: list[Enrolment], logs: list[StepLog]) -> None:
    """Run each enrolment's steps until it waits, ends, or took ``MAX_STEPS``."""
    moving = enrolments
    for _step in range(MAX_STEPS):
        if not moving:
            return
        at_node: dict[str, list[Enrolment]] = defaultdict(list)
        for enrolment in moving:
            at_node[enrolment.node].append(enrolment)
        moving = []
        for node_id, group in at_node.items():
            steps = _run_node(run, node_id, group)
            for enrolment in group:
                step = steps[enrolment.pk]
                logs.append(_log(run, enrolment, node_id, step))
                if _apply(run, enrolment, node_id, step):
                    moving.append(enrolment)
    for enrolment in moving:
        enrolment.status, enrolment.due_at = EnrolmentStatus.WAITING, run.now


def _run_node(run: Run, node_id: str, group: list[Enrolment]) -> dict[int, Step]:
    node = run.graph.node(node_id)
    handler = HANDLERS.get(node["type"]) if node else None
    if handler is None:
        failed = Step(
            Outcome.FAILED, final=EnrolmentStatus.FAILED, detail=_("The step no longer exists.")
        )
        return {enrolment.pk: failed for enrolment in group}
    try:
        # A savepoint: a step that fails leaves nothing half-written, and the others go on.
        with transaction.atomic():
            return handler(run, node, group)
    except Exception as error:
        log.exception("workflow %s: step %s failed", run.workflow.pk, node_id)
        failed = Step(Outcome.FAILED, final=EnrolmentStatus.FAILED, detail=str(error)[:500])
        return {enrolment.pk: failed for enrolment in group}


def _apply(run: Run, enrolment: Enrolment, node_id: str, step: Step) -> bool:
    """Move ``enrolment`` as ``step`` says; True if it goes on to another step now."""
    enrolment.waiting = step.waiting
    if step.final:
        enrolment.status, enrolment.finished_at = step.final, run.now
        enrolment.error = step.detail
        return False
    if step.port is None:
        enrolment.status, enrolment.due_at = EnrolmentStatus.WAITING, step.due_at
        return False
    target = run.graph.next(node_id, step.port)
    if target is None:
        enrolment.status, enrolment.finished_at = EnrolmentStatus.COMPLETED, run.now
        return False
    enrolment.node = target
    return True


def _log(run: Run, enrolment: Enrolment, node_id: str, step: Step) -> StepLog:
    return StepLog(
        enrolment=enrolment,
        workflow_id=run.workflow.pk,
        contact_id=enrolment.contact_id,
        node=node_id,
        outcome=step.outcome,
        at=run.now,
        detail=step.detail[:500],
    )


def _save(lease: uuid.UUID, enrolments: list[Enrolment], now: datetime.datetime) -> None:
    """Write the enrolments' new state, those alike with one UPDATE."""
    alike: dict[tuple, list[int]] = defaultdict(list)
    for e in enrolments:
        alike[(e.node, e.status, e.due_at, e.waiting, e.finished_at, e.error)].append(e.pk)
    for (node, status, due_at, waiting, finished_at, error), ids in alike.items():
        Enrolment.objects.filter(pk__in=ids, lease=lease).update(
            node=node,
            status=status,
            due_at=due_at,
            waiting=waiting,
            finished_at=finished_at,
            error=error,
            lease=None,
            leased_until=None,
            attempts=0,
        )


def _payload(step: StepLog) -> dict:
    return {
        "workflow": step.workflow_id,
        "node": step.node,
        "contact": step.contact_id,
        "outcome": step.outcome,
        "at": step.at.isoformat(),
    }
