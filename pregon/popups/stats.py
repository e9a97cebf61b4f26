"""The figures of a pop-up, from its events, in one aggregate query per figure set or
breakdown (the index on popup, kind and at serves them all).

Events of machines (bots by user agent, beacons past the flood mark: ``PopupEvent.machine``)
are left out of every figure. Days and hours are in the account's time zone
(settings.TIME_ZONE, America/Lima).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour, TruncDay
from django.utils import timezone

from pregon.popups.models import Popup, PopupEvent, PopupEventKind
from pregon.tracking import conversions

HUMAN = Q(machine="")
VIEWED = Q(kind=PopupEventKind.VIEWED)
CLICKED = Q(kind=PopupEventKind.CLICKED)


def events_of(popup: Popup) -> QuerySet[PopupEvent]:
    """The pop-up's events that people (not machines) caused."""
    return PopupEvent.objects.filter(HUMAN, popup=popup)


def click_rate(clicks: int, views: int) -> float | None:
    """Clicks per hundred views, or None before the first view."""
    return clicks / views * 100 if views else None


def _counts() -> dict[str, Count]:
    return {
        "views": Count("id", filter=VIEWED),
        "visitors": Count("visitor", distinct=True, filter=VIEWED & ~Q(visitor="")),
        "clicks": Count("id", filter=CLICKED),
        "closes": Count("id", filter=Q(kind=PopupEventKind.CLOSED)),
        "submissions": Count("id", filter=Q(kind=PopupEventKind.SUBMITTED)),
        "conversions": Count("id", filter=Q(kind=PopupEventKind.CONVERTED)),
    }


def _with_rate(counts: dict) -> dict:
    counts["click_rate"] = click_rate(counts["clicks"], counts["views"])
    return counts


def figures(popup: Popup) -> dict:
    """Views, unique visitors (among views), clicks, closes, form submissions, conversions
    and the click rate (clicks / views * 100, None without views), in one query."""
    return _with_rate(events_of(popup).aggregate(**_counts()))


def figures_of(popups: Iterable[Popup], since: datetime.datetime | None = None) -> dict[int, dict]:
    """``figures`` of several pop-ups at once, by pop-up id, in one query; only events
    since ``since`` when given (the dashboard's period)."""
    ids = [popup.id for popup in popups]
    if not ids:
        return {}
    events = PopupEvent.objects.filter(HUMAN, popup__in=ids)
    if since is not None:
        events = events.filter(at__gte=since)
    rows = {row.pop("popup"): row for row in events.values("popup").annotate(**_counts())}
    empty = dict.fromkeys(_counts(), 0)
    return {id_: _with_rate(dict(rows.get(id_, empty))) for id_ in ids}


def conversions_by_method(popup: Popup) -> dict[str, int]:
    """The pop-up's conversions by the method that measured them (a ConversionMethod, ""
    for those recorded before the method was kept), in ``conversions.METHODS`` order, the
    methods with none left out; one query."""
    rows = dict(
        events_of(popup)
        .filter(kind=PopupEventKind.CONVERTED)
        .values_list("method")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {method: rows[method] for method in conversions.METHODS if rows.get(method)}


@dataclass(frozen=True)
class Series:
    """Views and clicks at each of ``labels``."""

    labels: list[str]
    views: list[int]
    clicks: list[int]


def _views_and_clicks() -> dict[str, Count]:
    return {"views": Count("id", filter=VIEWED), "clicks": Count("id", filter=CLICKED)}


def by_hour(popup: Popup) -> Series:
    """Views and clicks in each hour of the day (0 to 23), in the account's time zone."""
    zone = timezone.get_default_timezone()
    rows = (
        events_of(popup)
        .filter(VIEWED | CLICKED)
        .annotate(hour=ExtractHour("at", tzinfo=zone))
        .values("hour")
        .annotate(**_views_and_clicks())
    )
    views, clicks = [0] * 24, [0] * 24
    for row in rows:
        views[row["hour"]] = row["views"]
        clicks[row["hour"]] = row["clicks"]
    return Series([f"{hour:02d}" for hour in range(24)], views, clicks)


def by_day(popup: Popup) -> Series:
    """Views and clicks per day from the first event to the last, in the account's time
    zone, with the empty days in between."""
    zone = timezone.get_default_timezone()
    events = events_of(popup).filter(VIEWED | CLICKED)
    rows = list(
        events.annotate(day=TruncDay("at", tzinfo=zone))
        .values("day")
        .annotate(**_views_and_clicks())
    )
    if not rows:
        return Series([], [], [])
    counts = {timezone.localtime(row["day"], zone).date(): row for row in rows}
    day, last = min(counts), max(counts)
    labels, views, clicks = [], [], []
    while day <= last:
        row = counts.get(day, {"views": 0, "clicks": 0})
        labels.append(day.isoformat())
        views.append(row["views"])
        clicks.append(row["clicks"])
        day += datetime.timedelta(days=1)
    return Series(labels, views, clicks)


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: a page, a course or a device, and what happened there."""

    key: object
    views: int
    visitors: int
    clicks: int
    click_rate: float | None


def _breakdown(popup: Popup, field: str, limit: int | None = None) -> list[Row]:
    rows = (
        events_of(popup)
        .values(field)
        .annotate(
            views=Count("id", filter=VIEWED),
            visitors=Count("visitor", distinct=True, filter=VIEWED & ~Q(visitor="")),
            clicks=Count("id", filter=CLICKED),
        )
        .filter(Q(views__gt=0) | Q(clicks__gt=0))
        .order_by("-views", "-clicks", field)
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        Row(
            row[field],
            row["views"],
            row["visitors"],
            row["clicks"],
            click_rate(row["clicks"], row["views"]),
        )
        for row in rows
    ]


def by_page(popup: Popup, limit: int = 50) -> list[Row]:
    """The pages (paths) it showed on, most viewed first: at most ``limit``."""
    return _breakdown(popup, "page", limit)


def by_course(popup: Popup, limit: int = 50) -> list[Row]:
    """Moodle's courses (course id; None off a course) it showed in, most viewed first."""
    return _breakdown(popup, "course_id", limit)


def by_device(popup: Popup) -> list[Row]:
    """Desktop and phone ("" when the script did not say), most viewed first."""
    return _breakdown(popup, "device")
