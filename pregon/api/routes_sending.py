"""Sender identities, delivery backends, the quota and the sending limits in the API's route
table. api.py adds this router to its API.

Each is written through the UI's forms (SenderIdentityForm, the backend kinds' forms,
CreditForm, LimitsForm), so the API and the screens check the same. A sender identity that
campaigns use cannot be deleted: a 409, as is a backend's secret that the encryption key no
longer opens.
"""

from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Status

from pregon.accounts import audit
from pregon.accounts.models import AuditAction
from pregon.api import auth
from pregon.api.errors import ApiError, ErrorOut, get_or_404, invalid, save_form
from pregon.api.schemas.sending import (
    BackendIn,
    BackendOut,
    BackendPatch,
    CheckOutcomeOut,
    CreditIn,
    CreditOut,
    LimitsIn,
    LimitsOut,
    QuotaOut,
    QuotaSettingsIn,
    QuotaSettingsOut,
    SenderIn,
    SenderOut,
    SenderPatch,
    month_out,
    term_out,
    utc,
)
from pregon.lib import vault
from pregon.lib.formerrors import form_errors
from pregon.reports.consumption import consumption
from pregon.sending import limits, quota, quota_settings, transports
from pregon.sending.forms import (
    BACKEND_FORMS,
    CreditForm,
    LimitsForm,
    QuotaSettingsForm,
    SenderIdentityForm,
)
from pregon.sending.models import (
    PROVIDER_KINDS,
    Backend,
    BackendKind,
    DomainLimit,
    SenderIdentity,
    SendingLimits,
)

router = Router()

# The error answers of these endpoints, for the OpenAPI document: the usual ones
# (errors.ERRORS), plus the 409 of a sender that campaigns use, of a secret that can no
# longer be read, and of a credit outside the plan's term.
ERRORS = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}


def _deleted(request: HttpRequest, kind: str, target: str) -> None:
    """Audit a deletion with the words the UI's deletions use."""
    audit.record(request, AuditAction.DELETION, target, kind=kind)


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


def _unreadable_password(backend: Backend) -> ApiError:
    """The 409 for ``backend``'s secret, which the encryption key no longer opens."""
    if backend.kind in PROVIDER_KINDS:
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
        "The plan's term and its expiry rule, its months (messages granted, credited "
        "back, used, carried over and left), the current month, the messages left and "
        "those used in it, and whether the term ends within 30 days. Analysts may read "
        "this: it holds only figures. GET /consumption gives the same and more: the "
        "term's totals and the ledger."
    ),
)
def quota_detail(request: HttpRequest) -> dict[str, Any]:
    figures = consumption()
    current = figures.current
    return {
        **term_out(figures),
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
        "Credit messages back for an incident (audited). They belong to the current month "
        "and follow its rule: usable until the term ends, or under the monthly rule until "
        "the month does. Outside the plan's term there is no month to credit: 409."
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
        "ends_at": utc(quota.expires_at(quota.term(), grant.starts_at)),
        "balance": quota.balance(),
    }
    return Status(201, out)


def _quota_settings() -> dict[str, Any]:
    current, term = quota.read_settings(), quota.term()
    return {
        "expiry": current.expiry,
        "credentials_delivered_on": current.credentials_delivered_on,
        "term": {"start": utc(term.start), "end": utc(term.end)},
    }


@router.get(
    "/quota/settings",
    response={200: QuotaSettingsOut, **ERRORS},
    tags=["quota"],
    auth=auth.ADMIN,
    summary=gettext_lazy("Get the quota's term and expiry rule"),
)
def quota_settings_detail(request: HttpRequest) -> dict[str, Any]:
    return _quota_settings()


@router.put(
    "/quota/settings",
    response={200: QuotaSettingsOut, **ERRORS},
    tags=["quota"],
    auth=auth.ADMIN,
    summary=gettext_lazy("Set the quota's term and expiry rule"),
    description=gettext_lazy(
        "The expiry rule of unused messages (term: usable until the term ends, the "
        "tender's; monthly: they expire with their month) and the day the credentials were "
        "delivered (the 365-day term starts the day after). Audited, as on the screen; "
        "the balance follows at once."
    ),
)
def quota_settings_update(request: HttpRequest, payload: QuotaSettingsIn) -> dict[str, Any]:
    form = QuotaSettingsForm(payload.dict())
    if not form.is_valid():
        raise invalid(form_errors(form))
    data = form.cleaned_data
    quota_settings.change(data["expiry"], data["credentials_delivered_on"], request=request)
    return _quota_settings()


# The sending limits, as on the limits screen: for administrators.


def _limits() -> dict[str, Any]:
    current = SendingLimits.load()
    return {
        "per_second": current.per_second,
        "frequency_cap": current.frequency_cap,
        "domains": dict(DomainLimit.objects.values_list("domain", "per_minute")),
    }


@router.get(
    "/limits",
    response={200: LimitsOut, **ERRORS},
    tags=["limits"],
    auth=auth.ADMIN,
    summary=gettext_lazy("Get the sending limits"),
)
def limits_detail(request: HttpRequest) -> dict[str, Any]:
    return _limits()


@router.put(
    "/limits",
    response={200: LimitsOut, **ERRORS},
    tags=["limits"],
    auth=auth.ADMIN,
    summary=gettext_lazy("Set the sending limits"),
    description=gettext_lazy(
        "Replace the sending limits: the pace, the frequency cap and the per-domain limits. "
        "Every sender follows them from its next batch, campaigns on their way too."
    ),
)
def limits_update(request: HttpRequest, payload: LimitsIn) -> dict[str, Any]:
    lines = "\n".join(f"{domain} {per_minute}" for domain, per_minute in payload.domains.items())
    data = {"per_second": payload.per_second, "frequency_cap": payload.frequency_cap}
    form = LimitsForm({**data, "domains": lines})
    if not form.is_valid():
        raise invalid(form_errors(form))
    cleaned = form.cleaned_data
    limits.save(cleaned["per_second"], cleaned["frequency_cap"], cleaned["domains"])
    return _limits()
