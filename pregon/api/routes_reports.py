"""The reports half of the API's route table: a campaign's report and the export of its
events, which analysts may read as in the UI, and the dashboard's first-run checklist.
api.py adds this router to its API.

The figures come from pregon.reports.stats, the functions the report page shows; their
schemas are here, beside the only endpoints that return them.
"""

import datetime
from enum import StrEnum
from typing import Annotated, Any

from django.db.models import CharField, F, IntegerField, QuerySet, Value
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from pregon.api import auth
from pregon.api.errors import ApiError, ErrorOut, get_or_404
from pregon.campaigns.models import Campaign
from pregon.reports import getting_started, stats
from pregon.sending.models import Bounce, BounceCause, BounceKind, Mailing
from pregon.tracking.models import Event, EventKind

router = Router(auth=auth.ANALYST, tags=["reports"])

# The error answers of these endpoints: the usual ones, and the 409 of a campaign that has
# not started (it has no messages to report on yet).
ERRORS = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}


class EngagementOut(Schema):
    opened_unique: int = Field(
        description=gettext_lazy("Messages opened (a click counts as an open).")
    )
    opened_total: int = Field(description=gettext_lazy("Open events."))
    not_opened: int = Field(description=gettext_lazy("Delivered messages not opened."))
    clicked_unique: int = Field(description=gettext_lazy("Messages with a click."))
    clicked_total: int = Field(description=gettext_lazy("Click events."))
    open_rate: float | None = Field(description=gettext_lazy("opened_unique / delivered (0 to 1)."))
    click_through_rate: float | None = Field(
        description=gettext_lazy("clicked_unique / delivered.")
    )
    click_to_open_rate: float | None = Field(
        description=gettext_lazy("clicked_unique / opened_unique.")
    )


class FiguresOut(Schema):
    recipients: int = Field(
        description=gettext_lazy("Messages of the campaign, whatever their status.")
    )
    sent: int = Field(description=gettext_lazy("Messages the relay or provider accepted."))
    delivered: int = Field(description=gettext_lazy("Sent and not bounced afterwards."))
    bounced_hard: int
    bounced_soft: int
    sending_side_rejections: int = Field(
        description=gettext_lazy(
            "Messages refused for something on the sending side (a block of the "
            "sending server, SPF/DKIM/DMARC, the content): not delivered, but no fault of the "
            "address, which is not suppressed."
        )
    )
    complaints: int
    unsubscribed: int
    conversions: int = Field(description=gettext_lazy("Messages with a conversion reported."))
    conversion_rate: float | None = Field(description=gettext_lazy("conversions / delivered."))
    human: EngagementOut = Field(
        description=gettext_lazy(
            "People only: Gmail's opens included (its image proxy fetches only when "
            "a person opens); Apple Mail Privacy Protection's opens and link scanners' clicks left "
            "out. A click counts as an open."
        )
    )
    raw: EngagementOut = Field(
        description=gettext_lazy(
            "Every event: Apple Mail Privacy Protection's opens and scanners' too."
        )
    )


class LinkOut(Schema):
    position: int
    url: str
    unique: int = Field(description=gettext_lazy("Messages with a click on this link."))
    total: int = Field(description=gettext_lazy("Clicks on this link."))
    share: float = Field(description=gettext_lazy("This link's part of all clicks (0 to 1)."))


class SeriesOut(Schema):
    labels: list[str]
    opens: list[int]
    clicks: list[int]


class TallyOut(Schema):
    name: str = Field(description=gettext_lazy('The mail program or device kind; "" when unknown.'))
    people: int


class ReportOut(Schema):
    campaign: str
    name: str
    status: str
    time_zone: str = Field(description=gettext_lazy("The zone of the hours and times below."))
    figures: FiguresOut
    links: list[LinkOut] = Field(description=gettext_lazy("Clicks per link, people only."))
    by_hour: SeriesOut = Field(
        description=gettext_lazy("Opens and clicks by hour of the day (00-23).")
    )
    over_time: SeriesOut = Field(
        description=gettext_lazy("Opens and clicks per hour (per day past 3 days).")
    )
    clients: list[TallyOut]
    devices: list[TallyOut]


