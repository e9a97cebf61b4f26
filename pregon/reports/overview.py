"""The account overview (R16): the last campaigns side by side, the classroom's pop-ups, the
growth of the audience, the registered (subscribed) people and conversions, bounces and
complaints.

Where growth comes from, honestly: a contact's ``created_at`` says when they joined (by a
form, an import, the API or by hand), and the audit log, which is append-only, says when
recipients unsubscribed or subscribed again (the unsubscribe page, their mail program's
button, a mail to the List-Unsubscribe address). Unsubscribe events are not used: taking an
unsubscribe back deletes its event. Deleted contacts no longer count among those who joined,
and a status changed by staff (a bulk unsubscribe) is recorded nowhere with its date.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns.models import Campaign
from pregon.contacts.models import ConsentSource, Contact, Status
from pregon.popups import stats as popup_stats
from pregon.popups.models import Popup, PopupEvent
from pregon.reports import stats
from pregon.sending.models import Bounce
from pregon.tracking.models import Event, EventKind

LAST_CAMPAIGNS = 6
# How far back the growth chart looks, per day and per week.
GROWTH_SPANS = {"day": 30, "week": 12}
BOUNCE_DAYS = 30
# The pop-ups' figures cover this many days; at most this many pop-ups are shown.
POPUP_DAYS = 30
POPUPS_SHOWN = 8


@dataclass(frozen=True)
class Compared:
    campaign: Campaign
    figures: stats.Figures


def last_campaigns(count: int = LAST_CAMPAIGNS) -> list[Compared]:
    """The ``count`` campaigns started last with their figures, oldest first (as a chart
    reads). Three aggregate queries per campaign, the same as its own report's."""
    campaigns = (
        Campaign.objects.filter(mailing__isnull=False, started_at__isnull=False)
        .select_related("mailing")
        .order_by("-started_at", "-id")[:count]
    )
    return [Compared(campaign, stats.figures(campaign.mailing)) for campaign in campaigns][::-1]


@dataclass(frozen=True)
class PopupFigures:
    popup: Popup
    status: str
    # pregon.popups.stats.figures over the last POPUP_DAYS days.
    figures: dict


def popups(days: int = POPUP_DAYS, count: int = POPUPS_SHOWN) -> list[PopupFigures]:
    """The pop-ups live now or seen in the last ``days`` days (the highest priority first,
    at most ``count``), with their figures over those days; two queries."""
    now = timezone.now()
    since = now - datetime.timedelta(days=days)
    live = (
        Q(is_published=True)
        & (Q(starts_at__isnull=True) | Q(starts_at__lte=now))
        & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    )
    seen = Exists(PopupEvent.objects.filter(popup=OuterRef("pk"), at__gte=since, machine=""))
    chosen = list(Popup.objects.filter(live | Q(seen))[:count])
    figures = popup_stats.figures_of(chosen, since=since)
    return [PopupFigures(popup, popup.status(now), figures[popup.id]) for popup in chosen]


@dataclass(frozen=True)
class Growth:
    """People who joined, came back and left in each period (a day or a week, from
    ``starts``, in the account's time zone)."""

    by: str
    starts: list[datetime.date]
    joined: list[int]
    resubscribed: list[int]
    unsubscribed: list[int]

    @property
    def totals(self) -> dict[str, int]:
        return {
            "joined": sum(self.joined),
            "resubscribed": sum(self.resubscribed),
            "unsubscribed": sum(self.unsubscribed),
        }


