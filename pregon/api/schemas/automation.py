"""The schemas of routes_automation.py: who enters a workflow, and the answer; a
workflow's report."""

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.api.schemas.base import InputSchema


class EnrolIn(InputSchema):
    email: str = SchemaField("", description=gettext_lazy("The contact's email address."))
    contact: str = SchemaField(
        "", description=gettext_lazy("The contact's code (instead of the address).")
    )


class EnrolOut(Schema):
    enrolled: bool
    detail: str


# The whole workflow's figures (pregon.automation.stats.figures).
class WorkflowFiguresOut(Schema):
    entered: int
    waiting: int = SchemaField(description=gettext_lazy("Contacts in the workflow now."))
    completed: int
    exited_goal: int = SchemaField(description=gettext_lazy("Contacts who left at the goal."))
    failed: int
    emails_sent: int
    emails_opened: int
    emails_clicked: int
    emails_failed: int
    sms_sent: int
    sms_failed: int
    conversions: int
    webhooks_delivered: int
    webhooks_failed: int


# One step's figures (pregon.automation.stats.steps); null where its type has none.
class StepFiguresOut(Schema):
    id: str
    type: str
    label: str
    detail: str = SchemaField(
        description=gettext_lazy("An email's subject, an SMS's text or a webhook's address.")
    )
    waiting: int = SchemaField(description=gettext_lazy("Contacts at this step now."))
    passed: int = SchemaField(description=gettext_lazy("Times contacts went through it."))
    sent: int | None
    delivered: int | None
    opened: int | None
    clicked: int | None
    failed: int | None
    retrying: int | None = SchemaField(
        description=gettext_lazy("Webhook calls that failed and will be tried again.")
    )
    conversions: int | None


class WorkflowReportOut(Schema):
    workflow: str
    name: str
    status: str
    figures: WorkflowFiguresOut
    steps: list[StepFiguresOut]
