"""`pregon runsender` processes on one campaign: killed with SIGKILL mid-campaign and
restarted, nothing is lost; two at once send nothing twice. Real processes, a real SMTP
server, the real database (so a TransactionTestCase: the processes must see the rows)."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db.models import Sum
from django.test import TransactionTestCase

from pregon.campaigns import scheduling
from pregon.sending import engine
from pregon.sending.models import Message, MessageStatus, QuotaDebit
from pregon.testing.browser import database_url
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.testing.smtp import Mailbox, smtp_server

BATCH = 20


class SlowMailbox(Mailbox):
    """Takes a few milliseconds per message, so that a worker can be killed mid-campaign."""

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await asyncio.sleep(0.004)
        return await super().handle_DATA(server, session, envelope)


def start_sender() -> subprocess.Popen:
    env = {**os.environ, "PREGON_DATABASE_URL": database_url()}
    command = [sys.executable, "-m", "pregon", "runsender", "--idle", "0.1", "--batch", str(BATCH)]
    return subprocess.Popen(command, env=env)  # noqa: S603


def wait_until(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def left_to_send() -> int:
    return Message.objects.filter(status__in=[MessageStatus.QUEUED, MessageStatus.SENDING]).count()


class RunSenderTestCase(TransactionTestCase):
    def setUp(self) -> None:
        self.mailing_list = contacts_on_a_list(600)

    def assertLedgerMatches(self) -> None:
        sent = Message.objects.filter(status=MessageStatus.SENT).count()
        self.assertEqual(QuotaDebit.objects.aggregate(total=Sum("count"))["total"], sent)

    def kill_a_sender_mid_batch(self, mailbox: Mailbox) -> int:
        """Start the campaign and a sender, SIGKILL it mid-batch (messages leased, some of
        them maybe sent); return how many messages it left leased."""
        campaign_to(self.mailing_list)
        scheduling.start_due_campaigns()
        sender = start_sender()
        try:
            wait_until(
                lambda: (
                    len(mailbox.received) >= 150
                    and Message.objects.filter(status=MessageStatus.SENDING).exists()
                )
            )
            os.kill(sender.pid, signal.SIGKILL)
        finally:
            sender.wait(timeout=30)
        return Message.objects.filter(status=MessageStatus.SENDING).count()

    def test_a_worker_killed_mid_campaign_loses_nothing(self) -> None:
        mailbox = SlowMailbox()
        with smtp_server(mailbox):
            in_flight = self.kill_a_sender_mid_batch(mailbox)
            self.assertLessEqual(in_flight, BATCH)
            self.assertGreater(left_to_send(), 0)

            # Its lease runs out (here: is made to), the scheduler queues its batch again,
            # and a new worker finishes the campaign.
            Message.objects.filter(status=MessageStatus.SENDING).update(
                leased_until="2000-01-01T00:00:00Z"
            )
            self.assertEqual(engine.reclaim_expired_leases(), in_flight)
            sender = start_sender()
            try:
                wait_until(lambda: left_to_send() == 0)
            finally:
                sender.terminate()
                sender.wait(timeout=30)

        counts = mailbox.count()
        self.assertEqual(len(counts), 600)  # Nobody lost.
        duplicates = sum(count - 1 for count in counts.values())
        self.assertLessEqual(duplicates, in_flight)  # At most the batch in flight, twice.
        self.assertEqual(Message.objects.filter(status=MessageStatus.SENT).count(), 600)
        self.assertLedgerMatches()

    def test_a_sender_started_after_a_kill_takes_up_the_killed_one_s_batch_at_once(
        self,
    ) -> None:
        mailbox = SlowMailbox()
        with smtp_server(mailbox):
            in_flight = self.kill_a_sender_mid_batch(mailbox)
            # No lease has run out: the batch's holder is seen to have ended on this machine.
            sender = start_sender()
            try:
                wait_until(lambda: left_to_send() == 0, seconds=engine.LEASE.total_seconds() / 4)
            finally:
                sender.terminate()
                sender.wait(timeout=30)

        counts = mailbox.count()
        self.assertEqual(len(counts), 600)
        self.assertLessEqual(sum(count - 1 for count in counts.values()), in_flight)
        self.assertLedgerMatches()

    def test_two_workers_on_one_campaign_send_nothing_twice(self) -> None:
        mailbox = SlowMailbox()
        with smtp_server(mailbox):
            campaign_to(self.mailing_list)
            scheduling.start_due_campaigns()
            senders = [start_sender(), start_sender()]
            try:
                wait_until(lambda: left_to_send() == 0)
            finally:
                for sender in senders:
                    sender.send_signal(signal.SIGTERM)
                for sender in senders:
                    self.assertEqual(sender.wait(timeout=30), 0)

        counts = mailbox.count()
        self.assertEqual(len(counts), 600)
        self.assertEqual(set(counts.values()), {1})
        self.assertLedgerMatches()


class RunSenderFollowsBackendsTestCase(TransactionTestCase):
    """A sender running since before the first relay was set up sends through that relay
    from the first batch it claims after: nothing of the campaign goes to the test mailbox."""

    def test_a_relay_added_just_before_a_campaign_takes_all_of_it(self) -> None:
        mailing_list = contacts_on_a_list(5)
        trial = campaign_to(mailing_list)
        scheduling.start_due_campaigns()
        sender = start_sender()
        try:
            # With no relay yet, the running sender keeps the trial in the test mailbox.
            wait_until(lambda: left_to_send() == 0)
            trial.refresh_from_db()
            trial_messages = Message.objects.filter(mailing=trial.mailing)
            self.assertEqual(trial_messages.filter(status=MessageStatus.OUTBOX).count(), 5)

            mailbox = Mailbox()
            with smtp_server(mailbox):
                campaign = campaign_to(mailing_list)
                scheduling.start_due_campaigns()
                wait_until(lambda: left_to_send() == 0)
        finally:
            sender.send_signal(signal.SIGTERM)
            self.assertEqual(sender.wait(timeout=30), 0)

        self.assertEqual(len(mailbox.count()), 5)
        campaign.refresh_from_db()
        messages = Message.objects.filter(mailing=campaign.mailing)
        self.assertEqual(messages.filter(status=MessageStatus.SENT).count(), 5)
        self.assertFalse(messages.filter(status=MessageStatus.OUTBOX).exists())
        self.assertEqual(QuotaDebit.objects.aggregate(total=Sum("count"))["total"], 5)
