"""Speed limits every worker shares, applied when a batch is claimed.

The global rate is a pace kept in the database (``SendingLimits.next_at``): a worker that
claims n messages moves the pace n / rate seconds on, so that all workers together, on any
number of machines, keep to the rate on average. Per recipient domain, a claim takes no more
messages for a domain than its limit less what went to it in the last minute and what is in
flight. Both run inside the claim's transaction.
"""

import datetime
from collections import Counter

from django.db import transaction
from django.db.models import Q

from pregon.sending.models import DomainLimit, Message, MessageStatus, SendingLimits

MINUTE = datetime.timedelta(minutes=1)


def allowed_now(size: int, now: datetime.datetime) -> int:
    """How many of ``size`` messages the global rate lets a claim take now (0: wait).

    Call inside ``transaction.atomic``, then ``spend`` what was taken: it locks the limits
    row, so that workers claiming at once take turns.
    """
    limits = SendingLimits.objects.select_for_update().filter(pk=1).first()
    if limits is None or not limits.per_second:
        return size
    if limits.next_at and limits.next_at > now:
        return 0
    # A claim takes at most a second's worth, so that a burst stays short.
    return min(size, limits.per_second)


def spend(count: int, now: datetime.datetime) -> None:
    """Move the shared pace on by ``count`` messages."""
    limits = SendingLimits.objects.filter(pk=1).first()
    if limits is None or not limits.per_second or not count:
        return
    # Idle time is not saved up beyond a second: after a pause, no burst of a minute's worth.
    start = max(limits.next_at or now, now - datetime.timedelta(seconds=1))
    SendingLimits.objects.filter(pk=1).update(
        next_at=start + datetime.timedelta(seconds=count / limits.per_second)
    )


def within_domain_limits(
    candidates: list[tuple[int, str]], size: int, now: datetime.datetime
) -> list[int]:
    """The ids of at most ``size`` of ``candidates`` (id, email) that no domain limit stops."""
    limits = {limit.domain: limit.per_minute for limit in DomainLimit.objects.all()}
    if not limits:
        return [pk for pk, _email in candidates[:size]]
    budget: Counter[str] = Counter()
    for domain, per_minute in limits.items():
        recent = Message.objects.filter(email__iendswith=f"@{domain}").filter(
            Q(sent_at__gte=now - MINUTE) | Q(status=MessageStatus.SENDING)
        )
        budget[domain] = per_minute - recent.count()
    chosen = []
    for pk, email in candidates:
        domain = email.rpartition("@")[2].lower()
        if domain in limits:
            if budget[domain] <= 0:
                continue
            budget[domain] -= 1
        chosen.append(pk)
        if len(chosen) == size:
            break
    return chosen


def frequency_cap() -> int:
    """The most marketing emails a contact may get in any 7 days; 0: no cap."""
    return SendingLimits.objects.filter(pk=1).values_list("frequency_cap", flat=True).first() or 0


def save(per_second: int, frequency_cap: int, domains: dict[str, int]) -> None:
    """Write the limits every sender follows from its next batch: the global rate, the
    frequency cap (0: none) and the per-domain limits (a domain left out has none)."""
    limits = SendingLimits.load()
    with transaction.atomic():
        SendingLimits.objects.filter(pk=limits.pk).update(
            per_second=per_second, frequency_cap=frequency_cap
        )
        DomainLimit.objects.exclude(domain__in=domains).delete()
        for domain, per_minute in domains.items():
            DomainLimit.objects.update_or_create(domain=domain, defaults={"per_minute": per_minute})
