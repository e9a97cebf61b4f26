"""Workflows in the API's route table: enrol a contact in a workflow through its "API
call" trigger (pregon.automation.entry.enrol_contact, as the trigger's help describes), and
read a workflow's report (pregon.automation.stats, as the report page shows it). api.py adds
this router to its API."""

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router

from pregon.api import auth
from pregon.api.errors import ERRORS, ApiError, get_or_404, invalid
from pregon.api.schemas.automation import EnrolIn, EnrolOut, WorkflowReportOut
from pregon.automation import entry, stats
from pregon.automation.models import Workflow, WorkflowStatus
from pregon.contacts.models import Contact
from pregon.contacts.normalize import normalize_email

router = Router(tags=["automations"])


def _contact(payload: EnrolIn) -> Contact:
    found = None
    if payload.contact:
        try:
            found = get_or_404(Contact.objects.all(), code=payload.contact)
        except ApiError:
            raise invalid({"contact": [_("There is no contact with this code.")]}) from None
    elif payload.email:
        try:
            found = Contact.objects.filter(email=normalize_email(payload.email)).first()
        except ValueError:
            found = None
        if found is None:
            raise invalid({"email": [_("There is no contact with this address.")]})
    if found is None:
        raise invalid({"email": [_("Give the contact's email address or code.")]})
    return found


@router.post(
    "/automations/{code}/enrol",
    response={200: EnrolOut, **ERRORS},
    summary=gettext_lazy("Enrol a contact in a workflow"),
    description=gettext_lazy(
        "The contact, by `email` or `code`, enters the active workflow through its trigger "
        "“An API call enrols them”. `enrolled` is false when its entry rule keeps the "
        "contact out (in it already, or entered before). A workflow that is not active, or "
        "has no such trigger, answers 409."
    ),
)
def automation_enrol(request: HttpRequest, code: str, payload: EnrolIn) -> EnrolOut:
    workflow = get_or_404(Workflow.objects.all(), code=code)
    contact = _contact(payload)
    if workflow.status != WorkflowStatus.ACTIVE:
        raise ApiError(409, _("The workflow is not active: activate it first."))
    if entry.first_trigger(workflow, "api") is None:
        raise ApiError(
            409, _("The workflow has no trigger “An API call enrols them”: add one first.")
        )
    with transaction.atomic():
        enrolled = entry.enrol_contact(workflow, contact)
    detail = (
        _("The contact entered the workflow.")
        if enrolled
        else _("The contact may not enter the workflow now (its entry rule).")
    )
    return EnrolOut(enrolled=enrolled, detail=detail)


@router.get(
    "/automations/{code}/report",
    response={200: WorkflowReportOut, **ERRORS},
    auth=auth.ANALYST,
    summary=gettext_lazy("Get a workflow's report"),
    description=gettext_lazy(
        "The workflow's figures (contacts entered, in progress, completed, at the goal and "
        "failed; emails, SMS and webhook calls) and each step's, in the graph's order: "
        "contacts waiting there and gone through, and what its messages did. Opens and "
        "clicks are people's (machines' are left out), as on the report page. A figure a "
        "step's type does not have is null."
    ),
)
def automation_report(request: HttpRequest, code: str) -> dict:
    workflow = get_or_404(Workflow.objects.all(), code=code)
    return {
        "workflow": str(workflow.code),
        "name": workflow.name,
        "status": workflow.status,
        "figures": stats.figures(workflow),
        "steps": stats.steps(workflow, stats.node_figures(workflow)),
    }
