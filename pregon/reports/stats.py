"""The figures of one mailing, from its messages, bounces and events, in a few aggregate
queries each.

Events of machines (Apple Mail Privacy Protection's opens, link scanners' clicks:
``Event.machine``) are left out of the human figures and counted in the raw ones; Gmail's
image proxy opens only for a person, and counts as one (pregon.tracking.agents). What counts
as an open is ``Event.opening``: a click too, since a person who clicked read the message
even if their mail program blocked the open pixel. Times are in the account's time zone
(settings.TIME_ZONE).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import ExtractHour, TruncDay, TruncHour
from django.utils import timezone

from pregon.contacts.models import TopicOptOut
from pregon.sending.models import (
    Bounce,
    BounceKind,
    Mailing,
    Message,
    MessageStatus,
    SkipReason,
)
from pregon.tracking import conversions
from pregon.tracking.models import Event, EventKind

HUMAN = Q(machine="")
OPENED = Q(kind=EventKind.OPENED)
# A bounce of these kinds means the message did not arrive. A sending-side rejection did not
# arrive either, but it says nothing of the address: it is counted apart from hard and soft.
UNDELIVERED_KINDS = [BounceKind.HARD, BounceKind.SOFT, BounceKind.SENDER]
# Up to this span, the timeline has a point per hour; beyond it, a point per day.
HOURLY_SPAN = datetime.timedelta(days=3)


def rate(part: int, whole: int) -> float | None:
    """``part / whole``, or None when there is nothing to divide by."""
    return part / whole if whole else None


@dataclass(frozen=True)
class Engagement:
    """What recipients did with a mailing: counting people only, or every event."""

    opened_unique: int
    opened_total: int
    not_opened: int
    clicked_unique: int
    clicked_total: int
    # Unique clickers over delivered messages, and over unique openers.
    click_through_rate: float | None
    click_to_open_rate: float | None
    open_rate: float | None


@dataclass(frozen=True)
class Skipped:
    """Messages the engine did not send when their turn came, by reason (Message.skip_reason):
    none of them was billed."""

    # The person paused emails from the preference centre.
    paused: int
    frequency_cap: int
    # Unsubscribed, bounced, complained or deleted since the campaign started.
    left: int
    suppressed: int

    @property
    def total(self) -> int:
        return self.paused + self.frequency_cap + self.left + self.suppressed


@dataclass(frozen=True)
class Figures:
    """Every figure of a mailing's report. Counts of messages unless said otherwise."""

    recipients: int
    # Accepted by the relay or provider.
    sent: int
    # Sent and not bounced afterwards.
    delivered: int
    bounced_hard: int
    bounced_soft: int
    # Refused for something on our side (a block of our server, SPF/DKIM/DMARC, the content).
    sending_side_rejections: int
    complaints: int
    unsubscribed: int
    # Messages whose recipient left one of its topics (pregon.contacts.preferences) instead
    # of unsubscribing from everything: apart from ``unsubscribed``.
    topic_opt_outs: int
    skipped: Skipped
    # Messages with at least one conversion reported (pregon.tracking.conversions).
    conversions: int
    conversion_rate: float | None
    human: Engagement
    raw: Engagement
    # Messages with a conversion by the method that measured it (a ConversionMethod, "" for
    # conversions recorded before the method was kept), in ``conversions.METHODS`` order,
    # the methods with none left out. A message converted to two goals by two methods
    # counts under each. (Snapshots written before it was kept have none.)
    conversions_by_method: dict[str, int] = field(default_factory=dict)


def _engagement(counts: dict[str, int], prefix: str, delivered: int) -> Engagement:
    opened = counts[f"{prefix}_opened_unique"]
    clicked = counts[f"{prefix}_clicked_unique"]
    return Engagement(
        opened_unique=opened,
        opened_total=counts[f"{prefix}_opened_total"],
        not_opened=max(delivered - opened, 0),
        clicked_unique=clicked,
        clicked_total=counts[f"{prefix}_clicked_total"],
        click_through_rate=rate(clicked, delivered),
        click_to_open_rate=rate(clicked, opened),
        open_rate=rate(opened, delivered),
    )


