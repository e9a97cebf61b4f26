"""Consumption of the plan (R15, R21): messages granted and used in each month of the plan
and in the whole term, the balance, and the ledger of grants, incident credits and usage.

The figures come from the quota ledger (pregon.sending.quota), which the engine debits when
a relay accepts a message; so they are exactly what the engine counts against the plan.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Max, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.sending import quota
from pregon.sending.models import QuotaDebit, QuotaGrant


@dataclass(frozen=True)
class Month:
    """A month of the plan: messages the plan grants, credited back, used (accepted)."""

    start: datetime.datetime
    end: datetime.datetime
    plan: int
    credited: int
    used: int
    is_current: bool
    is_past: bool

    @property
    def granted(self) -> int:
        return self.plan + self.credited

    @property
    def left(self) -> int:
        return max(self.granted - self.used, 0)

    @property
    def last_day(self) -> datetime.datetime:
        # Periods end at midnight; people read a month as ending on its last day.
        return self.end - datetime.timedelta(days=1)


def months(now: datetime.datetime | None = None) -> list[Month]:
    """The plan's months with their figures, in two queries (grants, and one sum of debits
    per month)."""
    now = now or timezone.now()
    periods = quota.plan_periods()
    grants = QuotaGrant.objects.filter(starts_at__gte=periods[0][0], starts_at__lt=periods[-1][1])
    grant_rows = list(grants.values_list("kind", "amount", "starts_at"))
    used = QuotaDebit.objects.aggregate(
        **{
            f"m{n}": Sum("count", filter=Q(at__gte=start, at__lt=end))
            for n, (start, end) in enumerate(periods)
        }
    )
    result = []
    for n, (start, end) in enumerate(periods):
        inside = [(kind, amount) for kind, amount, at in grant_rows if start <= at < end]
        result.append(
            Month(
                start=start,
                end=end,
                plan=sum(amount for kind, amount in inside if kind == QuotaGrant.PLAN),
                credited=sum(amount for kind, amount in inside if kind == QuotaGrant.CREDIT),
                used=used[f"m{n}"] or 0,
                is_current=start <= now < end,
                is_past=end <= now,
            )
        )
    return result


@dataclass(frozen=True)
class Consumption:
    """The plan and how much of it is used: this month, in the term, and what is left."""

    monthly: int
    term_start: datetime.datetime
    term_end: datetime.datetime
    months: list[Month]
    current: Month | None
    balance: int

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
    def granted_so_far(self) -> int:
        """Messages granted in the months begun so far (unused ones expired with theirs)."""
        return sum(month.granted for month in self.months if month.is_past or month.is_current)

    @property
    def term_last_day(self) -> datetime.datetime:
        return self.term_end - datetime.timedelta(days=1)


def consumption() -> Consumption:
    """The consumption of the plan now. Creates the plan's monthly grants if missing."""
    # The plan's monthly grants are created when first needed; this is idempotent.
    quota.ensure_plan()
    all_months = months()
    return Consumption(
        monthly=settings.QUOTA_MONTHLY,
        term_start=all_months[0].start,
        term_end=all_months[-1].end,
        months=all_months,
        current=next((month for month in all_months if month.is_current), None),
        balance=quota.balance(),
    )


LEDGER_KINDS = {
    QuotaGrant.PLAN: _("Monthly plan"),
    QuotaGrant.CREDIT: _("Credit for an incident"),
    "usage": _("Messages sent"),
}


@dataclass(frozen=True)
class LedgerEntry:
    """A line of the ledger: messages granted (positive) or used (negative).

    Usage is one line per mailing and month, dated by its last message; ``campaign`` and
    ``subject`` name the mailing ("" for a mailing since deleted). Credits name who gave
    them and why.
    """

    at: datetime.datetime
    kind: str
    amount: int
    reason: str = ""
    granted_by: str = ""
    campaign: str = ""
    campaign_code: uuid.UUID | None = None
    subject: str = ""

    @property
    def label(self) -> str:
        return str(LEDGER_KINDS[self.kind])


def ledger(now: datetime.datetime | None = None) -> list[LedgerEntry]:
    """Grants that have begun and usage per mailing and month, newest first, in two queries."""
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
    zone = timezone.get_default_timezone()
    usage = (
        QuotaDebit.objects.values(
            "mailing",
            month=TruncMonth("at", tzinfo=zone),
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
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
