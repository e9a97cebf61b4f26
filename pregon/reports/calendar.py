"""The calendar: a month's campaigns, pop-ups and workflows by day, in the account's time
zone (America/Lima), Monday first.

A campaign is on the day it was sent (started), or, while scheduled, the day it will be; a
draft has no day. A published pop-up with dates is on each day it is on the site, from its
start to its end (open-ended sides run to the edge of the grid). A workflow is on the day it
was activated. The calendar lives in reports because it reads all three apps, which may
not import one another (docs/design.md's order of apps).
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from pregon.automation.models import Workflow, WorkflowStatus
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.popups.models import Popup, PopupStatus


@dataclass(frozen=True)
class Entry:
    """One thing on a day: its kind ("campaign", "popup" or "workflow"), the object, the
    local time it happens (None for a pop-up's whole days) and its status's word."""

    kind: str
    item: object
    at: datetime.datetime | None
    status: str


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


@dataclass(frozen=True)
class Month:
    first: datetime.date
    weeks: list[list[Day]]

    @property
    def previous(self) -> datetime.date:
        return (self.first - datetime.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> datetime.date:
        return (self.first + datetime.timedelta(days=31)).replace(day=1)


def month(year: int, number: int) -> Month:
    """The weeks that show month ``number`` of ``year``, with what happens on each day, in
    the current time zone; the days of the neighbouring months that fill its first and last
    weeks have theirs too. Raises ValueError for a month that does not exist."""
    first = datetime.date(year, number, 1)
    zone = timezone.get_current_timezone()
    dates = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, number)
    today = timezone.localdate()
    days = {date: Day(date, date.month == number, date == today) for week in dates for date in week}
    start = datetime.datetime.combine(dates[0][0], datetime.time(), zone)
    end = datetime.datetime.combine(
        dates[-1][-1] + datetime.timedelta(days=1), datetime.time(), zone
    )
    for entry in [*_campaigns(start, end), *_workflows(start, end)]:
        days[timezone.localtime(entry.at, zone).date()].entries.append(entry)
    for popup in _popups(start, end):
        first_day = timezone.localtime(max(popup.starts_at or start, start), zone).date()
        # A pop-up ending at midnight is not on the site that day.
        last_moment = min(popup.ends_at or end, end) - datetime.timedelta(microseconds=1)
        last_day = timezone.localtime(last_moment, zone).date()
        status = str(PopupStatus(popup.status()).label)
        date = first_day
        while date <= last_day:
            days[date].entries.append(Entry("popup", popup, None, status))
            date += datetime.timedelta(days=1)
    for day in days.values():
        day.entries.sort(key=lambda entry: (entry.at is not None, entry.at or start))
    return Month(first, [[days[date] for date in week] for week in dates])


def _campaigns(start: datetime.datetime, end: datetime.datetime) -> list[Entry]:
    scheduled = Q(status=CampaignStatus.SCHEDULED, scheduled_at__gte=start, scheduled_at__lt=end)
    started = Q(started_at__gte=start, started_at__lt=end)
    found = Campaign.objects.filter(scheduled | started).only(
        "code", "name", "status", "channel", "scheduled_at", "started_at", "mailing_id"
    )
    return [
        Entry(
            "campaign",
            campaign,
            timezone.localtime(campaign.started_at or campaign.scheduled_at),
            campaign.get_status_display(),
        )
        for campaign in found
    ]


def _workflows(start: datetime.datetime, end: datetime.datetime) -> list[Entry]:
    found = Workflow.objects.exclude(status=WorkflowStatus.DRAFT).filter(
        activated_at__gte=start, activated_at__lt=end
    )
    return [
        Entry(
            "workflow",
            workflow,
            timezone.localtime(workflow.activated_at),
            workflow.get_status_display(),
        )
        for workflow in found
    ]


def _popups(start: datetime.datetime, end: datetime.datetime) -> list[Popup]:
    """Published pop-ups with a start or an end whose time on the site meets the grid."""
    dated = Q(starts_at__isnull=False) | Q(ends_at__isnull=False)
    meets = (Q(starts_at__isnull=True) | Q(starts_at__lt=end)) & (
        Q(ends_at__isnull=True) | Q(ends_at__gt=start)
    )
    return list(Popup.objects.filter(dated & meets, is_published=True).order_by("name"))
