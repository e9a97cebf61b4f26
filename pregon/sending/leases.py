"""A killed sender's batch, queued again at once by a process of the same machine.

A sender leases each batch it claims for ``engine.LEASE`` (two minutes): if it dies, the
scheduler's tick queues the batch again once the lease has run out (``reclaim_expired_leases``).
That wait is only needed when nobody can tell whether the holder still lives. Each claim
names its process (``BatchLease``, ``host:pid``), so a sender that starts, and the scheduler's
tick, queue again at once the batches of the processes of their own machine that have ended
(``lib.processes``): a sender restarted after a kill takes up its predecessor's batch instead
of sending nothing of it for two minutes. A batch held on another machine still waits for
its lease.

Queuing it again early sends nothing twice more than waiting would: the messages of the
batch that went out before the kill go again either way, the design's one batch per kill.
"""

import datetime
import uuid

from django.db.models import QuerySet
from django.utils import timezone

from pregon.lib.processes import has_ended, this_process
from pregon.sending.models import BatchLease, Message, MessageStatus


def name_holder(lease: uuid.UUID, until: datetime.datetime) -> None:
    """Record that this process holds ``lease`` until ``until`` (in the claim's transaction)."""
    BatchLease.objects.create(lease=lease, holder_process=this_process(), leased_until=until)


def reclaim_ended_holders() -> int:
    """Queue again the messages leased by processes of this machine that have ended; return
    how many."""
    holders = BatchLease.objects.values_list("holder_process", flat=True).distinct()
    ended = [name for name in holders if has_ended(name)]
    if not ended:
        return 0
    leases = BatchLease.objects.filter(holder_process__in=ended)
    requeued = requeue(
        Message.objects.filter(status=MessageStatus.SENDING, lease__in=leases.values("lease"))
    )
    leases.delete()
    return requeued


def forget_expired() -> None:
    """Delete the rows of leases that have run out: their messages, if any are left, are
    ``reclaim_expired_leases``'s."""
    BatchLease.objects.filter(leased_until__lt=timezone.now()).delete()


def requeue(messages: QuerySet[Message]) -> int:
    """Queue ``messages`` (leased ones) again, for any worker to claim; return how many."""
    return messages.update(status=MessageStatus.QUEUED, lease=None, leased_until=None)
