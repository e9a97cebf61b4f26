"""The quota ledger (R4, R15, R20, R21): the plan's term, its monthly grants, credits, debits.

The term (the tender, 8.2: "365 días, contado a partir del día siguiente de efectuada la
entrega de credenciales") starts the day after ``QuotaSettings.credentials_delivered_on``;
while that is unset, on ``PREGON_QUOTA_START``; unset too, on the day the plan was first set
up (that month's first). It lasts 365 days for the tender's 12 months (``QUOTA_MONTHS``; a
plan of other length keeps that rate). It is cut into ``QUOTA_MONTHS`` months counted from
the start day, as a contract's months are (a start on 10 November: 10 November to
9 December, 10 December to 9 January, ...; a start on the 31st starts the shorter months on
their last day), the last month ending with the term; each month brings one grant of
``QUOTA_MONTHLY`` messages (the "50 mil correos electrónicos mensuales").

Which unused messages stay usable is ``QuotaSettings.expiry``:

- ``TERM`` (the tender's, the default): each month's grant, and every credit, stays usable
  until the term ends. The balance is all that was granted in the term so far less all that
  was debited in it.
- ``MONTHLY`` (the strict alternative): each month's grant, and a credit given in it, expire
  at the month's end. The balance is the month's grants less the month's debits.

A grant belongs to the month its ``starts_at`` falls in (a credit, to the month it was given
in), so the rule is read, not written: changing it (audited) changes the balance at once and
rewrites no row. A message is debited when a relay accepts it, in the transaction that marks
it sent, so the debits always add up to the accepted messages. Tests and failures are never
debited.
"""

import datetime
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Model, Q, Sum
from django.utils import timezone

from pregon.sending.models import (
    Message,
    MessageStatus,
    QuotaDebit,
    QuotaExpiry,
    QuotaGrant,
    QuotaSettings,
)

Period = tuple[datetime.datetime, datetime.datetime]

