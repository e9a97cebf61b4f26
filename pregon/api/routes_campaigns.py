"""The campaigns in the API's route table: drafts, scheduling and the moves of their status,
test sends and progress. api.py adds this router to its API.

Campaigns are checked by the campaign screens' forms (CampaignForm, ScheduleForm,
TestSendForm) and by the model (``Campaign.blockers``), and change status only through
pregon/campaigns/scheduling.py, so the API and the UI agree on what a campaign may do. A
move its status does not allow is a 409, and so is editing or deleting a campaign that is
no longer a draft: the request is well formed, but the campaign is not in a state to take
it.

An SMS campaign (``channel: "sms"``) goes through the same endpoints, checked by the SMS
campaign form: a text instead of a subject, a sender and a template. It cannot be paused.
"""

import uuid
from typing import Any

from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from pregon.api.errors import ApiError, ErrorOut, get_or_404, invalid
from pregon.api.schemas.campaigns import (
    CampaignIn,
    CampaignOut,
    CampaignPatch,
    ProgressOut,
    ScheduleIn,
    TestResultOut,
    TestSendIn,
)
from pregon.campaigns import scheduling
from pregon.campaigns.forms import (
    AudienceForm,
    CampaignForm,
    ScheduleForm,
    SmsCampaignForm,
    TestSendForm,
)
from pregon.campaigns.models import (
    TRACKING_FIELDS,
    Campaign,
    CampaignStatus,
    IllegalTransition,
)
from pregon.contacts.models import MailingList, Segment
from pregon.content.models import EmailTemplate
from pregon.lib import vault
from pregon.lib.formerrors import Errors, form_errors
from pregon.sending import engine
from pregon.sending.models import SenderIdentity

router = Router(tags=["campaigns"])

# The error answers of these endpoints, for the OpenAPI document: the usual ones
# (errors.ERRORS), plus the 409 of a campaign whose status does not allow the request.
ERRORS = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}

# How each status is said, and what a campaign in it cannot do, in the 409 answers:
# "The campaign is sending; it cannot be scheduled."
STATES = {
    CampaignStatus.DRAFT: gettext_lazy("The campaign is a draft"),
    CampaignStatus.SCHEDULED: gettext_lazy("The campaign is scheduled"),
    CampaignStatus.SENDING: gettext_lazy("The campaign is sending"),
    CampaignStatus.PAUSED: gettext_lazy("The campaign is paused"),
    CampaignStatus.SENT: gettext_lazy("The campaign has been sent"),
    CampaignStatus.SENT_WITH_ERRORS: gettext_lazy("The campaign was sent with errors"),
    CampaignStatus.CANCELLED: gettext_lazy("The campaign was cancelled"),
    CampaignStatus.FAILED: gettext_lazy("The campaign failed"),
}
REFUSALS = {
    "schedule": gettext_lazy("it cannot be scheduled"),
    "unschedule": gettext_lazy("it cannot be unscheduled"),
    "pause": gettext_lazy("it cannot be paused"),
    "resume": gettext_lazy("it cannot be resumed"),
    "cancel": gettext_lazy("it cannot be cancelled"),
    "edit": gettext_lazy("only a draft can be edited"),
    "delete": gettext_lazy("only a draft can be deleted"),
}

# Campaign fields the API names by code: the model, and the error for a code it lacks.
RELATED: dict[str, tuple[type[Model], Any]] = {
    "sender": (
        SenderIdentity,
        gettext_lazy("There is no sender identity with the code “%(code)s”."),
    ),
    "template": (EmailTemplate, gettext_lazy("There is no template with the code “%(code)s”.")),
    "include_lists": (MailingList, gettext_lazy("There is no list with the code “%(code)s”.")),
    "exclude_lists": (MailingList, gettext_lazy("There is no list with the code “%(code)s”.")),
    "include_segments": (Segment, gettext_lazy("There is no segment with the code “%(code)s”.")),
    "exclude_segments": (Segment, gettext_lazy("There is no segment with the code “%(code)s”.")),
}
AUDIENCE_FIELDS = ["include_lists", "exclude_lists", "include_segments", "exclude_segments"]


