"""Background task of the webhooks app: the delivery worker's runs (see deliveries.py)."""

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from pregon.webhooks import deliveries
from pregon.webhooks.models import Delivery, DeliveryStatus

# Present while a delivery task is queued or running, so the scheduler's tick queues one
# at a time; it expires by itself if that task's worker died.
RUNNING = "pregon:webhooks:task"


@task()
def deliver_webhooks() -> None:
    """Post due deliveries for up to a minute (``deliveries.deliver_due``)."""
    try:
        deliveries.deliver_due()
    finally:
        cache.delete(RUNNING)


def kick() -> bool:
    """The scheduler's job: recover dead workers' deliveries, prune the old log, and queue
    the delivery task if deliveries are due and it is not queued already; True if it
    queued it."""
    deliveries.reclaim_expired_leases()
    deliveries.prune()
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_at__lte=timezone.now())
    if not due.filter(Q(endpoint=None) | Q(endpoint__is_enabled=True)).exists():
        return False
    if not cache.add(RUNNING, 1, timeout=120):
        return False
    deliver_webhooks.enqueue()
    return True
