"""Two claims at once take from the balance one after the other (PostgreSQL: SQLite has one
writer at a time anyway). The claim locks the term's first plan grant, under either rule, so
a claim that comes while another holds it waits, then counts the other's messages in flight.
A TransactionTestCase: the two claims are two connections, which must see each other's rows.
"""

import threading
import time
import unittest

from django.db import connection, connections, transaction
from django.test import TransactionTestCase, override_settings

from pregon.scheduler import tick
from pregon.sending import engine, quota
from pregon.sending.models import Message, MessageStatus, QuotaExpiry, QuotaSettings
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.testing.smtp import Mailbox, smtp_server


def waiting_on_a_lock() -> bool:
    """Whether another connection waits for a lock (a fresh look: within a transaction
    PostgreSQL keeps showing the activity it first saw)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


@unittest.skipUnless(connection.vendor == "postgresql", "row locks need PostgreSQL")
@override_settings(QUOTA_MONTHLY=10)
class ConcurrentClaimsTestCase(TransactionTestCase):
    def claims_one_after_the_other(self, rule: str) -> None:
        QuotaSettings.objects.create(pk=1, expiry=rule)
        mailbox = Mailbox()
        with smtp_server(mailbox):
            campaign_to(contacts_on_a_list(20))
            tick()
            sent_by_the_other: list[int] = []

            def other_worker() -> None:
                worker = engine.Worker()
                try:
                    engine.send_batch(worker, 10)
                finally:
                    worker.close()
                    connections.close_all()
                sent_by_the_other.append(len(mailbox.received))

            with transaction.atomic():
                # This claim holds the lock while it takes 6 messages.
                self.assertEqual(quota.available_for_claim(), 10)
                first = list(Message.objects.order_by("pk").values_list("pk", flat=True)[:6])
                Message.objects.filter(pk__in=first).update(status=MessageStatus.SENDING)
                other = threading.Thread(target=other_worker)
                other.start()
                deadline = time.monotonic() + 30
                while not (waited := waiting_on_a_lock()) and time.monotonic() < deadline:
                    time.sleep(0.02)
            other.join(30)
        self.assertTrue(waited)
        # The other worker waited, then saw the 6 in flight: it sent the 4 left.
        self.assertEqual(sent_by_the_other, [4])

    def test_under_the_term_rule(self) -> None:
        self.claims_one_after_the_other(QuotaExpiry.TERM)

    def test_under_the_monthly_rule(self) -> None:
        self.claims_one_after_the_other(QuotaExpiry.MONTHLY)
