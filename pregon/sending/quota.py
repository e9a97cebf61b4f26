"""The quota ledger (R4, R15, R20, R21): grants of messages per month, and debits.

The plan is ``QUOTA_MONTHLY`` messages a month for ``QUOTA_MONTHS`` months from
``QUOTA_START``, kept as one grant per month; unused messages expire with their month. A
message is debited when a relay accepts it, in the transaction that marks it sent, so the
debits always add up to the accepted messages. Tests and failures are never debited. An
administrator's credit for an incident is a grant that ends with the current month.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Sum
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


def ensure_plan() -> None:
    """Create the plan's monthly grants that do not exist yet (idempotent)."""
    existing = set(
        QuotaGrant.objects.filter(kind=QuotaGrant.PLAN).values_list("starts_at", flat=True)
    )
    QuotaGrant.objects.bulk_create(
        QuotaGrant(kind=QuotaGrant.PLAN, amount=settings.QUOTA_MONTHLY, starts_at=s, ends_at=e)
        for s, e in plan_periods()
        if s not in existing
    )


Period = tuple[datetime.datetime, datetime.datetime]


def current_period(at: datetime.datetime | None = None) -> Period | None:
    """The plan month ``at`` (now by default) falls in, or None outside the plan."""
    at = at or timezone.now()
    return next(((s, e) for s, e in plan_periods() if s <= at < e), None)


def balance(at: datetime.datetime | None = None) -> int:
    """Messages that may still be sent in the current period: its grants minus its debits."""
    at = at or timezone.now()
    period = current_period(at)
    return 0 if period is None else _balance_in(period, at)


def _balance_in(period: Period, at: datetime.datetime) -> int:
    start, end = period
    granted = QuotaGrant.objects.filter(starts_at__lt=end, ends_at__gt=start, starts_at__lte=at)
    debited = QuotaDebit.objects.filter(at__gte=start, at__lt=end)
    total_granted = granted.aggregate(total=Sum("amount"))["total"] or 0
    total_debited = debited.aggregate(total=Sum("count"))["total"] or 0
    return total_granted - total_debited


def available_for_claim() -> int:
    """The balance less the messages in flight, which may be debited any moment.

    Call inside ``transaction.atomic``: it locks the period's plan grant, so that workers
    claiming at the same time take from the balance one after another, not both at once.
    """
    now = timezone.now()
    period = current_period(now)
    if period is None:
        return 0
    list(
        QuotaGrant.objects.select_for_update()
        .filter(kind=QuotaGrant.PLAN, starts_at=period[0])
        .values_list("pk", flat=True)
    )
    in_flight = Message.objects.filter(status=MessageStatus.SENDING).count()
    return max(_balance_in(period, now) - in_flight, 0)


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