def _refused(campaign: Campaign, action: str) -> ApiError:
    """The 409 for ``action`` on ``campaign`` in its present status."""
    detail = _("%(state)s; %(refusal)s.") % {
        "state": STATES[CampaignStatus(campaign.status)],
        "refusal": REFUSALS[action],
    }
    return ApiError(409, detail)


def _campaigns() -> QuerySet[Campaign]:
    # Django drops Meta.ordering from GROUP BY queries, so it is repeated here.
    return (
        Campaign.objects.select_related("sender", "template", "mailing", "course")
        .prefetch_related(*AUDIENCE_FIELDS)
        .annotate(message_count=Count("mailing__messages"))
        .order_by("-created_at", "-pk")
    )


def _pk(name: str, code: str, errors: Errors) -> int | None:
    """The primary key of the ``name`` object with ``code``; None, noted in ``errors``, if none."""
    model, message = RELATED[name]
    try:
        found = model.objects.filter(code=uuid.UUID(str(code))).values_list("pk", flat=True)
        pk = found.first()
    except ValueError:  # A malformed code is as unknown as a well-formed one.
        pk = None
    if pk is None:
        errors.setdefault(name, []).append(message % {"code": code})
    return pk


def _campaign_form(campaign: Campaign, changes: dict[str, Any]) -> AudienceForm:
    """The campaign form (of an email, or of an SMS campaign), valid, for ``campaign`` with
    ``changes`` (API names, codes); those its channel does not have are ignored.

    Raises a 422 with the form's errors and those of codes that name nothing or a template
    whose checks found an error.
    """
    form_class = SmsCampaignForm if campaign.is_sms else CampaignForm
    changes = {name: value for name, value in changes.items() if name in form_class.base_fields}
    data: dict[str, Any] = {
        "name": campaign.name,
        "subject": campaign.subject,
        "sms_text": campaign.sms_text,
        "preheader": campaign.preheader,
        "sender": campaign.sender_id,
        "template": campaign.template_id,
    }
    for name in TRACKING_FIELDS:
        data[name] = getattr(campaign, name)
    # The course, by its Moodle id, as the form's select names it.
    data["course"] = campaign.course.moodle_id if campaign.course_id else None
    data["exclude_enrolled"] = campaign.exclude_enrolled
    for name in AUDIENCE_FIELDS:
        data[name] = (
            list(getattr(campaign, name).values_list("pk", flat=True)) if campaign.pk else []
        )
    errors: Errors = {}
    for name, value in changes.items():
        if name in AUDIENCE_FIELDS:
            codes = value or []  # null empties the list, as [] does.
            data[name] = [pk for code in codes if (pk := _pk(name, code, errors)) is not None]
        elif name in RELATED and value is not None:
            pk = _pk(name, value, errors)
            if name == "template" and pk is not None and pk != campaign.template_id:
                template = EmailTemplate.objects.get(pk=pk)
                if not template.is_ready:
                    message = _("The template “%(name)s” has errors to fix before it can be sent.")
                    errors["template"] = [message % {"name": template.name}]
                    pk = None
            if pk is not None:
                data[name] = pk
        else:
            data[name] = value
    form = form_class(data, instance=campaign)
    if not form.is_valid() or errors:
        raise invalid({**form_errors(form), **errors})
    return form


def _by_field(problems: dict[str, str]) -> Errors:
    """A campaign's problems (``Campaign.missing``, ``Campaign.blockers``), as a 422's errors."""
    return {name: [problem] for name, problem in problems.items()}


def _move(request: HttpRequest, code: str, action: str) -> Campaign:
    """``scheduling.move`` the campaign (pause, resume…); a 409 if its status refuses, or
    if it is an SMS campaign asked to pause."""
    campaign = get_or_404(Campaign.objects, code=code)
    if action == "pause" and campaign.is_sms:
        raise ApiError(409, _("An SMS campaign cannot be paused; cancel it to stop it."))
    try:
        scheduling.move(campaign, action, by=request)
    except IllegalTransition:
        campaign.refresh_from_db(fields=["status"])
        raise _refused(campaign, action) from None
    return get_or_404(_campaigns(), pk=campaign.pk)