ONE_DAY = datetime.timedelta(days=1)
# Days before the term ends from which the screens and the API warn that it ends.
WARNING_DAYS = 30


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _months_after(day: datetime.date, months: int) -> datetime.date:
    """``day`` ``months`` months later, on the same day of the month or its last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, monthrange(year, month)[1]))


def read_settings() -> QuotaSettings:
    """The quota's settings; read, never written (the engine's claim reads them inside its
    transaction), so the defaults until an administrator saves them."""
    return QuotaSettings.objects.filter(pk=1).first() or QuotaSettings()


@dataclass(frozen=True)
class Term:
    """The plan's term in the account's time zone, its months, and the expiry rule."""

    start: datetime.datetime
    end: datetime.datetime
    months: list[Period]
    expiry: str
    delivered_on: datetime.date | None

    @property
    def last_day(self) -> datetime.datetime:
        # Periods end at midnight; people read a term as ending on its last day.
        return self.end - ONE_DAY

    def month_at(self, at: datetime.datetime) -> Period | None:
        """The plan month ``at`` falls in, or None outside the term."""
        return next(((s, e) for s, e in self.months if s <= at < e), None)

    def window(self, at: datetime.datetime) -> Period | None:
        """Where the grants and debits that make the balance at ``at`` lie: the term, or
        under the monthly rule the month; None outside the term."""
        if self.expiry == QuotaExpiry.MONTHLY:
            return self.month_at(at)
        return (self.start, self.end) if self.start <= at < self.end else None

    def ends_soon(self, at: datetime.datetime) -> bool:
        """Whether ``at`` is within the last ``WARNING_DAYS`` days of the term."""
        return self.end - datetime.timedelta(days=WARNING_DAYS) <= at < self.end


def _start_day(delivered_on: datetime.date | None) -> datetime.date:
    if delivered_on is not None:
        return delivered_on + ONE_DAY
    if settings.QUOTA_START:
        return datetime.date.fromisoformat(settings.QUOTA_START)
    first = QuotaGrant.objects.filter(kind=QuotaGrant.PLAN).order_by("starts_at").first()
    if first is not None:
        return timezone.localtime(first.starts_at, ZoneInfo(settings.TIME_ZONE)).date()
    return timezone.localdate().replace(day=1)


def term(current: QuotaSettings | None = None) -> Term:
    """The term as the settings (``current``, read if not given) make it."""
    current = current or read_settings()
    day = _start_day(current.credentials_delivered_on)
    count = settings.QUOTA_MONTHS
    end = _midnight(day + datetime.timedelta(days=count * 365 // 12))
    starts = [_midnight(_months_after(day, n)) for n in range(count)]
    months = [(s, e) for s, e in zip(starts, [*starts[1:], end], strict=True) if s < end]
    return Term(months[0][0], end, months, current.expiry, current.credentials_delivered_on)


@dataclass(frozen=True)
class Ledger:
    """Monthly grants and debits over the plan's term: email messages here, SMS parts in
    pregon.sending.sms.quota, both under the one expiry rule. ``monthly`` and ``in_flight``
    are asked at each call (the settings, what senders hold and may debit any moment)."""

    grants: type[Model]
    debits: type[Model]
    monthly: Callable[[], int]
    in_flight: Callable[[], int]

    def ensure_plan(self) -> None:
        """Give each month of the term its grant (idempotent), and take back the grants of
        months that are no longer the term's (the delivery date moved it)."""
        plan, months = self.grants.PLAN, term().months
        existing = self.grants.objects.filter(kind=plan).values_list("pk", "starts_at", "ends_at")
        stale = [pk for pk, starts, ends in existing if (starts, ends) not in months]
        kept = {starts for pk, starts, ends in existing if (starts, ends) in months}
        if stale:
            self.grants.objects.filter(pk__in=stale).delete()
        self.grants.objects.bulk_create(
            self.grants(kind=plan, amount=self.monthly(), starts_at=s, ends_at=e)
            for s, e in months
            if s not in kept
        )

    def month(
        self, at: datetime.datetime | None = None, plan: Term | None = None
    ) -> tuple[int, int]:
        """(the balance, the messages used this month) at ``at`` (now), in two queries;
        (0, 0) outside the term."""
        at, plan = at or timezone.now(), plan or term()
        window, month = plan.window(at), plan.month_at(at)
        if window is None or month is None:
            return 0, 0
        granted = self.grants.objects.filter(starts_at__gte=window[0], starts_at__lte=at)
        debited = self.debits.objects.filter(at__gte=window[0], at__lt=window[1]).aggregate(
            window=Sum("count"), month=Sum("count", filter=Q(at__gte=month[0], at__lt=month[1]))
        )
        total = granted.aggregate(total=Sum("amount"))["total"] or 0
        return max(total - (debited["window"] or 0), 0), debited["month"] or 0

    def balance(self, at: datetime.datetime | None = None) -> int:
        """What may still be sent now: the grants usable now less what was debited of them."""
        return self.month(at)[0]

    def available_for_claim(self) -> int:
        """The balance less what is in flight, which may be debited any moment.

        Call inside ``transaction.atomic``: it locks the term's first plan grant, so that
        workers claiming at the same time take from the balance one after another, not
        both at once (one row for the whole term: under the term rule claims on either side
        of a month's end share one balance).
        """
        now, plan = timezone.now(), term()
        if plan.window(now) is None:
            return 0
        list(
            self.grants.objects.select_for_update()
            .filter(kind=self.grants.PLAN, starts_at=plan.start)
            .values_list("pk", flat=True)
        )
        return max(self.month(now, plan)[0] - self.in_flight(), 0)


EMAIL = Ledger(
    QuotaGrant,
    QuotaDebit,
    monthly=lambda: settings.QUOTA_MONTHLY,
    in_flight=lambda: Message.objects.filter(status=MessageStatus.SENDING).count(),
)
ensure_plan = EMAIL.ensure_plan
balance = EMAIL.balance
available_for_claim = EMAIL.available_for_claim


def expires_at(plan: Term, at: datetime.datetime) -> datetime.datetime | None:
    """When messages granted at ``at`` stop being usable: the term's end, or under the
    monthly rule their month's; None outside the term."""
    window = plan.window(at)
    return window[1] if window else None


def credit(amount: int, reason: str, user: object) -> QuotaGrant:
    """Give back ``amount`` messages for an incident: they belong to the current month and
    follow its rule (usable until the term ends, or until the month does).

    Raises ValueError outside the plan's term or for an amount below 1.
    """
    now = timezone.now()
    month = term().month_at(now)
    if month is None or amount < 1:
        raise ValueError("no current period" if month is None else "amount below 1")
    return QuotaGrant.objects.create(
        kind=QuotaGrant.CREDIT,
        amount=amount,
        starts_at=now,
        ends_at=month[1],
        reason=reason,
        created_by=user,
    )
