"""The delivery worker: claim due deliveries under a lease, post them in order per
endpoint, record each attempt, retry with a growing delay for a day.

Order per endpoint: a delivery is due only when no earlier delivery of its endpoint is
unfinished, so an endpoint's deliveries leave one after the other, and one that fails holds
the ones behind it until it succeeds or fails for good (a day later, when the endpoint is
disabled). The worker claims an endpoint's first due delivery with the ones queued behind
it, up to ``BATCH_SIZE``, and posts them on one kept-open connection. A worker that dies
leaves its deliveries leased; ``reclaim_expired_leases`` makes them due again, so nothing is
lost and at most the delivery in flight is posted twice (receivers skip a repeated
``webhook-id``, as the specification asks).
"""

import datetime
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pregon.webhooks import client, hosts, notices, signing
from pregon.webhooks.models import RETRY_WINDOW, Attempt, Delivery, DeliveryStatus, Endpoint

BATCH_SIZE = 200
# Endpoints posted to at once by one worker, each on its own thread.
PARALLEL = 8
LEASE = datetime.timedelta(minutes=2)
FIRST_DELAY = datetime.timedelta(seconds=15)
LONGEST_DELAY = datetime.timedelta(hours=4)
UNFINISHED = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
# How long a subscription's delivered events stay in its log. Failed ones stay until sent
# again or their endpoint is deleted; automations' calls stay, their figures count them.
KEEP_DELIVERED = datetime.timedelta(days=30)
PRUNE_BATCH = 5000


def delay(attempt_count: int) -> datetime.timedelta:
    """The wait before the next attempt after ``attempt_count`` failed ones: 15 s, 30 s,
    1 min… doubling up to 4 hours."""
    return min(FIRST_DELAY * 2 ** max(attempt_count - 1, 0), LONGEST_DELAY)


def reclaim_expired_leases() -> int:
    """Make due again the deliveries whose worker's lease ran out (it died, or hangs)."""
    return Delivery.objects.filter(
        status=DeliveryStatus.SENDING, leased_until__lt=timezone.now()
    ).update(status=DeliveryStatus.PENDING, lease=None, leased_until=None)


def prune() -> int:
    """Delete a batch of subscriptions' deliveries delivered over ``KEEP_DELIVERED`` ago,
    with their attempts; return how many (the scheduler's tick calls it again)."""
    old = Delivery.objects.filter(
        endpoint__isnull=False,
        status=DeliveryStatus.DELIVERED,
        finished_at__lt=timezone.now() - KEEP_DELIVERED,
    )
    ids = list(old.values_list("pk", flat=True)[:PRUNE_BATCH])
    with transaction.atomic():
        Attempt.objects.filter(delivery_id__in=ids).delete()
        deleted, _ = Delivery.objects.filter(pk__in=ids).delete()
    return deleted


def _claim(lease: uuid.UUID, now: datetime.datetime) -> list[Delivery]:
    ids: list[int] = []
    with transaction.atomic():
        # PostgreSQL: a worker locks the endpoints it claims for, and skips those another
        # worker is claiming for, so an endpoint's deliveries are never split between two
        # workers. SQLite has one writer at a time (BEGIN IMMEDIATE), which does the same.
        endpoints = Endpoint.objects.filter(is_enabled=True).select_for_update(skip_locked=True)
        for endpoint_id in endpoints.values_list("pk", flat=True):
            # The endpoint's first unfinished delivery, by the (endpoint, status, id) index:
            # if it is due, it leaves with the ones behind it; if not, they all wait.
            queue = Delivery.objects.filter(endpoint_id=endpoint_id, status__in=UNFINISHED)
            for pk, status, next_at in queue.order_by("pk").values_list("pk", "status", "next_at")[
                :BATCH_SIZE
            ]:
                if status != DeliveryStatus.PENDING or next_at > now:
                    break
                ids.append(pk)
        calls = Delivery.objects.filter(endpoint=None, status=DeliveryStatus.PENDING)
        ids += (
            calls.filter(next_at__lte=now).order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE]
        )
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, lease=lease, leased_until=now + LEASE
        )
    return list(
        Delivery.objects.filter(lease=lease, status=DeliveryStatus.SENDING)
        .select_related("endpoint")
        .order_by("pk")
    )


def _post_in_order(
    group: list[Delivery], allowed: set[str], stop: float, call_keys: list[str]
) -> list[tuple[Delivery, Attempt]]:
    """Post ``group`` (one endpoint's deliveries) one after the other until one fails, or
    until ``stop`` (a ``time.monotonic()``): the rest go back to the queue, untouched.
    ``call_keys`` sign the automations' calls, which have no endpoint."""
    session = client.Session(allowed)
    done = []
    try:
        for delivery in group:
            if time.monotonic() >= stop:
                break
            at = timezone.now()
            data = signing.body(delivery)
            keys = delivery.endpoint.secrets() if delivery.endpoint_id else call_keys
            answer = session.post(
                delivery.target(), data, signing.headers(delivery, data, at, keys)
            )
            attempt = Attempt(
                delivery=delivery,
                at=at,
                status_code=answer.status_code,
                response=answer.text,
                duration_ms=answer.duration_ms,
            )
            done.append((delivery, attempt))
            if not answer.is_success:
                break
    finally:
        session.close()
    return done


def deliver_batch() -> bool:
    """Claim and post one batch of due deliveries; False when none was due."""
    lease = uuid.uuid4()
    claimed = _claim(lease, timezone.now())
    if not claimed:
        return False
    groups: dict[object, list[Delivery]] = defaultdict(list)
    for delivery in claimed:
        groups[delivery.endpoint_id or f"call-{delivery.pk}"].append(delivery)
    allowed = hosts.allowed_hosts()
    # Read here, not in the threads: they must not query the database.
    has_calls = any(delivery.endpoint_id is None for delivery in claimed)
    call_keys = signing.call_secret().secrets() if has_calls else []
    # A slow receiver (each answer just under the time-out) must not keep a group posting
    # past the lease: the scheduler would reclaim the rest and another worker post them
    # too, out of order. Half the lease leaves room for the post in flight.
    stop = time.monotonic() + LEASE.total_seconds() / 2
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        posted = pool.map(
            lambda group: _post_in_order(group, allowed, stop, call_keys), groups.values()
        )
        results = [pair for done in posted for pair in done]
    _record(lease, results)
    return True


def _record(lease: uuid.UUID, results: list[tuple[Delivery, Attempt]]) -> None:
    now = timezone.now()
    to_disable = []
    with transaction.atomic():
        Attempt.objects.bulk_create([attempt for _delivery, attempt in results])
        delivered = [d.pk for d, attempt in results if attempt.is_success]
        for delivery, attempt in results:
            if not attempt.is_success:
                if _retry_or_fail(lease, delivery, attempt, now):
                    to_disable.append(delivery.endpoint)
        if delivered:
            last = {d.pk: a for d, a in results}
            # One statement for all the successes but their answers: those go per status.
            Delivery.objects.filter(pk__in=delivered, lease=lease).update(
                status=DeliveryStatus.DELIVERED,
                attempt_count=F("attempt_count") + 1,
                finished_at=now,
                lease=None,
                leased_until=None,
            )
            for status_code in {last[pk].status_code for pk in delivered}:
                Delivery.objects.filter(
                    pk__in=[pk for pk in delivered if last[pk].status_code == status_code]
                ).update(last_status_code=status_code, last_response="")
            endpoints = {d.endpoint_id for d, a in results if a.is_success and d.endpoint_id}
            Endpoint.objects.filter(pk__in=endpoints).update(failure_count=0)
        # Claimed but not posted (behind one that failed): due again, untouched.
        Delivery.objects.filter(lease=lease, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING, lease=None, leased_until=None
        )
    for endpoint in to_disable:
        if endpoint is not None and disable(endpoint, now):
            notices.tell_administrators(endpoint)


def _retry_or_fail(
    lease: uuid.UUID, delivery: Delivery, attempt: Attempt, now: datetime.datetime
) -> bool:
    """Schedule the next attempt, or fail the delivery once its day is over; True if it
    failed for good and belongs to an endpoint."""
    attempts = delivery.attempt_count + 1
    deadline = delivery.retry_from + RETRY_WINDOW
    gives_up = now >= deadline
    changes = {
        "attempt_count": attempts,
        "last_status_code": attempt.status_code,
        "last_response": attempt.response,
        "lease": None,
        "leased_until": None,
    }
    if gives_up:
        changes.update(status=DeliveryStatus.FAILED, finished_at=now)
    else:
        changes.update(status=DeliveryStatus.PENDING, next_at=min(now + delay(attempts), deadline))
    Delivery.objects.filter(pk=delivery.pk, lease=lease).update(**changes)
    if delivery.endpoint_id:
        Endpoint.objects.filter(pk=delivery.endpoint_id).update(
            failure_count=F("failure_count") + 1
        )
    return gives_up and delivery.endpoint_id is not None


def disable(endpoint: Endpoint, now: datetime.datetime) -> bool:
    """Stop delivering to ``endpoint`` (a conditional UPDATE); False if it already was."""
    return bool(
        Endpoint.objects.filter(pk=endpoint.pk, is_enabled=True).update(
            is_enabled=False, disabled_at=now
        )
    )


def send_again(delivery: Delivery) -> bool:
    """Queue a finished delivery again, with the same webhook-id and a fresh day of
    retries; False if it is still pending or being sent."""
    now = timezone.now()
    return bool(
        Delivery.objects.filter(
            pk=delivery.pk, status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED]
        ).update(status=DeliveryStatus.PENDING, next_at=now, retry_from=now, finished_at=None)
    )


def deliver_due(seconds: float = 50) -> int:
    """Post batches until nothing is due or ``seconds`` have passed; the batches done."""
    stop = time.monotonic() + seconds
    batches = 0
    while time.monotonic() < stop and deliver_batch():
        batches += 1
    return batches
