"""``engine.record``, the last step of a batch, run again for the same lease: what
send_batch does when the database went away during the first commit, which may have gone
through with only its answer lost. The second run must change nothing: no second debit,
no second "delivered" announcement (webhooks, workflows)."""

import datetime
import uuid

from django.db.models import Sum
from django.utils import timezone

from pregon.campaigns import scheduling
from pregon.lib import events
from pregon.sending import engine
from pregon.sending.models import Message, MessageStatus, QuotaDebit
from pregon.sending.transports.base import Outcome, Result
from pregon.testing import BaseTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.testing.webhooks import subscribe_to
from pregon.webhooks.models import Delivery


class RecordOutcomesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        subscribe_to(events.MESSAGE_DELIVERED)
        campaign_to(contacts_on_a_list(3))
        scheduling.start_due_campaigns()
        self.lease = uuid.uuid4()
        Message.objects.update(
            status=MessageStatus.SENDING,
            lease=self.lease,
            leased_until=timezone.now() + datetime.timedelta(minutes=2),
        )
        self.results = [
            (message, Result(Outcome.SENT, 250, "2.0.0 Ok"))
            for message in Message.objects.order_by("pk")
        ]

    def debited(self) -> int:
        return QuotaDebit.objects.aggregate(total=Sum("count"))["total"] or 0

    def test_recording_twice_debits_and_announces_once(self) -> None:
        engine.record(self.lease, self.results)
        engine.record(self.lease, self.results)
        self.assertEqual(Message.objects.filter(status=MessageStatus.SENT).count(), 3)
        self.assertEqual(self.debited(), 3)
        self.assertEqual(Delivery.objects.filter(event=events.MESSAGE_DELIVERED).count(), 3)

    def test_a_lease_that_ran_out_records_nothing(self) -> None:
        other = uuid.uuid4()
        Message.objects.update(lease=other)
        engine.record(self.lease, self.results)
        self.assertEqual(Message.objects.filter(status=MessageStatus.SENT).count(), 0)
        self.assertEqual(self.debited(), 0)
        self.assertEqual(Delivery.objects.filter(event=events.MESSAGE_DELIVERED).count(), 0)
