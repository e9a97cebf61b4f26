"""Consumption of the plan (R15, R21): messages granted, used and left in each month of the
term, the balance carried from month to month, the term's end, and the ledger of grants,
incident credits, usage and the messages an incident left unsent (never charged).

The figures come from the quota ledger (pregon.sending.quota), which the engine debits when
a relay accepts a message; so they are exactly what the engine counts against the plan, under
the expiry rule in force (``QuotaSettings.expiry``).
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Max, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.sending import quota, unreached
from pregon.sending.models import Message, QuotaDebit, QuotaExpiry, QuotaGrant


@dataclass(frozen=True)
class Month:
    """A month of the term: the messages carried into it from the months before (under the
    term rule), those its plan grants and those credited back in it, and those used
    (accepted) in it. ``left`` is what remains at its end (now, for the current month):
    carried into the next month, or expired with it (under the monthly rule, or for the
    term's last month)."""

    start: datetime.datetime
    end: datetime.datetime
    plan: int
    credited: int
    used: int
    carried: int
    is_current: bool
    is_past: bool
    expires: bool

    @property
    def granted(self) -> int:
        return self.plan + self.credited

    @property
    def left(self) -> int:
        return max(self.carried + self.granted - self.used, 0)

    @property
    def expired(self) -> int:
        """What was left unused when it ended and could not be carried on."""
        return self.left if self.is_past and self.expires else 0

    @property
    def last_day(self) -> datetime.datetime:
        # Periods end at midnight; people read a month as ending on its last day.
        return self.end - datetime.timedelta(days=1)


def months(term: quota.Term, now: datetime.datetime | None = None) -> list[Month]:
    """The term's months with their figures, in two queries (the term's grants, and one sum
    of debits per month)."""
    now = now or timezone.now()
    periods = term.months
    grants = QuotaGrant.objects.filter(starts_at__gte=term.start, starts_at__lt=term.end)
    grant_rows = list(grants.values_list("kind", "amount", "starts_at"))
    used = QuotaDebit.objects.aggregate(
        **{
            f"m{n}": Sum("count", filter=Q(at__gte=start, at__lt=end))
            for n, (start, end) in enumerate(periods)
        }
    )
    carries = term.expiry == QuotaExpiry.TERM
    result: list[Month] = []
    for n, (start, end) in enumerate(periods):
        inside = [(kind, amount) for kind, amount, at in grant_rows if start <= at < end]
        month = Month(
            start=start,
            end=end,
            plan=sum(amount for kind, amount in inside if kind == QuotaGrant.PLAN),
            credited=sum(amount for kind, amount in inside if kind == QuotaGrant.CREDIT),
            used=used[f"m{n}"] or 0,
            carried=result[-1].left if carries and result else 0,
            is_current=start <= now < end,
            is_past=end <= now,
            expires=not carries or end == term.end,
        )
        result.append(month)
    return result


@dataclass(frozen=True)
class Consumption:
    """The plan and how much of it is used: this month, in the term, and what is left."""

    monthly: int
    term: quota.Term
    months: list[Month]
    current: Month | None
    balance: int
    now: datetime.datetime

    @property
    def term_start(self) -> datetime.datetime:
        return self.term.start

    @property
    def term_end(self) -> datetime.datetime:
        return self.term.end

    @property
    def term_last_day(self) -> datetime.datetime:
        return self.term.last_day

    @property
    def expiry(self) -> str:
        return self.term.expiry

    @property
    def carries_over(self) -> bool:
        return self.term.expiry == QuotaExpiry.TERM

    @property
    def carried_forward(self) -> int:
        """What the current month took over from the months before (0 under the monthly
        rule, and outside the term)."""
        return self.current.carried if self.current else 0

    @property
    def balance_expires_at(self) -> datetime.datetime | None:
        """When the balance stops being usable: the term's end, or this month's."""
        return quota.expires_at(self.term, self.now)

    @property
    def balance_last_day(self) -> datetime.datetime | None:
        until = self.balance_expires_at
        return until - quota.ONE_DAY if until else None

    @property
    def used_this_month(self) -> int:
        return self.current.used if self.current else 0

    @property
    def used_in_term(self) -> int:
        return sum(month.used for month in self.months)

    @property
    def credited_in_term(self) -> int:
        return sum(month.credited for month in self.months)

    @property
    def days_left(self) -> int:
        """Whole days until the term ends (0 once it has)."""
        return max((self.term.end - self.now).days, 0)

    @property
    def ends_soon(self) -> bool:
        """Whether the term ends within ``quota.WARNING_DAYS`` days: the screens warn."""
        return self.term.ends_soon(self.now)

    @property
    def has_ended(self) -> bool:
        return self.now >= self.term.end

    @property
    def has_begun(self) -> bool:
        return self.now >= self.term.start


def consumption() -> Consumption:
    """The consumption of the plan now. Creates the term's monthly grants if missing."""
    quota.ensure_plan()
    now, term = timezone.now(), quota.term()
    all_months = months(term, now)
    return Consumption(
        monthly=quota.EMAIL.monthly(),
        term=term,
        months=all_months,
        current=next((month for month in all_months if month.is_current), None),
        balance=quota.EMAIL.month(now, term)[0],
        now=now,
    )


LEDGER_KINDS = {
    QuotaGrant.PLAN: _("Monthly plan"),
    QuotaGrant.CREDIT: _("Credit for an incident"),
    "usage": _("Messages sent"),
    "incident": _("Not sent because of an incident: not charged"),
}


@dataclass(frozen=True)
class LedgerEntry:
    """A line of the ledger: messages granted (positive), used (negative), or left unsent
    by an incident (``unsent``; ``amount`` 0: they were never charged).

    Usage is one line per mailing and month of the term, dated by its last message; an incident, one
    line per mailing and reason, dated by the campaign's end (else its last attempt).
    ``campaign`` and ``subject`` name the mailing ("" for a mailing since deleted). Credits
    name who gave them and why; incident lines, the reason (``unreached.Reason``).
    """

    at: datetime.datetime
    kind: str
    amount: int
    reason: str = ""
    granted_by: str = ""
    campaign: str = ""
    campaign_code: uuid.UUID | None = None
    subject: str = ""
    unsent: int = 0

    @property
    def label(self) -> str:
        return str(LEDGER_KINDS[self.kind])

    @property
    def reason_label(self) -> str:
        if self.kind == "incident":
            return str(unreached.Reason(self.reason).label)
        return self.reason


def _incidents() -> list[LedgerEntry]:
    """The messages a system incident left unsent (``unreached.INCIDENT``), per mailing and
    reason, with their campaign, in one query."""
    rows = (
        Message.objects.filter(unreached.UNREACHED)
        .annotate(reason=unreached.REASON)
        .filter(reason__in=unreached.INCIDENT)
        .values(
            "mailing",
            "reason",
            campaign=F("mailing__campaign__name"),
            campaign_code=F("mailing__campaign__code"),
            subject=F("mailing__subject"),
            finished=F("mailing__campaign__finished_at"),
        )
        .annotate(unsent=Count("pk"), last=Max("send_after"))
        .order_by()
    )
    return [
        LedgerEntry(
            at=row["finished"] or row["last"],
            kind="incident",
            amount=0,
            reason=row["reason"],
            campaign=row["campaign"] or "",
            campaign_code=row["campaign_code"],
            subject=row["subject"],
            unsent=row["unsent"],
        )
        for row in rows
    ]


def _plan_month(term: quota.Term) -> Case:
    """The number of the term's month a debit falls in (-1 outside the term)."""
    whens = [When(at__gte=s, at__lt=e, then=Value(n)) for n, (s, e) in enumerate(term.months)]
    return Case(*whens, default=Value(-1), output_field=IntegerField())


def ledger(term: quota.Term, now: datetime.datetime | None = None) -> list[LedgerEntry]:
    """Grants that have begun, usage per mailing and month of the term, and the messages
    incidents left unsent, newest first, in three queries."""
    now = now or timezone.now()
    grants = QuotaGrant.objects.filter(starts_at__lte=now).values(
        "kind", "amount", "starts_at", "reason", granted_by=F("created_by__email")
    )
    entries = [
        LedgerEntry(
            at=row["starts_at"],
            kind=row["kind"],
            amount=row["amount"],
            reason=row["reason"],
            granted_by=row["granted_by"] or "",
        )
        for row in grants
    ]
    usage = (
        QuotaDebit.objects.values(
            "mailing",
            month=_plan_month(term),
            campaign=F("mailing__campaign__name"),
            campaign_code=F("mailing__campaign__code"),
            subject=F("mailing__subject"),
        )
        .annotate(total=Sum("count"), last=Max("at"))
        .order_by()
    )
    entries += [
        LedgerEntry(
            at=row["last"],
            kind="usage",
            amount=-row["total"],
            campaign=row["campaign"] or "",
            campaign_code=row["campaign_code"],
            subject=row["subject"] or "",
        )
        for row in usage
    ]
    entries += _incidents()
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