def _unreadable_secret() -> ApiError:
    """The 409 of a test send when a stored secret no longer opens: any backend in use may
    hold it."""
    detail = _(
        "A delivery backend's stored password or API key can no longer be read (the "
        "encryption key changed); enter it again."
    )
    return ApiError(409, detail)


@router.get(
    "/campaigns",
    response=list[CampaignOut],
    summary=gettext_lazy("List the campaigns"),
    description=gettext_lazy("Campaigns, newest first, optionally of one status."),
)
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
def campaign_list(request: HttpRequest, status: CampaignStatus | None = None) -> QuerySet:
    campaigns = _campaigns()
    return campaigns.filter(status=status) if status else campaigns


@router.post(
    "/campaigns",
    response={201: CampaignOut, **ERRORS},
    summary=gettext_lazy("Create a campaign"),
    description=gettext_lazy(
        "Create a draft, checked like the campaign form: merge tags in the subject, a "
        "template that passed its checks, no list or segment both included and left "
        "out."
    ),
)
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    values = payload.dict()
    campaign = Campaign(channel=values.pop("channel"))
    campaign = _campaign_form(campaign, values).save_new(request.user)
    return Status(201, get_or_404(_campaigns(), pk=campaign.pk))


@router.get(
    "/campaigns/{code}",
    response={200: CampaignOut, **ERRORS},
    summary=gettext_lazy("Get a campaign"),
)
def campaign_detail(request: HttpRequest, code: str) -> Campaign:
    return get_or_404(_campaigns(), code=code)


@router.patch(
    "/campaigns/{code}",
    response={200: CampaignOut, **ERRORS},
    summary=gettext_lazy("Update a campaign"),
    description=gettext_lazy(
        "Change only the keys sent, of a draft; any other status is a 409 (unschedule first)."
    ),
)
def campaign_update(request: HttpRequest, code: str, payload: CampaignPatch) -> Campaign:
    campaign = get_or_404(Campaign.objects.select_related("template"), code=code)
    if campaign.status != CampaignStatus.DRAFT:
        raise _refused(campaign, "edit")
    form = _campaign_form(campaign, payload.dict(exclude_unset=True))
    try:
        form.save_draft()
    except IllegalTransition:
        raise _refused(get_or_404(Campaign.objects, pk=campaign.pk), "edit") from None
    return get_or_404(_campaigns(), pk=campaign.pk)


@router.delete(
    "/campaigns/{code}",
    response={204: None, **ERRORS},
    summary=gettext_lazy("Delete a campaign"),
    description=gettext_lazy(
        "Delete a draft (recorded in the audit log); any other status is a 409."
    ),
)
def campaign_delete(request: HttpRequest, code: str) -> Status[None]:
    campaign = get_or_404(Campaign.objects, code=code)
    if not scheduling.delete_draft(campaign, by=request):
        raise _refused(get_or_404(Campaign.objects, pk=campaign.pk), "delete")
    return Status(204, None)


@router.post(
    "/campaigns/{code}/schedule",
    response={200: CampaignOut, **ERRORS},
    summary=gettext_lazy("Schedule a campaign"),
    description=gettext_lazy(
        "Schedule a draft for `at`, or for now: the scheduler starts it within seconds "
        "of its time. It needs a sender, a template that passed its checks and somebody "
        "to send to; what is missing is a 422, by field (`sender`, `template`, "
        "`audience`, `at`). With fewer messages left this period than recipients, "
        "`confirm` must be true."
    ),
)
def campaign_schedule(request: HttpRequest, code: str, payload: ScheduleIn) -> Campaign:
    campaign = get_or_404(Campaign.objects.select_related("template"), code=code)
    if campaign.status != CampaignStatus.DRAFT:
        raise _refused(campaign, "schedule")
    blockers = campaign.blockers()
    now = payload.at is None
    data = {"confirm": payload.confirm} if now else {"at": payload.at, "confirm": payload.confirm}
    short = scheduling.is_short(blockers.count, campaign=campaign)
    form = ScheduleForm(data, now=now, short=short)
    if not form.is_valid() or blockers.problems:
        raise invalid({**form_errors(form), **_by_field(blockers.problems)})
    try:
        scheduling.schedule(campaign, form.when(), by=request)
    except IllegalTransition:
        campaign.refresh_from_db(fields=["status"])
        raise _refused(campaign, "schedule") from None
    return get_or_404(_campaigns(), pk=campaign.pk)