def _engagement_counts(prefix: str, human: bool) -> dict[str, Count]:
    opening, clicking = Event.opening(human=human), Event.clicking(human=human)
    return {
        f"{prefix}_opened_unique": Count("message", distinct=True, filter=opening),
        f"{prefix}_opened_total": Count("id", filter=_only(human) & OPENED),
        f"{prefix}_clicked_unique": Count("message", distinct=True, filter=clicking),
        f"{prefix}_clicked_total": Count("id", filter=clicking),
    }


def events_of(mailing: Mailing) -> QuerySet[Event]:
    """The events of the mailing's messages."""
    return Event.objects.filter(message__mailing=mailing)


def topic_opt_outs_of(mailing: Mailing) -> QuerySet[TopicOptOut]:
    """The topics left from the mailing's messages (their links to the unsubscribe page or
    the preference centre). Opt-outs are few: the database reads them and looks each
    message up by its key, whatever the mailing's size."""
    return TopicOptOut.objects.filter(
        message_id__in=Message.objects.filter(mailing=mailing).values("pk")
    )


def figures(mailing: Mailing) -> Figures:
    """The figures of ``mailing``, in four queries (messages, bounces, events, topics
    left)."""
    skipped = Q(status=MessageStatus.SKIPPED)
    messages = Message.objects.filter(mailing=mailing).aggregate(
        recipients=Count("id"),
        sent=Count("id", filter=Q(status=MessageStatus.SENT)),
        **{
            f"skipped_{reason}": Count("id", filter=skipped & Q(skip_reason=reason))
            for reason in SkipReason.values
        },
    )
    undelivered = Q(kind__in=UNDELIVERED_KINDS, message__status=MessageStatus.SENT)
    bounces = Bounce.objects.filter(message__mailing=mailing).aggregate(
        hard=Count("message", distinct=True, filter=Q(kind=BounceKind.HARD)),
        soft=Count("message", distinct=True, filter=Q(kind=BounceKind.SOFT)),
        sender=Count("message", distinct=True, filter=Q(kind=BounceKind.SENDER)),
        complaints=Count("message", distinct=True, filter=Q(kind=BounceKind.COMPLAINT)),
        undelivered=Count("message", distinct=True, filter=undelivered),
    )
    events = events_of(mailing)
    counts = events.aggregate(
        **_engagement_counts("human", True),
        **_engagement_counts("raw", False),
        unsubscribed=Count("message", distinct=True, filter=Q(kind=EventKind.UNSUBSCRIBED)),
        conversions=Count("message", distinct=True, filter=Q(kind=EventKind.CONVERTED)),
        **_by_method(),
    )
    topic_opt_outs = topic_opt_outs_of(mailing).aggregate(
        messages=Count("message_id", distinct=True)
    )["messages"]
    delivered = max(messages["sent"] - bounces["undelivered"], 0)
    return Figures(
        recipients=messages["recipients"],
        sent=messages["sent"],
        delivered=delivered,
        bounced_hard=bounces["hard"],
        bounced_soft=bounces["soft"],
        sending_side_rejections=bounces["sender"],
        complaints=bounces["complaints"],
        unsubscribed=counts["unsubscribed"],
        topic_opt_outs=topic_opt_outs,
        skipped=Skipped(**{reason: messages[f"skipped_{reason}"] for reason in SkipReason.values}),
        conversions=counts["conversions"],
        conversion_rate=rate(counts["conversions"], delivered),
        human=_engagement(counts, "human", delivered),
        raw=_engagement(counts, "raw", delivered),
        conversions_by_method={
            method: counts[f"converted_{method}"]
            for method in conversions.METHODS
            if counts[f"converted_{method}"]
        },
    )


def _by_method() -> dict[str, Count]:
    return {
        f"converted_{method}": Count(
            "message", distinct=True, filter=Q(kind=EventKind.CONVERTED, method=method)
        )
        for method in conversions.METHODS
    }


def _only(human: bool) -> Q:
    return HUMAN if human else Q()


@dataclass(frozen=True)
class LinkClicks:
    position: int
    url: str
    unique: int
    total: int
    # This link's part of all the mailing's clicks (0 to 1).
    share: float


