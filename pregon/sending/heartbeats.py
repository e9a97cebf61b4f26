"""Long-running processes say they are alive here, and /readyz and /metrics ask who is.

A process calls ``beat(kind)`` from its loop; the first call names it (host and pid) and
later calls within ``EVERY`` seconds cost nothing, so a tight loop may call it each turn.
The table holds one row per process, so reading it is cheap however busy the install is.
"""

import datetime
import logging
import time

from django.db import DatabaseError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from pregon.lib.processes import this_process
from pregon.sending.models import Heartbeat

# Seconds between two writes of one process's row.
EVERY = 5.0
# A process not heard from for this long counts as gone.
STALE = datetime.timedelta(seconds=30)
# Rows of processes gone this long are deleted when another process starts.
FORGOTTEN = 10 * STALE

_last_write: dict[str, float] = {}
log = logging.getLogger(__name__)


def process_name(kind: str) -> str:
    return f"{kind}@{this_process()}"


def beat(kind: str) -> None:
    """Record that this process, of this kind (sender, scheduler, automation…), is alive."""
    name = process_name(kind)
    now = time.monotonic()
    if now - _last_write.get(name, -EVERY) < EVERY:
        return
    try:
        with transaction.atomic():
            if name not in _last_write:
                # A process starting is the moment to forget those that stopped: each
                # restart leaves a row behind (its name has the old pid), and restarts are
                # rare.
                Heartbeat.objects.filter(seen_at__lt=timezone.now() - FORGOTTEN).delete()
            Heartbeat.objects.update_or_create(
                name=name, defaults={"kind": kind, "seen_at": timezone.now()}
            )
    except DatabaseError:
        # The database is away (a restart, say). The beat must not end the process: its
        # work meets the same error next and deals with it (runsmpp reconnects), and the
        # beat is tried again on the next turn.
        log.warning("Could not record that %s is alive.", name)
        return
    _last_write[name] = now


def alive() -> dict[str, int]:
    """How many processes of each kind were heard from in the last ``STALE`` seconds."""
    heard = Heartbeat.objects.filter(seen_at__gte=timezone.now() - STALE)
    counts = heard.values("kind").annotate(count=Count("id")).order_by()
    return {row["kind"]: row["count"] for row in counts}


def last_seen() -> dict[str, datetime.datetime]:
    """When a process of each kind was last heard from (kinds of the last few minutes)."""
    rows = Heartbeat.objects.values("kind").annotate(seen_at=Max("seen_at")).order_by()
    return {row["kind"]: row["seen_at"] for row in rows}