def growth(by: str = "week", today: datetime.date | None = None) -> Growth:
    """The audience's growth per ``by`` ("day" or "week", weeks from Monday) over the last
    ``GROWTH_SPANS[by]`` periods, this one included, in two queries."""
    zone = timezone.get_default_timezone()
    today = today or timezone.localdate()
    if by == "day":
        step, first = datetime.timedelta(days=1), today
        trunc = TruncDate
    else:
        step, first = datetime.timedelta(weeks=1), today - datetime.timedelta(days=today.weekday())
        trunc = TruncWeek
    starts = [first - step * n for n in reversed(range(GROWTH_SPANS[by]))]
    since = datetime.datetime.combine(starts[0], datetime.time(), tzinfo=zone)

    def bucket(value: datetime.date | datetime.datetime) -> datetime.date:
        # TruncDate gives a date; TruncWeek a datetime at the Monday's midnight, local.
        return value.date() if isinstance(value, datetime.datetime) else value

    joined = (
        Contact.objects.filter(created_at__gte=since)
        # A signup still waiting for its confirmation has not joined (and may never).
        .exclude(status=Status.PENDING)
        .annotate(period=trunc("created_at", tzinfo=zone))
        .values("period")
        .annotate(n=Count("id"))
        .order_by()
    )
    joined_by = {bucket(row["period"]): row["n"] for row in joined}
    audited = (
        AuditEntry.objects.filter(
            at__gte=since, action__in=[AuditAction.UNSUBSCRIBE, AuditAction.RESUBSCRIBE]
        )
        .annotate(period=trunc("at", tzinfo=zone))
        .values("period", "action")
        .annotate(n=Count("id"))
        .order_by()
    )
    audited_by = {(bucket(row["period"]), row["action"]): row["n"] for row in audited}
    return Growth(
        by=by,
        starts=starts,
        joined=[joined_by.get(start, 0) for start in starts],
        resubscribed=[audited_by.get((start, AuditAction.RESUBSCRIBE), 0) for start in starts],
        unsubscribed=[audited_by.get((start, AuditAction.UNSUBSCRIBE), 0) for start in starts],
    )


@dataclass(frozen=True)
class Registered:
    """Registered users as the requirements define them: the subscribed contacts, by how
    they came, and the conversions messages led to (such as enrolments), by goal.

    Only confirmed sign-ups count: a signup form's person with double opt-in stays pending
    (not subscribed) until they click the confirmation link. ``confirmed_by_email`` says how
    many of the form's subscribers confirmed that way (the rest came by a form without double
    opt-in)."""

    by_source: list[tuple[str, int]]
    conversions: list[tuple[str, int]]
    confirmed_by_email: int = 0

    @property
    def subscribed(self) -> int:
        return sum(count for _source, count in self.by_source)

    @property
    def converted(self) -> int:
        return sum(count for _goal, count in self.conversions)


def registered() -> Registered:
    """The subscribed contacts per consent source (pending ones are not subscribed), with
    the form's confirmed by email, and conversions (messages that led to one) per goal, most
    first; two queries."""
    sources = dict(Contact._meta.get_field("consent_source").flatchoices)
    rows = list(
        Contact.objects.filter(status=Status.SUBSCRIBED)
        .values("consent_source")
        .annotate(
            n=Count("id"), confirmed=Count("id", filter=Q(consent_confirmed_at__isnull=False))
        )
        .order_by("-n", "consent_source")
    )
    by_source = [(str(sources.get(row["consent_source"], "")), row["n"]) for row in rows]
    confirmed = sum(row["confirmed"] for row in rows if row["consent_source"] == ConsentSource.FORM)
    goals = (
        Event.objects.filter(kind=EventKind.CONVERTED)
        .values("detail")
        .annotate(n=Count("message", distinct=True))
        .order_by("-n", "detail")
    )
    return Registered(by_source, [(row["detail"], row["n"]) for row in goals], confirmed)


def recent_bounces(days: int = BOUNCE_DAYS) -> dict[str, int]:
    """Bounces and complaints heard of in the last ``days`` days, per kind (hard, soft,
    sender, complaint), in one query."""
    since = timezone.now() - datetime.timedelta(days=days)
    rows = Bounce.objects.filter(at__gte=since).values("kind").annotate(n=Count("id")).order_by()
    return {row["kind"]: row["n"] for row in rows}
