"""A workflow's figures for its report and builder: contacts per node, and what its emails
and SMS did. Read from the enrolments, the step log and sending's and tracking's rows."""

from django.db.models import Count, Q

from pregon.automation.models import (
    ACTIVE_STATUSES,
    Enrolment,
    EnrolmentStatus,
    NodeMailing,
    Outcome,
    StepLog,
    Workflow,
)
from pregon.sending.models import Message, MessageStatus
from pregon.sending.sms.models import SmsMessage, SmsStatus
from pregon.tracking.models import OPENING_KINDS, Event, EventKind
from pregon.webhooks.models import Delivery, DeliveryStatus


def node_counts(workflow: Workflow) -> dict[str, dict[str, int]]:
    """Per node id: contacts there now ("waiting") and steps run there ("passed")."""
    counts: dict[str, dict[str, int]] = {}
    at = (
        Enrolment.objects.filter(workflow=workflow, status__in=ACTIVE_STATUSES)
        .values("node")
        .annotate(n=Count("pk"))
    )
    for row in at:
        counts.setdefault(row["node"], {"waiting": 0, "passed": 0})["waiting"] = row["n"]
    passed = (
        StepLog.objects.filter(workflow=workflow)
        .exclude(outcome=Outcome.WAITING)
        .values("node")
        .annotate(n=Count("pk"))
    )
    for row in passed:
        counts.setdefault(row["node"], {"waiting": 0, "passed": 0})["passed"] = row["n"]
    return counts


def figures(workflow: Workflow) -> dict[str, int]:
    """Entered, waiting (in progress), completed, exited at goal and failed; emails sent,
    opened, clicked and failed; SMS sent and failed; conversions; webhook calls delivered
    and failed."""
    runs = Enrolment.objects.filter(workflow=workflow).aggregate(
        entered=Count("pk"),
        waiting=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)),
        completed=Count("pk", filter=Q(status=EnrolmentStatus.COMPLETED)),
        exited_goal=Count("pk", filter=Q(status=EnrolmentStatus.EXITED_GOAL)),
        failed=Count("pk", filter=Q(status=EnrolmentStatus.FAILED)),
    )
    mailing_ids = NodeMailing.objects.filter(workflow=workflow).values("mailing_id")
    emails = Message.objects.filter(mailing_id__in=mailing_ids).aggregate(
        emails_sent=Count("pk", filter=Q(status__in=[MessageStatus.SENT, MessageStatus.OUTBOX])),
        emails_failed=Count("pk", filter=Q(status=MessageStatus.FAILED)),
    )
    tracked = Event.objects.filter(message__mailing_id__in=mailing_ids).aggregate(
        emails_opened=Count("message", filter=Q(kind__in=OPENING_KINDS), distinct=True),
        emails_clicked=Count("message", filter=Q(kind=EventKind.CLICKED), distinct=True),
        conversions=Count("pk", filter=Q(kind=EventKind.CONVERTED)),
    )
    texts = SmsMessage.objects.filter(workflow_id=workflow.pk).aggregate(
        sms_sent=Count("pk", filter=Q(status__in=[SmsStatus.SENT, SmsStatus.DELIVERED])),
        sms_failed=Count("pk", filter=Q(status__in=[SmsStatus.FAILED, SmsStatus.UNDELIVERED])),
    )
    # The webhook steps' calls carry the key "wf<id>:e…": retried for a day, then failed.
    calls = Delivery.objects.filter(endpoint=None, key__startswith=f"wf{workflow.pk}:").aggregate(
        webhooks_delivered=Count("pk", filter=Q(status=DeliveryStatus.DELIVERED)),
        webhooks_failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
    )
    return {**runs, **emails, **tracked, **texts, **calls}
