"""The sending half of the API's route table: campaigns, sender identities, delivery backends
and the quota. api.py adds this router to its API, so both halves share one authentication,
one error shape and one OpenAPI document.

Campaigns are checked by the campaign screens' forms (CampaignForm, ScheduleForm,
TestSendForm) and by the model (``Campaign.blockers``), and change status only through
pregon/campaigns/scheduling.py, so the API and the UI agree on what a campaign may do. A
move its status does not allow is a 409, and so is editing or deleting a campaign that is
no longer a draft: the request is well formed, but the campaign is not in a state to take
it.
"""

import uuid
from typing import Any

from django.db import transaction
from django.db.models import Count, Model, ProtectedError, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from pregon.accounts import audit
from pregon.accounts.models import AuditAction
from pregon.api import auth
from pregon.api.errors import (
    ApiError,
    ErrorOut,
    Errors,
    form_errors,
    get_or_404,
    invalid,
    save_form,
)
from pregon.api.schemas import (
    BackendIn,
    BackendOut,
    BackendPatch,
    CampaignIn,
    CampaignOut,
    CampaignPatch,
    CheckOutcomeOut,
    CreditIn,
    CreditOut,
    ProgressOut,
    QuotaOut,
    ScheduleIn,
    SenderIn,
    SenderOut,
    SenderPatch,
    TestResultOut,
    TestSendIn,
    month_out,
    utc,
)
from pregon.campaigns import scheduling
from pregon.campaigns.forms import CampaignForm, ScheduleForm, TestSendForm
from pregon.campaigns.models import (
    TRACKING_FIELDS,
    Campaign,
    CampaignStatus,
    IllegalTransition,
)
from pregon.contacts.models import MailingList, Segment
from pregon.content.models import EmailTemplate
from pregon.lib import vault
from pregon.reports.consumption import consumption
from pregon.sending import engine, quota, transports
from pregon.sending.forms import BACKEND_FORMS, CreditForm, SenderIdentityForm
from pregon.sending.models import (
    PROVIDER_KINDS,
    Backend,
    BackendKind,
    SenderIdentity,
)

router = Router()

# The error answers of these endpoints, for the OpenAPI document: api.py's, plus the 409 of
# a campaign whose status does not allow the request (or a sender that campaigns use).
ERRORS = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}


def _deleted(request: HttpRequest, kind: str, target: str) -> None:
    """Audit a deletion with the words the UI's deletions use."""
    audit.record(request, AuditAction.DELETION, target, kind=kind)


# Campaigns.

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
        Campaign.objects.select_related("sender", "template", "mailing")
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


def _campaign_form(campaign: Campaign, changes: dict[str, Any]) -> CampaignForm:
    """The campaign form, valid, for ``campaign`` with ``changes`` (API names, codes).

    Raises a 422 with the form's errors and those of codes that name nothing or a template
    whose checks found an error.
    """
    data: dict[str, Any] = {
        "name": campaign.name,
        "subject": campaign.subject,
        "preheader": campaign.preheader,
        "sender": campaign.sender_id,
        "template": campaign.template_id,
    }
    for name in TRACKING_FIELDS:
        data[name] = getattr(campaign, name)
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
    form = CampaignForm(data, instance=campaign)
    if not form.is_valid() or errors:
        raise invalid({**form_errors(form), **errors})
    return form


def _by_field(problems: dict[str, str]) -> Errors:
    """A campaign's problems (``Campaign.missing``, ``Campaign.blockers``), as a 422's errors."""
    return {name: [problem] for name, problem in problems.items()}


def _move(request: HttpRequest, code: str, action: str) -> Campaign:
    """``scheduling.move`` the campaign (pause, resume…); a 409 if its status refuses."""
    campaign = get_or_404(Campaign.objects, code=code)
    try:
        scheduling.move(campaign, action, by=request)
    except IllegalTransition:
        campaign.refresh_from_db(fields=["status"])
        raise _refused(campaign, action) from None
    return get_or_404(_campaigns(), pk=campaign.pk)


@router.get(
    "/campaigns",
    response=list[CampaignOut],
    tags=["campaigns"],
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
    tags=["campaigns"],
    summary=gettext_lazy("Create a campaign"),
    description=gettext_lazy(
        "Create a draft, checked like the campaign form: merge tags in the subject, a "
        "template that passed its checks, no list or segment both included and left "
        "out."
    ),
)
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    campaign = _campaign_form(Campaign(), payload.dict()).save_new(request.user)
    return Status(201, get_or_404(_campaigns(), pk=campaign.pk))