class EventKindIn(StrEnum):
    OPENED = EventKind.OPENED.value
    CLICKED = EventKind.CLICKED.value
    UNSUBSCRIBED = EventKind.UNSUBSCRIBED.value
    CONVERTED = EventKind.CONVERTED.value
    HARD = BounceKind.HARD.value
    SOFT = BounceKind.SOFT.value
    COMPLAINT = BounceKind.COMPLAINT.value
    SENDER = BounceKind.SENDER.value


class EventOut(Schema):
    kind: str = Field(
        description=gettext_lazy(
            "opened, clicked, unsubscribed, converted, hard, soft, sender "
            "(a sending-side rejection) or complaint."
        )
    )
    at: datetime.datetime
    email: str
    link: int | None = Field(description=gettext_lazy("The link's position (clicks)."))
    url: str = Field(description=gettext_lazy("The link's address (clicks)."))
    client: str
    device: str
    machine: str = Field(
        description=gettext_lazy('Why it looks like a machine\'s; "" for a person.')
    )
    detail: str = Field(
        description=gettext_lazy("The reason of a bounce or unsubscribe, a conversion's goal.")
    )
    source: str = Field(
        description=gettext_lazy("Where a bounce came from: smtp, mailbox or webhook.")
    )
    cause: str = Field(
        description=format_lazy(
            gettext_lazy('Why a bounce happened, a stable code: {codes}; "" for events.'),
            codes=", ".join(BounceCause.values),
        )
    )


def _mailing(code: str) -> tuple[Campaign, Mailing]:
    campaign = get_or_404(Campaign.objects.select_related("mailing"), code=code)
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


def _columns(**columns: object) -> dict[str, object]:
    """The event columns besides kind and at, under names of their own: a UNION needs both
    sides in one order, and Django puts model fields before expressions."""
    return {f"row_{name}": value for name, value in columns.items()}


def _events(mailing: Mailing, kind: str | None) -> QuerySet:
    """Events and bounces in one shape, oldest first, as a UNION of two ``values()``."""
    text = CharField()
    events = Event.objects.filter(message__mailing=mailing).values(
        "kind",
        "at",
        **_columns(
            email=F("message__email"),
            link=F("link"),
            client=F("client"),
            device=F("device"),
            machine=F("machine"),
            detail=F("detail"),
            source=Value("", output_field=text),
            cause=Value("", output_field=text),
        ),
    )
    bounces = Bounce.objects.filter(message__mailing=mailing).values(
        "kind",
        "at",
        **_columns(
            email=F("email"),
            link=Value(None, output_field=IntegerField()),
            client=Value("", output_field=text),
            device=Value("", output_field=text),
            machine=Value("", output_field=text),
            detail=F("reason"),
            source=F("source"),
            cause=F("cause"),
        ),
    )
    if kind in BounceKind.values:
        return bounces.filter(kind=kind).order_by("at")
    if kind:
        return events.filter(kind=kind).order_by("at")
    # Bounce.Meta.ordering must go: no ORDER BY is allowed inside a UNION's parts.
    return events.order_by().union(bounces.order_by(), all=True).order_by("at")


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
) -> list[dict[str, Any]]:
    _campaign, mailing = _mailing(code)
    return _Rows(_events(mailing, kind.value if kind else None), mailing.links)


class _Rows:
    """A page-sliceable view of the events that names each click's link by its address."""

    def __init__(self, rows: QuerySet, links: list[str]) -> None:
        self.rows = rows
        self.links = links

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        items = []
        for row in self.rows[page]:
            link = row["row_link"]
            url = self.links[link] if link is not None and link < len(self.links) else ""
            fields = {name.removeprefix("row_"): value for name, value in row.items()}
            items.append({**fields, "url": url})
        return items


class StepOut(Schema):
    key: str = Field(
        description=gettext_lazy(
            "brand_kit, relay, sender, contacts, template, test_send or campaign."
        )
    )
    title: str
    help: str = Field(description=gettext_lazy("What the step is, or what is left of it."))
    url: str = Field(
        description=gettext_lazy("The web app's page for it; empty if this user may not open it.")
    )
    done: bool = Field(
        description=gettext_lazy("Ticked from what exists, never from what was clicked.")
    )


class GettingStartedOut(Schema):
    complete: bool = Field(
        description=gettext_lazy("Every step done: the dashboard no longer shows the list.")
    )
    steps: list[StepOut]


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
