"""What /metrics reports to Prometheus, read from the database at each scrape.

Web processes are several (gunicorn) and come and go, so counters kept in memory would be
one process's share each. Every figure here is instead a query on what the database already
keeps, chosen to stay cheap on a table of millions of messages: the partial indexes of the
statuses that stay small (queued, sending, failed, skipped), the quota ledger (one row per
sent batch) for what was sent, the bounces (a few in a hundred messages), the events'
primary key for how many were recorded, the heartbeats (one row per process) and the task
queue's partial index of ready tasks.
docs/design.md ("part: ops") gives each query's cost.
"""

import datetime
import hmac
import ipaddress
from collections.abc import Iterator
from functools import cache

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.http import HttpRequest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from pregon.lib.proxy import client_ip
from pregon.sending import heartbeats, quota
from pregon.sending.models import (
    Bounce,
    Mailing,
    MailingStatus,
    Message,
    MessageStatus,
    QuotaDebit,
)
from pregon.tracking.models import Event

# The window of the send rate, in seconds.
RATE_WINDOW = 60
# The statuses counted, each with a partial index of its own (``Message``'s indexes): the
# ones that stay small (sent messages, the many, are counted by the quota ledger).
COUNTED_STATUSES = {
    MessageStatus.QUEUED: "Messages waiting to be sent (including those of paused campaigns).",
    MessageStatus.SENDING: "Messages claimed by a sender and not yet answered by the relay.",
    MessageStatus.FAILED: "Messages that failed for good (pregon_bounces_total says why).",
    MessageStatus.SKIPPED: "Messages not sent when their turn came (unsubscribed, suppressed…).",
}
# Kinds of process reported even when none is running, so that a dashboard shows a 0.
KNOWN_KINDS = ("scheduler", "sender", "automation", "sms-sender", "smpp")


def is_enabled() -> bool:
    """Whether /metrics exists: a token or an allowed network is configured."""
    return bool(settings.METRICS_TOKEN or settings.METRICS_ALLOW)


def is_allowed(request: HttpRequest) -> bool:
    """Whether the request brings the bearer token, or comes from an allowed network."""
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    token = settings.METRICS_TOKEN
    if token and scheme.lower() == "bearer":
        # Constant time, so that the answer's timing tells nothing about the token.
        if hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    address = client_ip(request)
    if not address or not settings.METRICS_ALLOW:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in allowed_networks(tuple(settings.METRICS_ALLOW)))


@cache
def allowed_networks(cidrs: tuple[str, ...]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The networks of PREGON_METRICS_ALLOW; a malformed one is left out (and reported by
    the system check pregon.W190)."""
    networks = []
    for cidr in cidrs:
        try:
            networks.append(ipaddress.ip_network(cidr, strict=False))
        except ValueError:
            continue
    return networks


class Collector:
    """The install's figures, as prometheus_client's registry asks for them."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        yield from message_metrics(now)
        yield from tracking_metrics()
        yield from process_metrics(now)


def message_metrics(now: datetime.datetime) -> Iterator[Metric]:
    for status, documentation in COUNTED_STATUSES.items():
        # One count a status, each over that status's partial index.
        count = Message.objects.filter(status=status).count()
        yield _gauge(f"pregon_messages_{status}", documentation, count)
    sent = CounterMetricFamily(
        "pregon_messages_sent", "Messages a relay accepted (the quota ledger's debits)."
    )
    sent.add_metric([], QuotaDebit.objects.aggregate(total=Sum("count"))["total"] or 0)
    yield sent
    recent = QuotaDebit.objects.filter(at__gte=now - datetime.timedelta(seconds=RATE_WINDOW))
    yield _gauge(
        "pregon_send_rate_per_second",
        f"Messages accepted per second over the last {RATE_WINDOW} seconds.",
        (recent.aggregate(total=Sum("count"))["total"] or 0) / RATE_WINDOW,
    )
    bounces = CounterMetricFamily(
        "pregon_bounces",
        "Messages that did not arrive, and complaints, by kind (hard, soft, complaint, "
        "sender) and cause: the relay's refusals while sending, bounce notices, providers' "
        "webhooks.",
        labels=["kind", "cause"],
    )
    rows = Bounce.objects.values_list("kind", "cause").annotate(count=Count("id")).order_by()
    for kind, cause, count in sorted(rows):
        bounces.add_metric([kind, cause], count)
    yield bounces
    yield _gauge(
        "pregon_queue_oldest_seconds",
        "How long the oldest message that is due, of a campaign that is sending, has waited.",
        queue_age(now),
    )
    yield _gauge(
        "pregon_quota_remaining_messages",
        "Messages the plan still allows now.",
        quota.balance(now),
    )


def queue_age(now: datetime.datetime) -> float:
    """Seconds since the first message in the queue's order (id) that is due and belongs to
    an active mailing became due; 0 for an empty queue. The walk along ``message_queue`` (the
    queued messages' partial index, in id order) stops at that message, so it is short
    unless paused campaigns hold many messages."""
    active = Mailing.objects.filter(status=MailingStatus.ACTIVE).values("pk")
    head = (
        Message.objects.filter(
            status=MessageStatus.QUEUED, send_after__lte=now, mailing_id__in=active
        )
        .order_by("id")
        .values_list("send_after", flat=True)
        .first()
    )
    return max((now - head).total_seconds(), 0.0) if head else 0.0


def tracking_metrics() -> Iterator[Metric]:
    events = CounterMetricFamily(
        "pregon_tracking_events",
        "Opens, clicks, unsubscribes and conversions recorded (the events' highest id: ids "
        "only grow, so rate() of it is events per second).",
    )
    events.add_metric([], Event.objects.aggregate(last=Max("id"))["last"] or 0)
    yield events


def process_metrics(now: datetime.datetime) -> Iterator[Metric]:
    alive = heartbeats.alive()
    workers = GaugeMetricFamily(
        "pregon_workers",
        "Processes of each kind heard from in the last 30 seconds.",
        labels=["kind"],
    )
    for kind in sorted({*KNOWN_KINDS, *alive}):
        workers.add_metric([kind], alive.get(kind, 0))
    yield workers
    age = GaugeMetricFamily(
        "pregon_heartbeat_age_seconds",
        "Seconds since a process of each kind was last heard from.",
        labels=["kind"],
    )
    for kind, seen_at in sorted(heartbeats.last_seen().items()):
        age.add_metric([kind], max((now - seen_at).total_seconds(), 0.0))
    yield age
    # Task workers (django-tasks-db's db_worker) have no heartbeat; what they leave waiting
    # shows whether they keep up. A partial index covers the tasks ready to run.
    yield _gauge(
        "pregon_tasks_waiting",
        "Background tasks (imports, exports, test sends, webhooks) due and not yet taken.",
        DBTaskResult.objects.ready().count(),
    )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)