@router.get(
    "/campaigns/{code}",
    response={200: CampaignOut, **ERRORS},
    tags=["campaigns"],
    summary=gettext_lazy("Get a campaign"),
)
def campaign_detail(request: HttpRequest, code: str) -> Campaign:
    return get_or_404(_campaigns(), code=code)


@router.patch(
    "/campaigns/{code}",
    response={200: CampaignOut, **ERRORS},
    tags=["campaigns"],
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
    tags=["campaigns"],
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
    tags=["campaigns"],
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
    form = ScheduleForm(data, now=now, short=scheduling.is_short(blockers.count))
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
    tags=["campaigns"],
    summary=gettext_lazy("Unschedule a campaign"),
    description=gettext_lazy("Back to draft: it won't be sent."),
)
def campaign_unschedule(request: HttpRequest, code: str) -> Campaign:
    return _move(request, code, "unschedule")


@router.post(
    "/campaigns/{code}/pause",
    response={200: CampaignOut, **ERRORS},
    tags=["campaigns"],
    summary=gettext_lazy("Pause a campaign"),
    description=gettext_lazy("Stop handing messages over; those already handed over still arrive."),
)
def campaign_pause(request: HttpRequest, code: str) -> Campaign:
    return _move(request, code, "pause")


@router.post(
    "/campaigns/{code}/resume",
    response={200: CampaignOut, **ERRORS},
    tags=["campaigns"],
    summary=gettext_lazy("Resume a campaign"),
    description=gettext_lazy("Send a paused campaign again."),
)
def campaign_resume(request: HttpRequest, code: str) -> Campaign:
    return _move(request, code, "resume")


