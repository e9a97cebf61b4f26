"""Long-running processes say they are alive here, and /readyz and /metrics ask who is.

A process calls ``beat(kind)`` from its loop; the first call names it (host and pid) and
later calls within ``EVERY`` seconds cost nothing, so a tight loop may call it each turn.
"""

import datetime
import os
import socket
import time

from django.utils import timezone

from pregon.sending.models import Heartbeat

# Seconds between two writes of one process's row.
EVERY = 5.0
# A process not heard from for this long counts as gone.
STALE = datetime.timedelta(seconds=30)

_last_write: dict[str, float] = {}


def process_name(kind: str) -> str:
    return f"{kind}@{socket.gethostname()}:{os.getpid()}"


def beat(kind: str) -> None:
    """Record that this process, of this kind (sender, scheduler, worker…), is alive."""
    name = process_name(kind)
    now = time.monotonic()
    if now - _last_write.get(name, -EVERY) < EVERY:
        return
    _last_write[name] = now
    Heartbeat.objects.update_or_create(
        name=name, defaults={"kind": kind, "seen_at": timezone.now()}
    )


def alive() -> dict[str, int]:
    """How many processes of each kind were heard from recently; prunes the long gone."""
    now = timezone.now()
    Heartbeat.objects.filter(seen_at__lt=now - 10 * STALE).delete()
    counts: dict[str, int] = {}
    for kind in Heartbeat.objects.filter(seen_at__gte=now - STALE).values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts
