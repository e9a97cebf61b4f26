"""The quota ledger (R4, R15, R20, R21): grants of messages per month, and debits.

The plan is ``QUOTA_MONTHLY`` messages a month for ``QUOTA_MONTHS`` months from
``QUOTA_START``, kept as one grant per month; unused messages expire with their month. A
message is debited when a relay accepts it, in the transaction that marks it sent, so the
debits always add up to the accepted messages. Tests and failures are never debited. An
administrator's credit for an incident is a grant that ends with the current month.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Model, Sum
from django.utils import timezone

from pregon.sending.models import Message, MessageStatus, QuotaDebit, QuotaGrant


def _month_start(day: datetime.date, offset: int) -> datetime.datetime:
    month = day.month - 1 + offset
    start = datetime.date(day.year + month // 12, month % 12 + 1, 1)
    return datetime.datetime.combine(start, datetime.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))


def plan_start() -> datetime.date:
    """``PREGON_QUOTA_START``; unset, the day the plan was first set up (this month's first)."""
    if settings.QUOTA_START:
        return datetime.date.fromisoformat(settings.QUOTA_START)
    first = QuotaGrant.objects.filter(kind=QuotaGrant.PLAN).order_by("starts_at").first()
    if first is not None:
        return timezone.localtime(first.starts_at, ZoneInfo(settings.TIME_ZONE)).date()
    return timezone.localdate().replace(day=1)


def plan_periods() -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The plan's months, each as (start, end), in the account's time zone: the first from
    the start day, the others from the first of their month."""
    start = plan_start()
    first = datetime.datetime.combine(start, datetime.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))
    starts = [first] + [_month_start(start, offset) for offset in range(1, settings.QUOTA_MONTHS)]
    return [(begin, _month_start(start, n + 1)) for n, begin in enumerate(starts)]


Period = tuple[datetime.datetime, datetime.datetime]


def current_period(at: datetime.datetime | None = None) -> Period | None:
    """The plan month ``at`` (now by default) falls in, or None outside the plan."""
    at = at or timezone.now()
    return next(((s, e) for s, e in plan_periods() if s <= at < e), None)


@dataclass(frozen=True)
class Ledger:
    """Monthly grants and debits over the plan's months: email messages here, SMS parts in
    pregon.sending.sms.quota. ``monthly`` and ``in_flight`` are asked at each call (the
    settings, what senders hold and may debit any moment)."""

    grants: type[Model]
    debits: type[Model]
    monthly: Callable[[], int]
    in_flight: Callable[[], int]

    def ensure_plan(self) -> None:
        """Create the plan's monthly grants that do not exist yet (idempotent)."""
        plan = self.grants.PLAN
        existing = set(self.grants.objects.filter(kind=plan).values_list("starts_at", flat=True))
        self.grants.objects.bulk_create(
            self.grants(kind=plan, amount=self.monthly(), starts_at=s, ends_at=e)
            for s, e in plan_periods()
            if s not in existing
        )

    def month(self, at: datetime.datetime | None = None) -> tuple[int, int]:
        """The current period's (left, used), in two queries; (0, 0) outside the plan."""
        at = at or timezone.now()
        period = current_period(at)
        if period is None:
            return 0, 0
        start, end = period
        granted = self.grants.objects.filter(
            starts_at__lt=end, ends_at__gt=start, starts_at__lte=at
        )
        debited = self.debits.objects.filter(at__gte=start, at__lt=end)
        total_granted = granted.aggregate(total=Sum("amount"))["total"] or 0
        total_debited = debited.aggregate(total=Sum("count"))["total"] or 0
        return total_granted - total_debited, total_debited

    def balance(self, at: datetime.datetime | None = None) -> int:
        """What may still be sent in the current period: its grants minus its debits."""
        return self.month(at)[0]

    def available_for_claim(self) -> int:
        """The balance less what is in flight, which may be debited any moment.

        Call inside ``transaction.atomic``: it locks the period's plan grant, so that
        workers claiming at the same time take from the balance one after another, not
        both at once.
        """
        now = timezone.now()
        period = current_period(now)
        if period is None:
            return 0
        list(
            self.grants.objects.select_for_update()
            .filter(kind=self.grants.PLAN, starts_at=period[0])
            .values_list("pk", flat=True)
        )
        return max(self.month(now)[0] - self.in_flight(), 0)


EMAIL = Ledger(
    QuotaGrant,
    QuotaDebit,
    monthly=lambda: settings.QUOTA_MONTHLY,
    in_flight=lambda: Message.objects.filter(status=MessageStatus.SENDING).count(),
)
ensure_plan = EMAIL.ensure_plan
balance = EMAIL.balance
available_for_claim = EMAIL.available_for_claim


def credit(amount: int, reason: str, user: object) -> QuotaGrant:
    """Give back ``amount`` messages for an incident, until the current period ends.

    Raises ValueError outside the plan's term or for an amount below 1.
    """
    period = current_period()
    if period is None or amount < 1:
        raise ValueError("no current period" if period is None else "amount below 1")
    return QuotaGrant.objects.create(
        kind=QuotaGrant.CREDIT,
        amount=amount,
        starts_at=timezone.now(),
        ends_at=period[1],
        reason=reason,
        created_by=user,
    )