@router.post(
    "/campaigns/{code}/unschedule",
    response={200: CampaignOut, **ERRORS},
    summary=gettext_lazy("Unschedule a campaign"),
    description=gettext_lazy("Back to draft: it won't be sent."),
)
def campaign_unschedule(request: HttpRequest, code: str) -> Campaign:
    return _move(request, code, "unschedule")


@router.post(
    "/campaigns/{code}/pause",
    response={200: CampaignOut, **ERRORS},
    summary=gettext_lazy("Pause a campaign"),
    description=gettext_lazy("Stop handing messages over; those already handed over still arrive."),
)
def campaign_pause(request: HttpRequest, code: str) -> Campaign:
    return _move(request, code, "pause")


@router.post(
    "/campaigns/{code}/resume",
    response={200: CampaignOut, **ERRORS},
    summary=gettext_lazy("Resume a campaign"),
    description=gettext_lazy("Send a paused campaign again."),
)
def campaign_resume(request: HttpRequest, code: str) -> Campaign:
    return _move(request, code, "resume")


@router.post(
    "/campaigns/{code}/cancel",
    response={200: CampaignOut, **ERRORS},
    summary=gettext_lazy("Cancel a campaign"),
    description=gettext_lazy(
        "Stop for good: messages not sent yet never will be. This cannot be undone."
    ),
)
def campaign_cancel(request: HttpRequest, code: str) -> Campaign:
    return _move(request, code, "cancel")


@router.post(
    "/campaigns/{code}/duplicate",
    response={201: CampaignOut, **ERRORS},
    summary=gettext_lazy("Duplicate a campaign"),
    description=gettext_lazy(
        "A new draft with the same content, sender and audience, whatever the status."
    ),
)
def campaign_duplicate(request: HttpRequest, code: str) -> Status[Campaign]:
    copy = get_or_404(Campaign.objects, code=code).duplicate(request.user)
    return Status(201, get_or_404(_campaigns(), pk=copy.pk))


@router.post(
    "/campaigns/{code}/send-test",
    response={200: list[TestResultOut], **ERRORS},
    summary=gettext_lazy("Send a test of a campaign"),
    description=gettext_lazy(
        'Send the campaign as it stands to up to 5 addresses, now, with "[Prueba]" '
        "before the subject; never queued nor counted against the quota. Every message "
        "shows the data of one contact of the audience (`contact`, by default its "
        "first). Answers each address's outcome: one that is not valid fails alone, "
        "with the reason, and the others still go."
    ),
)
def campaign_send_test(
    request: HttpRequest, code: str, payload: TestSendIn
) -> list[dict[str, Any]]:
    campaign = get_or_404(Campaign.objects.select_related("sender__domain", "template"), code=code)
    if campaign.is_sms:
        raise ApiError(
            409, _("An SMS campaign has no email to test; send a test SMS from its page.")
        )
    form = TestSendForm(
        campaign, {"addresses": "\n".join(payload.addresses), "contact": payload.contact}
    )
    errors = {} if form.is_valid() else form_errors(form)
    errors.update(_by_field(campaign.missing()))
    if errors:
        raise invalid(errors)
    try:
        results = engine.send_tests(
            campaign, form.cleaned_data["addresses"], form.cleaned_data["contact"]
        )
    except vault.InvalidToken:
        raise _unreadable_secret() from None
    return [
        {"address": address, "outcome": result.outcome, "code": result.code, "reply": result.reply}
        for address, result in results
    ]


@router.get(
    "/campaigns/{code}/progress",
    response={200: ProgressOut, **ERRORS},
    summary=gettext_lazy("Get a campaign's progress"),
    description=gettext_lazy(
        "The campaign's messages by status, the share already dealt with, and the "
        "answer most of its failed messages got. All zero until the scheduler has "
        "started it."
    ),
)
def campaign_progress(request: HttpRequest, code: str) -> dict[str, Any]:
    campaign = get_or_404(Campaign.objects, code=code)
    progress = campaign.progress()
    return {
        "status": campaign.status,
        "counts": progress.counts,
        "total": progress.total,
        "percent": progress.percent,
        "failure": progress.failure,
    }
