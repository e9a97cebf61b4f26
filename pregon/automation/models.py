import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.contacts.models import Contact
from pregon.sending.models import Mailing


class WorkflowStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")


class EntryRule(models.TextChoices):
    ONCE = "once", _("Once ever")
    AGAIN = "again", _("Again after some days")


class Workflow(models.Model):
    """A graph of triggers and steps (``graph``: the format in pregon.automation.graph)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    status = models.CharField(
        max_length=8, choices=WorkflowStatus.choices, default=WorkflowStatus.DRAFT
    )
    graph = models.JSONField(default=dict, blank=True)
    entry_rule = models.CharField(
        _("entry"), max_length=8, choices=EntryRule.choices, default=EntryRule.ONCE
    )
    again_after_days = models.PositiveSmallIntegerField(_("again after (days)"), default=30)
    # No email or SMS goes out between quiet_from and quiet_to (Lima time; from > to spans
    # midnight), nor on quiet_days (0 Monday … 6 Sunday): the step waits for the end.
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_to = models.TimeField(_("quiet until"), null=True, blank=True)
    quiet_days = models.JSONField(_("quiet days"), default=list, blank=True)
    # At most cap_messages emails and SMS per contact in cap_days (campaigns' too); None: no cap.
    cap_messages = models.PositiveSmallIntegerField(_("at most messages"), null=True, blank=True)
    cap_days = models.PositiveSmallIntegerField(_("in days"), default=7)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("workflow")

    def __str__(self) -> str:
        return self.name


class NodeMailing(models.Model):
    """The mailing an email node sends through, frozen when the workflow is activated.

    A contact who enters again gets a further round's mailing (a mailing holds one message
    per contact); a node whose email changed while paused gets a new one at resume.
    """

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="mailings")
    node = models.CharField(max_length=32)
    mailing = models.OneToOneField(Mailing, on_delete=models.CASCADE, related_name="+")
    config = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["workflow", "node"])]

    def __str__(self) -> str:
        return f"{self.workflow_id}:{self.node} → {self.mailing_id}"


class EnrolmentStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    EXITED_GOAL = "goal", _("Reached the goal")
    FAILED = "failed", _("Failed")


ACTIVE_STATUSES = (EnrolmentStatus.WAITING, EnrolmentStatus.RUNNING)


class Enrolment(models.Model):
    """One contact's run through a workflow: the node it is at and when that step is due.

    A worker holds it while ``leased_until`` is in the future (status running, ``lease``
    names the claim); the step's effects and the move to the next node commit together.
    """

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="enrolments")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    node = models.CharField(max_length=32)
    status = models.CharField(
        max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.WAITING
    )
    # At a wait-until-event node: the deadline; the event moves the contact on before it.
    due_at = models.DateTimeField(default=timezone.now)
    # True once a wait node began: due_at is then the end of the wait, not the step's start.
    waiting = models.BooleanField(default=False)
    lease = models.UUIDField(null=True, blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    entered_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "contact"],
                condition=Q(status__in=["waiting", "running"]),
                name="one_active_enrolment",
            )
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="enrolment_due"),
            models.Index(fields=["contact", "status"], name="enrolment_contact"),
            models.Index(fields=["workflow", "status", "node"], name="enrolment_node"),
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id}:{self.contact_id}@{self.node} ({self.status})"


class Outcome(models.TextChoices):
    ENTERED = "entered", _("Entered")
    DONE = "done", _("Done")
    SENT = "sent", _("Message queued")
    SKIPPED = "skipped", _("Skipped")
    YES = "yes", _("Yes")
    NO = "no", _("No")
    WAITING = "waiting", _("Waiting")
    COMPLETED = "completed", _("Completed")
    GOAL = "goal", _("Reached the goal")
    FAILED = "failed", _("Failed")


class StepLog(models.Model):
    """One step a contact went through: the contact's history and the nodes' counts."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="steps")
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    node = models.CharField(max_length=32)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    at = models.DateTimeField(default=timezone.now)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["contact", "at"], name="steplog_contact"),
            # With the outcome, the report's count of who went through each node reads
            # the index alone (pregon.automation.stats).
            models.Index(fields=["workflow", "node", "outcome"], name="steplog_node_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}@{self.node}: {self.outcome}"


class TriggerState(models.Model):
    """What a scheduled trigger remembers between checks: the last day a date trigger ran."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="+")
    node = models.CharField(max_length=32)
    last_day = models.DateField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workflow", "node"], name="one_trigger_state")
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id}:{self.node}"


class SegmentMember(models.Model):
    """Who was in a "joins a segment" trigger's segment at the last check: the next check
    enrols those who are in it now and were not."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="+")
    node = models.CharField(max_length=32)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "node", "contact"], name="one_segment_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id}:{self.node}:{self.contact_id}"