@router.post(
    "/campaigns/{code}/cancel",
    response={200: CampaignOut, **ERRORS},
    tags=["campaigns"],
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
    tags=["campaigns"],
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
    tags=["campaigns"],
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
        raise _unreadable_password() from None
    return [
        {"address": address, "outcome": result.outcome, "code": result.code, "reply": result.reply}
        for address, result in results
    ]


@router.get(
    "/campaigns/{code}/progress",
    response={200: ProgressOut, **ERRORS},
    tags=["campaigns"],
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


# Sender identities.


def _senders() -> QuerySet[SenderIdentity]:
    return SenderIdentity.objects.select_related("domain")


@router.get(
    "/senders",
    response=list[SenderOut],
    tags=["senders"],
    summary=gettext_lazy("List the sender identities"),
)
def sender_index(request: HttpRequest) -> QuerySet[SenderIdentity]:
    return _senders()


@router.post(
    "/senders",
    response={201: SenderOut, **ERRORS},
    tags=["senders"],
    summary=gettext_lazy("Create a sender identity"),
    description=gettext_lazy(
        "Create a sender identity. Its domain is set up with new DKIM keys the first time."
    ),
)
def sender_create(request: HttpRequest, payload: SenderIn) -> Status[SenderIdentity]:
    sender = save_form(SenderIdentityForm, SenderIdentity(), payload.dict())
    return Status(201, get_or_404(_senders(), pk=sender.pk))


@router.get(
    "/senders/{code}",
    response={200: SenderOut, **ERRORS},
    tags=["senders"],
    summary=gettext_lazy("Get a sender identity"),
)
def sender_detail(request: HttpRequest, code: str) -> SenderIdentity:
    return get_or_404(_senders(), code=code)


@router.patch(
    "/senders/{code}",
    response={200: SenderOut, **ERRORS},
    tags=["senders"],
    summary=gettext_lazy("Update a sender identity"),
)
def sender_update(request: HttpRequest, code: str, payload: SenderPatch) -> SenderIdentity:
    sender = get_or_404(SenderIdentity.objects, code=code)
    data = {"from_name": sender.from_name, "from_email": sender.from_email}
    data["reply_to"] = sender.reply_to
    data.update(payload.dict(exclude_unset=True, exclude_none=True))
    save_form(SenderIdentityForm, sender, data)
    return get_or_404(_senders(), pk=sender.pk)


@router.delete(
    "/senders/{code}",
    response={204: None, **ERRORS},
    tags=["senders"],
    summary=gettext_lazy("Delete a sender identity"),
    description=gettext_lazy(
        "Delete a sender identity that no campaign uses (those already sent included): 409."
    ),
)
def sender_delete(request: HttpRequest, code: str) -> Status[None]:
    sender = get_or_404(SenderIdentity.objects, code=code)
    try:
        with transaction.atomic():
            sender.delete()
            _deleted(request, "sender", sender.from_email)
    except ProtectedError:
        detail = _(
            "“%(sender)s” can't be deleted: campaigns use it, including ones already "
            "sent, which keep it on record. Choose another sender in any draft first."
        )
        raise ApiError(409, detail % {"sender": sender.from_email}) from None
    return Status(204, None)


# Delivery backends, for administrators: they hold the relays' passwords and the providers'
# API keys. Both are written through the UI's forms (encrypted with pregon.lib.vault) and
# never read back.


def _save_backend(backend: Backend, changes: dict[str, Any]) -> Backend:
    """Save ``backend`` with ``changes`` through its kind's form, as the UI's screens do.

    Raises a 422 for each field the kind does not use, or with the form's errors.
    """
    form_class = BACKEND_FORMS[backend.kind]
    fields = form_class.base_fields
    extra = sorted(set(changes) - set(fields))
    if extra:
        if backend.kind == BackendKind.FILE:
            unused = _(
                "The test mailbox has no such setting: only a name and whether it is in use."
            )
        else:
            unused = _("A “%(kind)s” backend has no such setting; it takes %(fields)s.") % {
                "kind": backend.kind,
                "fields": ", ".join(sorted(fields)),
            }
        raise invalid({name: [unused] for name in extra})
    # The form is given the whole backend: what the request leaves out keeps its stored
    # value, or, for a new provider's option, the value the UI's form starts with.
    options = backend.options or {}
    option_fields = getattr(form_class, "option_fields", ())
    data: dict[str, Any] = {}
    for name, field in fields.items():
        if name in ("password", "api_key"):
            data[name] = ""  # Left empty, the form keeps the stored secret.
        elif name in option_fields:
            data[name] = options.get(name, field.initial)
        else:
            data[name] = getattr(backend, name)
    return save_form(form_class, backend, {**data, **changes})


def _unreadable_password(backend: Backend | None = None) -> ApiError:
    """The 409 for a secret that the encryption key no longer opens; ``backend`` if known."""
    if backend is None:  # A test send: any backend in use may hold it.
        detail = _(
            "A delivery backend's stored password or API key can no longer be read (the "
            "encryption key changed); enter it again."
        )
    elif backend.kind in PROVIDER_KINDS:
        detail = _(
            "The stored API key can no longer be read (the encryption key changed); enter it again."
        )
    else:
        detail = _(
            "The stored password can no longer be read (the encryption key changed); "
            "enter it again."
        )
    return ApiError(409, detail)


@router.get(
    "/backends",
    response=list[BackendOut],
    tags=["backends"],
    auth=auth.ADMIN,
    summary=gettext_lazy("List the sending servers"),
    description=gettext_lazy(
        "The backends, by name. Messages are shared among those in use by their weights."
    ),
)
def backend_index(request: HttpRequest) -> QuerySet[Backend]:
    return Backend.objects.all()


@router.post(
    "/backends",
    response={201: BackendOut, **ERRORS},
    tags=["backends"],
    auth=auth.ADMIN,
    summary=gettext_lazy("Add a sending server"),
    description=gettext_lazy(
        "Add an SMTP relay (`host` required; a password needs a `username`), a test "
        "mailbox (only `name` and `is_active`) or a provider's account (`api_key` "
        "required; Amazon SES also needs `username`, the access key ID; Mailgun, "
        "`sender_domain`). Checked by the form of the kind's screen; a field the kind "
        "does not use is a 422."
    ),
)
def backend_create(request: HttpRequest, payload: BackendIn) -> Status[Backend]:
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    backend = Backend(kind=changes.pop("kind"))
    backend = _save_backend(backend, changes)
    audit.record(request, AuditAction.BACKEND_CHANGED, backend.name, kind=backend.kind)
    return Status(201, backend)


@router.get(
    "/backends/{code}",
    response={200: BackendOut, **ERRORS},
    tags=["backends"],
    auth=auth.ADMIN,
    summary=gettext_lazy("Get a sending server"),
)
def backend_detail(request: HttpRequest, code: str) -> Backend:
    return get_or_404(Backend.objects, code=code)


@router.patch(
    "/backends/{code}",
    response={200: BackendOut, **ERRORS},
    tags=["backends"],
    auth=auth.ADMIN,
    summary=gettext_lazy("Update a sending server"),
    description=gettext_lazy(
        "Change only the keys sent. The kind stays; without a password or API key, so "
        "does the stored one; for a relay, an empty `username` removes user and "
        "password."
    ),
)
def backend_update(request: HttpRequest, code: str, payload: BackendPatch) -> Backend:
    backend = get_or_404(Backend.objects, code=code)
    backend = _save_backend(backend, payload.dict(exclude_unset=True, exclude_none=True))
    audit.record(request, AuditAction.BACKEND_CHANGED, backend.name, kind=backend.kind)
    return backend


@router.delete(
    "/backends/{code}",
    response={204: None, **ERRORS},
    tags=["backends"],
    auth=auth.ADMIN,
    summary=gettext_lazy("Delete a sending server"),
    description=gettext_lazy(
        "Delete a backend (recorded in the audit log). With none in use, messages are "
        "kept in the test mailbox instead of being sent."
    ),
)
def backend_delete(request: HttpRequest, code: str) -> Status[None]:
    backend = get_or_404(Backend.objects, code=code)
    with transaction.atomic():
        backend.delete()
        _deleted(request, "delivery backend", backend.name)
    return Status(204, None)


@router.post(
    "/backends/{code}/check",
    response={200: CheckOutcomeOut, **ERRORS},
    tags=["backends"],
    auth=auth.ADMIN,
    summary=gettext_lazy("Test a sending server's connection"),
    description=gettext_lazy(
        'Connect, log in and leave, as the "Test connection" button does (for a '
        "provider, read the account, domain or stream through its API); the server's "
        "reply."
    ),
)
def backend_check(request: HttpRequest, code: str) -> dict[str, Any]:
    backend = get_or_404(Backend.objects, code=code)
    try:
        result = transports.check_backend(backend)
    except vault.InvalidToken:
        raise _unreadable_password(backend) from None
    return {"outcome": result.outcome, "code": result.code, "reply": result.reply}


# The quota: figures an analyst may read, as on the quota page; credits for administrators.


@router.get(
    "/quota",
    response=QuotaOut,
    tags=["quota"],
    auth=auth.ANALYST,
    summary=gettext_lazy("Get the quota"),
    description=gettext_lazy(
        "The plan's months (messages granted, credited back and used), the current "
        "month, the messages left in it and those used. Analysts may read this: it "
        "holds only figures. GET /consumption gives the same and more: the term's "
        "totals and the ledger."
    ),
)
def quota_detail(request: HttpRequest) -> dict[str, Any]:
    figures = consumption()
    current = figures.current
    return {
        "months": [month_out(month) for month in figures.months],
        "period": {"start": utc(current.start), "end": utc(current.end)} if current else None,
        "balance": figures.balance,
        "used": figures.used_this_month,
    }


@router.post(
    "/quota/credits",
    response={201: CreditOut, **ERRORS},
    tags=["quota"],
    auth=auth.ADMIN,
    summary=gettext_lazy("Credit messages back"),
    description=gettext_lazy(
        "Credit messages back for an incident, until the current month ends (audited). "
        "Outside the plan's term there is no month to credit: 409."
    ),
)
def quota_credit(request: HttpRequest, payload: CreditIn) -> Status[dict[str, Any]]:
    form = CreditForm(payload.dict())
    if not form.is_valid():
        raise invalid(form_errors(form))
    amount, reason = form.cleaned_data["amount"], form.cleaned_data["reason"]
    quota.ensure_plan()
    try:
        with transaction.atomic():
            grant = quota.credit(amount, reason, request.user)
            audit.record(
                request, AuditAction.QUOTA_CREDIT, str(amount), reason=reason, messages=amount
            )
    except ValueError:
        detail = _("The plan has no current month: nothing can be credited.")
        raise ApiError(409, detail) from None
    out = {
        "amount": grant.amount,
        "reason": grant.reason,
        "starts_at": utc(grant.starts_at),
        "ends_at": utc(grant.ends_at),
        "balance": quota.balance(),
    }
    return Status(201, out)
