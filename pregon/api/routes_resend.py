"""Resends in the API's route table: create a resend of a campaign (to those who did not open
it, or to those it did not reach, R21), list its resends, and the messages it did not get to
their recipients, with why. api.py adds this router to its API.

The rules are the screens' (pregon.campaigns.resend): the same form for a resend to
non-openers, the same refusal (a 409) when the campaign cannot be resent so now. A new resend
is a draft, scheduled like any campaign (POST /campaigns/{code}/schedule).
"""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from pregon.api.errors import ApiError, ErrorOut, get_or_404, invalid
from pregon.api.schemas.resend import ResendIn, ResendOut, UnreachedOut, UnreachedSummaryOut
from pregon.campaigns import resend
from pregon.campaigns.models import Campaign, ResendKind
from pregon.lib.formerrors import form_errors
from pregon.sending import unreached
from pregon.sending.models import Message

router = Router(tags=["campaigns"])

ERRORS = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
# The form's field of each key of ResendIn.
FORM_FIELDS = {"days": "days", "subject": "subject", "machines": "machines_count_as_opens"}


def _renamed(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The form's errors by the API's names."""
    return {FORM_FIELDS.get(name, name): messages for name, messages in errors.items()}


def _resends() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("resend_of", "mailing").order_by("created_at", "pk")


@router.post(
    "/campaigns/{code}/resends",
    response={201: ResendOut, **ERRORS},
    summary=gettext_lazy("Resend a campaign"),
    description=gettext_lazy(
        "Create a draft resend of an email campaign, with its content: to those who did not "
        "open it (non_openers, once it has started; planned `days` after it started), or to "
        "those it did not reach (unreached, once it has ended). Its audience is fixed when it "
        "starts. A campaign that cannot be resent so now (not started or ended, opens not "
        "counted, a resend of that kind not yet sent, nobody left to reach) is a 409."
    ),
)
def resend_create(request: HttpRequest, code: str, payload: ResendIn) -> Status[Campaign]:
    parent = get_or_404(Campaign.objects.select_related("mailing"), code=code)
    try:
        if payload.kind == ResendKind.UNREACHED:
            created = resend.create(parent, ResendKind.UNREACHED, request.user)
        else:
            machines = resend.MachineOpens.PEOPLE
            if payload.machines_count_as_opens:
                machines = resend.MachineOpens.EVERY
            data = {"days": payload.days, "subject": payload.subject, "machines": machines}
            form = resend.NonOpenersForm(data)
            if not form.is_valid():
                raise invalid(_renamed(form_errors(form)))
            created = form.create(parent, request.user)
    except resend.CannotResend as error:
        raise ApiError(409, str(error)) from None
    return Status(201, get_or_404(_resends(), pk=created.pk))


@router.get(
    "/campaigns/{code}/resends",
    response={200: list[ResendOut], **ERRORS},
    summary=gettext_lazy("List a campaign's resends"),
    description=gettext_lazy("Its resends, oldest first, whatever their status."),
)
def resend_list(request: HttpRequest, code: str) -> QuerySet[Campaign]:
    parent = get_or_404(Campaign.objects, code=code)
    return _resends().filter(resend_of=parent)


@router.get(
    "/campaigns/{code}/unreached/summary",
    response={200: UnreachedSummaryOut, **ERRORS},
    summary=gettext_lazy("Count the messages a campaign did not reach"),
    description=gettext_lazy(
        "How many messages of an ended email campaign did not reach their recipients, by "
        "reason; how many of them a system incident left unsent; and whether they can be "
        "sent again now (all zero while it has not ended)."
    ),
)
def unreached_summary(request: HttpRequest, code: str) -> dict[str, object]:
    campaign = get_or_404(Campaign.objects.select_related("mailing"), code=code)
    summary = resend.summary(campaign)
    refusal = resend.refusal(campaign, ResendKind.UNREACHED)
    if summary is None:
        return {
            "total": 0,
            "incident_count": 0,
            "reasons": dict.fromkeys(unreached.Reason.values, 0),
            "can_resend": False,
            "refusal": refusal,
        }
    counts = dict.fromkeys(unreached.Reason.values, 0)
    counts.update({reason: n for reason, _label, n in summary.reasons})
    return {
        "total": summary.total,
        "incident_count": summary.incident_count,
        "reasons": counts,
        "can_resend": not summary.refusal,
        "refusal": summary.refusal,
    }


@router.get(
    "/campaigns/{code}/unreached",
    response={200: list[UnreachedOut], **ERRORS},
    summary=gettext_lazy("List the messages a campaign did not reach"),
    description=gettext_lazy(
        "The messages of a campaign that failed or were left unsent when it was cancelled, "
        "with the reason, in the order they were queued."
    ),
)
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
def unreached_list(request: HttpRequest, code: str) -> QuerySet:
    campaign = get_or_404(Campaign.objects, code=code)
    if campaign.mailing_id is None:
        return Message.objects.none()
    return unreached.messages(campaign.mailing_id).select_related("contact")
