"""The SMS quota ledger: monthly grants of SMS parts, credits and debits, kept apart from the
email quota (``pregon.sending.quota``) but over the same plan months.

An SMS is debited the parts it was sent in, when a gateway accepts it, in the transaction
that marks it sent: failures and messages a gateway refused are never charged.
"""

import datetime

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from pregon.sending import quota
from pregon.sending.models import SmsMessage, SmsQuotaDebit, SmsQuotaGrant, SmsStatus


def ensure_plan() -> None:
    """Create the plan's monthly SMS grants that do not exist yet (idempotent)."""
    existing = set(
        SmsQuotaGrant.objects.filter(kind=SmsQuotaGrant.PLAN).values_list("starts_at", flat=True)
    )
    SmsQuotaGrant.objects.bulk_create(
        SmsQuotaGrant(
            kind=SmsQuotaGrant.PLAN, amount=settings.SMS_QUOTA_MONTHLY, starts_at=s, ends_at=e
        )
        for s, e in quota.plan_periods()
        if s not in existing
    )


def balance(at: datetime.datetime | None = None) -> int:
    """SMS parts that may still be sent in the current period: its grants minus its debits."""
    return month(at)[0]


def month(at: datetime.datetime | None = None) -> tuple[int, int]:
    """The current period's SMS parts (left, used), in two queries; (0, 0) outside the plan."""
    at = at or timezone.now()
    period = quota.current_period(at)
    if period is None:
        return 0, 0
    start, end = period
    granted = SmsQuotaGrant.objects.filter(starts_at__lt=end, ends_at__gt=start, starts_at__lte=at)
    debited = SmsQuotaDebit.objects.filter(at__gte=start, at__lt=end)
    total_granted = granted.aggregate(total=Sum("amount"))["total"] or 0
    total_debited = debited.aggregate(total=Sum("count"))["total"] or 0
    return total_granted - total_debited, total_debited


def available_for_claim() -> int:
    """The balance less the parts of SMS in flight. Call inside ``transaction.atomic``: it
    locks the period's plan grant, so that senders take from the balance one at a time."""
    now = timezone.now()
    period = quota.current_period(now)
    if period is None:
        return 0
    list(
        SmsQuotaGrant.objects.select_for_update()
        .filter(kind=SmsQuotaGrant.PLAN, starts_at=period[0])
        .values_list("pk", flat=True)
    )
    in_flight = SmsMessage.objects.filter(status=SmsStatus.SENDING).aggregate(
        total=Sum("segments")
    )["total"]
    return max(month(now)[0] - (in_flight or 0), 0)
