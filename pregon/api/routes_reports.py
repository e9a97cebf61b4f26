"""Reports in the API's route table: a campaign's report and the export of its events, which
analysts may read as in the UI, and the dashboard's first-run checklist. api.py adds this
router to its API.

The figures come from pregon.reports.stats, the functions the report page shows.
"""

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from pregon.api import auth
from pregon.api.errors import ApiError, ErrorOut, get_or_404
from pregon.api.schemas.reports import EventKindIn, EventOut, GettingStartedOut, ReportOut
from pregon.campaigns.models import Campaign
from pregon.reports import getting_started, stats
from pregon.reports.events import EventLog
from pregon.sending.models import Mailing

router = Router(auth=auth.ANALYST, tags=["reports"])

# The error answers of these endpoints: the usual ones, and the 409 of a campaign that has
# not started (it has no messages to report on yet) or is an SMS campaign (no emails).
ERRORS = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}


def _mailing(code: str) -> tuple[Campaign, Mailing]:
    campaign = get_or_404(Campaign.objects.select_related("mailing"), code=code)
    if campaign.is_sms:
        raise ApiError(
            409,
            _(
                "An SMS campaign has no email report: its SMS by status are in "
                "GET /campaigns/{code}/progress."
            ),
        )
    if campaign.mailing is None:
        raise ApiError(409, _("The campaign has not started: it has no report yet."))
    return campaign, campaign.mailing


@router.get(
    "/campaigns/{code}/report",
    response={200: ReportOut, **ERRORS},
    summary=gettext_lazy("Get a campaign's report"),
    description=gettext_lazy(
        "A campaign's figures (people's and every event's), clicks per link, opens and "
        "clicks by hour of the day and over time, mail programs and devices, as the "
        "report page shows them. Rates are from 0 to 1, or null when there is nothing "
        "to divide by."
    ),
)
def campaign_report(request: HttpRequest, code: str) -> dict[str, Any]:
    campaign, mailing = _mailing(code)
    return {
        "campaign": str(campaign.code),
        "name": campaign.name,
        "status": campaign.status,
        "time_zone": timezone.get_default_timezone_name(),
        "figures": stats.figures(mailing),
        "links": stats.clicks_per_link(mailing),
        "by_hour": stats.by_hour_of_day(mailing),
        "over_time": stats.over_time(mailing),
        "clients": [{"name": n, "people": p} for n, p in stats.mail_clients(mailing)],
        "devices": [{"name": n, "people": p} for n, p in stats.devices(mailing)],
    }


# Events name people: like the contacts themselves, for editors and up.
@router.get(
    "/campaigns/{code}/events",
    response={200: list[EventOut], **ERRORS},
    auth=auth.EDITOR,
    summary=gettext_lazy("List a campaign's events"),
    description=gettext_lazy(
        "Every open, click, unsubscribe and conversion of the campaign's messages, and "
        "every bounce and complaint, oldest first, with what was known of each (mail "
        "program, device, whether a machine's). Paginated; machines' events are "
        "included and flagged."
    ),
)
@paginate(PageNumberPagination, page_size=500, max_page_size=5000)
def campaign_events(
    request: HttpRequest,
    code: str,
    kind: Annotated[
        EventKindIn | None, Query(description=gettext_lazy("Only events or bounces of this kind."))
    ] = None,
) -> EventLog:
    _campaign, mailing = _mailing(code)
    return EventLog(mailing, kind.value if kind else None)


@router.get(
    "/getting-started",
    response={200: GettingStartedOut, frozenset({401, 403}): ErrorOut},
    auth=auth.EDITOR,
    summary=gettext_lazy("Get the first steps checklist"),
    description=gettext_lazy(
        "The dashboard's first-run checklist: the seven steps from an empty account to "
        "a first campaign, in order, each with whether it is done."
    ),
)
def getting_started_steps(request: HttpRequest) -> dict[str, Any]:
    checklist = getting_started.checklist(request.user)
    steps = [
        {"key": s.key, "title": s.title, "help": s.help, "url": s.url, "done": s.is_done}
        for s in checklist.steps
    ]
    return {"complete": checklist.is_complete, "steps": steps}
