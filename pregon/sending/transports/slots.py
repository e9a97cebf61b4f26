"""A backend's connection slots, shared in the database by every sender on every machine.

A sender sends through a backend only while it holds one of the backend's
``max_connections`` slots (``BackendSlot``), and renews it while it sends. A sender that is
killed cannot give its slot back: one on another machine frees itself when its lease runs
out, and one on this machine is taken over at once, since the holder's process can be seen
to have ended (``lib.processes``). Without that, a sender started again after a kill found
every slot held by its dead predecessors and waited out their leases, sending nothing.
"""

import datetime
import uuid

from django.db.models import Q, QuerySet
from django.utils import timezone

from pregon.lib.processes import has_ended, this_process
from pregon.sending.models import Backend, BackendSlot

# A slot's holder renews it while it sends; one that died frees it after this long.
SLOT_LEASE = datetime.timedelta(minutes=2)


def take_slot(backend: Backend, holder: uuid.UUID) -> datetime.datetime | None:
    """Hold one of ``backend``'s connection slots for ``holder``; when it ends, or None if
    every slot is held by a living sender."""
    now = timezone.now()
    wanted = set(range(1, backend.max_connections + 1))
    existing = set(BackendSlot.objects.filter(backend=backend).values_list("number", flat=True))
    BackendSlot.objects.bulk_create(
        [BackendSlot(backend=backend, number=n) for n in wanted - existing], ignore_conflicts=True
    )
    slots = BackendSlot.objects.filter(backend=backend, number__in=wanted)
    free = Q(holder__isnull=True) | Q(held_until__lt=now) | Q(holder=holder)
    if until := _take(slots.filter(free), holder, now):
        return until
    ended = [
        name
        for name in slots.values_list("holder_process", flat=True).distinct()
        if name and has_ended(name)
    ]
    return _take(slots.filter(holder_process__in=ended), holder, now) if ended else None


def _take(
    candidates: QuerySet[BackendSlot], holder: uuid.UUID, now: datetime.datetime
) -> datetime.datetime | None:
    until = now + SLOT_LEASE
    for pk in candidates.order_by("number").values_list("pk", flat=True):
        # Conditional: another sender may have taken it since the SELECT.
        if candidates.filter(pk=pk).update(
            holder=holder, holder_process=this_process(), held_until=until
        ):
            return until
    return None


def release_slots(holder: uuid.UUID) -> None:
    BackendSlot.objects.filter(holder=holder).update(
        holder=None, holder_process="", held_until=None
    )
