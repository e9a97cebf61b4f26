"""Campaign approval in the API's route table: a campaign's approval (read it, ask for it,
approve or refuse it) and the administrators' setting. api.py adds this router to its API.

The steps are pregon/campaigns/approval.py's, which the campaign page calls too; a step the
campaign's state does not allow is a 409 with the screen's words. Scheduling a campaign
that needs an approval it lacks is refused by POST /campaigns/{code}/schedule, with the
error ``approval`` (``Campaign.blockers``).
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Router

from pregon.api import auth
from pregon.api.errors import ApiError, ErrorOut, get_or_404, invalid
from pregon.api.schemas.approval import (
    ApprovalOut,
    ApprovalSettingsIn,
    ApprovalSettingsOut,
    DecisionIn,
)
from pregon.campaigns import approval
from pregon.campaigns.models import Campaign, CampaignSettings, CampaignStatus
from pregon.lib.formerrors import form_errors

router = Router(tags=["campaigns"])

ERRORS = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}


def _campaign(code: str) -> Campaign:
    related = ("sender", "template", "approval_requested_by", "approval_decided_by")
    return get_or_404(Campaign.objects.select_related(*related), code=code)


def _out(campaign: Campaign) -> dict[str, Any]:
    pending = campaign.status in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)
    requested_by, decided_by = campaign.approval_requested_by, campaign.approval_decided_by
    return {
        "needed": pending and approval.needed(campaign.recipient_count()),
        "state": approval.state(campaign),
        "digest": approval.digest(campaign),
        "requested_by": requested_by.email if requested_by else None,
        "decided_by": decided_by.email if decided_by else None,
        "decided_at": campaign.approval_decided_at,
        "note": campaign.approval_note,
    }


@router.get(
    "/campaigns/{code}/approval",
    response={200: ApprovalOut, **ERRORS},
    summary=gettext_lazy("Get a campaign's approval"),
)
def approval_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return _out(_campaign(code))


@router.post(
    "/campaigns/{code}/approval/request",
    response={200: ApprovalOut, **ERRORS},
    summary=gettext_lazy("Ask for a campaign's approval"),
    description=gettext_lazy(
        "The administrators are emailed. A campaign that is no draft, needs no approval, or "
        "is approved or waiting already is a 409."
    ),
)
def approval_request(request: HttpRequest, code: str) -> dict[str, Any]:
    campaign = _campaign(code)
    try:
        approval.request(campaign, by=request)
    except approval.ApprovalError as error:
        raise ApiError(409, str(error)) from None
    return _out(_campaign(code))


@router.post(
    "/campaigns/{code}/approval/decide",
    response={200: ApprovalOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Approve or refuse a campaign"),
    description=gettext_lazy(
        "For administrators. The one who asked is emailed. A refusal without a note is a "
        "422; a campaign that is no draft, needs no approval, or changed since `digest` "
        "is a 409."
    ),
)
def approval_decide(request: HttpRequest, code: str, payload: DecisionIn) -> dict[str, Any]:
    campaign = _campaign(code)
    try:
        approval.decide(
            campaign, by=request, approve=payload.approve, note=payload.note, seen=payload.digest
        )
    except approval.ApprovalError as error:
        if error.field:
            raise invalid({error.field: [str(error)]}) from None
        raise ApiError(409, str(error)) from None
    return _out(_campaign(code))


def _settings() -> dict[str, Any]:
    rule = CampaignSettings.load()
    return {
        "approval_required": rule.approval_required,
        "approval_threshold": rule.approval_threshold,
    }


@router.get(
    "/approval-settings",
    response={200: ApprovalSettingsOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Get the campaign approval setting"),
)
def approval_settings_detail(request: HttpRequest) -> dict[str, Any]:
    return _settings()


@router.put(
    "/approval-settings",
    response={200: ApprovalSettingsOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Set the campaign approval setting"),
    description=gettext_lazy(
        "Whether campaigns to more recipients than the threshold need an administrator's "
        "approval before they can be scheduled. Recorded in the audit log."
    ),
)
def approval_settings_update(request: HttpRequest, payload: ApprovalSettingsIn) -> dict[str, Any]:
    form = approval.SettingsForm(payload.dict(), instance=CampaignSettings.load())
    if not form.is_valid():
        raise invalid(form_errors(form))
    approval.save_settings(form.save(commit=False), by=request)
    return _settings()
