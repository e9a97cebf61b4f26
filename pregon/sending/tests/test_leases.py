"""A killed sender's batch: queued again at once when its holder was a process of this
machine, after the lease when it ran on another machine. The state a SIGKILL leaves is made
by hand here; test_runsender kills real senders."""

import datetime
import uuid

from django.test import TestCase
from django.utils import timezone

from pregon.campaigns import scheduling
from pregon.lib.processes import this_process
from pregon.sending import engine
from pregon.sending.models import BatchLease, Message, MessageStatus
from pregon.sending.tests.test_relays import ended_pid, ended_process
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all


class KilledSenderBatchTestCase(TestCase):
    def setUp(self) -> None:
        campaign_to(contacts_on_a_list(10))
        scheduling.start_due_campaigns()

    def leave_a_batch(self, holder_process: str) -> None:
        """What a sender killed mid-batch leaves: five messages sending under its lease."""
        lease, until = uuid.uuid4(), timezone.now() + engine.LEASE
        batch = Message.objects.order_by("pk").values_list("pk", flat=True)[:5]
        Message.objects.filter(pk__in=list(batch)).update(
            status=MessageStatus.SENDING, lease=lease, leased_until=until
        )
        BatchLease.objects.create(lease=lease, holder_process=holder_process, leased_until=until)

    def sending(self) -> int:
        return Message.objects.filter(status=MessageStatus.SENDING).count()

    def test_a_batch_of_an_ended_process_of_this_machine_goes_again_at_once(self) -> None:
        self.leave_a_batch(ended_process())
        self.assertEqual(engine.reclaim_expired_leases(), 5)
        self.assertEqual(self.sending(), 0)
        self.assertFalse(BatchLease.objects.exists())
        send_all()
        self.assertEqual(Message.objects.filter(status=MessageStatus.OUTBOX).count(), 10)

    def test_a_batch_held_on_another_machine_waits_for_its_lease(self) -> None:
        self.leave_a_batch(f"otro-servidor:{ended_pid()}")
        self.assertEqual(engine.reclaim_expired_leases(), 0)
        self.assertEqual(self.sending(), 5)
        Message.objects.update(leased_until=timezone.now() - datetime.timedelta(seconds=1))
        BatchLease.objects.update(leased_until=timezone.now() - datetime.timedelta(seconds=1))
        self.assertEqual(engine.reclaim_expired_leases(), 5)
        self.assertFalse(BatchLease.objects.exists())

    def test_a_living_sender_s_batch_is_left_alone(self) -> None:
        # This test's own process holds it, and runs.
        self.leave_a_batch(this_process())
        self.assertEqual(engine.reclaim_expired_leases(), 0)
        self.assertEqual(self.sending(), 5)

    def test_each_claim_names_its_process(self) -> None:
        send_all(batch=4)
        self.assertEqual(BatchLease.objects.count(), 3)  # 4 + 4 + 2 messages.