def clicks_per_link(mailing: Mailing, human: bool = True) -> list[LinkClicks]:
    """Every link of the mailing, in order, with its clicks (unique people and total)."""
    rows = (
        events_of(mailing)
        .filter(Event.clicking(human=human))
        .values("link")
        .annotate(unique=Count("message", distinct=True), total=Count("id"))
    )
    by_link = {row["link"]: row for row in rows}
    all_clicks = sum(row["total"] for row in by_link.values())
    links = []
    for position, url in enumerate(mailing.links):
        row = by_link.get(position, {"unique": 0, "total": 0})
        links.append(
            LinkClicks(
                position, url, row["unique"], row["total"], rate(row["total"], all_clicks) or 0.0
            )
        )
    return links


@dataclass(frozen=True)
class Series:
    """Opens and clicks (events) at each of ``labels``."""

    labels: list[str]
    opens: list[int]
    clicks: list[int]


def by_hour_of_day(mailing: Mailing, human: bool = True) -> Series:
    """Opens and clicks in each hour of the day (0 to 23), in the account's time zone."""
    zone = timezone.get_default_timezone()
    rows = (
        events_of(mailing)
        .filter(Event.opening(human=human))
        .annotate(hour=ExtractHour("at", tzinfo=zone))
        .values("hour", "kind")
        .annotate(n=Count("id"))
    )
    opens, clicks = [0] * 24, [0] * 24
    for row in rows:
        (opens if row["kind"] == EventKind.OPENED else clicks)[row["hour"]] += row["n"]
    return Series([f"{hour:02d}" for hour in range(24)], opens, clicks)


def over_time(mailing: Mailing, human: bool = True) -> Series:
    """Opens and clicks per hour (per day past three days) from the first event to the
    last, in the account's time zone, with the empty hours or days in between."""
    zone = timezone.get_default_timezone()
    events = events_of(mailing).filter(Event.opening(human=human))
    span = events.aggregate(first=Min("at"), last=Max("at"))
    if span["first"] is None:
        return Series([], [], [])
    hourly = span["last"] - span["first"] <= HOURLY_SPAN
    trunc = TruncHour if hourly else TruncDay
    rows = events.annotate(bucket=trunc("at", tzinfo=zone)).values("bucket", "kind")
    counts: dict[tuple[datetime.datetime, str], int] = {}
    for row in rows.annotate(n=Count("id")):
        counts[(timezone.localtime(row["bucket"], zone), row["kind"])] = row["n"]
    step = datetime.timedelta(hours=1) if hourly else datetime.timedelta(days=1)
    start = timezone.localtime(span["first"], zone)
    start = start.replace(minute=0, second=0, microsecond=0)
    if not hourly:
        start = start.replace(hour=0)
    end = timezone.localtime(span["last"], zone)
    labels, opens, clicks = [], [], []
    moment = start
    while moment <= end:
        labels.append(moment.strftime("%Y-%m-%d %H:00" if hourly else "%Y-%m-%d"))
        opens.append(counts.get((moment, EventKind.OPENED), 0))
        clicks.append(counts.get((moment, EventKind.CLICKED), 0))
        # Wall-clock steps, like the buckets the database truncated to.
        moment = (moment + step).astimezone(zone)
    return Series(labels, opens, clicks)


def _tally(mailing: Mailing, field: str, human: bool) -> list[tuple[str, int]]:
    rows = (
        events_of(mailing)
        .filter(Event.opening(human=human))
        .values(field)
        .annotate(n=Count("message", distinct=True))
        .order_by("-n", field)
    )
    return [(row[field], row["n"]) for row in rows]


def mail_clients(mailing: Mailing, human: bool = True) -> list[tuple[str, int]]:
    """(mail program, people who opened or clicked with it), most used first; "" is
    a program that could not be told."""
    return _tally(mailing, "client", human)


def devices(mailing: Mailing, human: bool = True) -> list[tuple[str, int]]:
    """(device kind: desktop, mobile, tablet, other or "", people), most used first."""
    return _tally(mailing, "device", human)
