"""A batch sent to a relay that offers PIPELINING (RFC 2920), and to one that does not:
each message's outcome is its own, whatever the relay refuses mid-batch, and a connection
dropped mid-pipeline records nothing sent that the relay did not accept."""

import signal
import unittest

import psycopg
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import connection
from django.db.models import Sum
from django.test import TestCase, TransactionTestCase

from pregon.campaigns import scheduling
from pregon.contacts.models import Suppression
from pregon.sending import engine
from pregon.sending.models import Message, MessageStatus, QuotaDebit
from pregon.sending.tests.test_runsender import start_sender, wait_until
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.testing.smtp import Mailbox, smtp_server

UNKNOWN = "persona0003@example.pe"  # RCPT TO: 550, no such mailbox
BUSY = "persona0005@example.pe"  # RCPT TO: 450, mailbox busy
DEFERRED = "persona0007@example.pe"  # end of data: 451, the first time
VANISHING = "persona0006@example.pe"  # end of data: the relay hangs up, the first time


def recipient_answer(recipient: str) -> str | None:
    return {
        UNKNOWN: "550 5.1.1 <persona0003@example.pe>: Recipient address rejected: User unknown",
        BUSY: "450 4.2.1 Mailbox busy, try later",
    }.get(recipient)


def answer(recipient: str, attempt: int) -> str | None:
    if attempt > 1:
        return None
    return {DEFERRED: "451 4.3.0 Temporary failure, try later", VANISHING: "drop"}.get(recipient)


class ProbedMailbox(Mailbox):
    """Notes, at each MAIL FROM, whether the client had already sent what follows it: only a
    pipelining client has."""

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        self.ahead: list[bool] = []

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        self.ahead.append(bool(server._reader._buffer))
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"


class OutcomesMixin:
    def status(self, email: str) -> tuple[str, int, int | None]:
        message = Message.objects.get(email=email)
        return message.status, message.attempts, message.smtp_code

    def assertOutcomesAreEachMessage_s(self, mailbox: ProbedMailbox, count: int = 12) -> None:
        received = mailbox.count()
        sent = set(
            Message.objects.filter(status=MessageStatus.SENT).values_list("email", flat=True)
        )
        # Recorded sent exactly when the relay accepted it, and once; each message's content
        # went with its own envelope; none is left in flight.
        self.assertEqual(sent, set(received))
        self.assertEqual(set(received.values()), {1})
        for message in mailbox.received:
            self.assertEqual(message.parsed()["To"].addresses[0].addr_spec, message.recipient)
        self.assertFalse(Message.objects.filter(status=MessageStatus.SENDING).exists())
        self.assertEqual(len(sent), count - 4)
        self.assertEqual(QuotaDebit.objects.aggregate(total=Sum("count"))["total"], len(sent))
        self.assertEqual(self.status(UNKNOWN), (MessageStatus.FAILED, 1, 550))
        self.assertTrue(Suppression.objects.filter(email=UNKNOWN).exists())
        self.assertEqual(self.status(BUSY), (MessageStatus.QUEUED, 1, 450))
        self.assertEqual(self.status(DEFERRED), (MessageStatus.QUEUED, 1, 451))
        # It may have arrived: deferred to its retry, never sent again at once.
        self.assertEqual(self.status(VANISHING)[:2], (MessageStatus.QUEUED, 1))
        self.assertEqual(mailbox.attempts[VANISHING], 1)
        for email in sent:
            self.assertEqual(self.status(email), (MessageStatus.SENT, 0, 250))


class PipeliningTestCase(OutcomesMixin, TestCase):
    def send_batch(self, mailbox: ProbedMailbox, count: int = 12) -> None:
        with smtp_server(mailbox):
            campaign_to(contacts_on_a_list(count))
            scheduling.start_due_campaigns()
            worker = engine.Worker()
            try:
                self.assertTrue(engine.send_batch(worker, 100))
            finally:
                worker.close()

    def test_a_relay_that_offers_pipelining_gets_the_batch_pipelined(self) -> None:
        mailbox = ProbedMailbox(answer=answer, recipient_answer=recipient_answer)
        self.send_batch(mailbox)
        self.assertOutcomesAreEachMessage_s(mailbox)
        self.assertTrue(any(mailbox.ahead))

    def test_a_relay_without_pipelining_gets_one_command_at_a_time(self) -> None:
        mailbox = ProbedMailbox(answer=answer, recipient_answer=recipient_answer, pipelining=False)
        self.send_batch(mailbox)
        self.assertOutcomesAreEachMessage_s(mailbox)
        self.assertFalse(any(mailbox.ahead))

    def test_refusals_in_a_row_leave_the_session_usable(self) -> None:
        refuse = {f"persona{n:04d}@example.pe" for n in (2, 3, 4)}
        mailbox = ProbedMailbox(
            recipient_answer=lambda to: "550 5.1.1 User unknown" if to in refuse else None
        )
        self.send_batch(mailbox, count=8)
        self.assertEqual(set(mailbox.count()), {m.email for m in Message.objects.all()} - refuse)
        failed = Message.objects.filter(status=MessageStatus.FAILED)
        self.assertEqual(set(failed.values_list("email", flat=True)), refuse)

    def test_a_relay_that_closes_the_session_with_421_mid_batch(self) -> None:
        # 421 at the end of a message's data: that message is deferred (it was refused), the
        # ones after it go on a new connection.
        mailbox = ProbedMailbox(
            answer=lambda to, attempt: "421 4.3.2 Shutting down" if to == DEFERRED else None
        )
        self.send_batch(mailbox, count=10)
        self.assertEqual(self.status(DEFERRED), (MessageStatus.QUEUED, 1, 421))
        self.assertEqual(len(mailbox.count()), 9)
        self.assertEqual(Message.objects.filter(status=MessageStatus.SENT).count(), 9)

    def test_a_batch_after_the_relay_hung_up_an_idle_connection_is_pipelined(self) -> None:
        mailbox = ProbedMailbox()
        with smtp_server(mailbox, idle_timeout=1):
            campaign_to(contacts_on_a_list(6))
            scheduling.start_due_campaigns()
            worker = engine.Worker()
            try:
                self.assertTrue(engine.send_batch(worker, 3))
                first = len(mailbox.ahead)
                # The relay hangs up the connection the worker keeps; the worker only
                # finds out when the next batch writes to it.
                with self.assertLogs("mail.log", "INFO") as server_log:
                    wait_until(lambda: any("timeout" in line for line in server_log.output))
                self.assertTrue(engine.send_batch(worker, 3))
            finally:
                worker.close()
        self.assertEqual(set(mailbox.count().values()), {1})
        self.assertEqual(Message.objects.filter(status=MessageStatus.SENT).count(), 6)
        self.assertTrue(any(mailbox.ahead[first:]))


class RunSenderPipeliningTestCase(OutcomesMixin, TransactionTestCase):
    def test_a_sender_process_pipelines_with_each_message_s_outcome(self) -> None:
        mailbox = ProbedMailbox(answer=answer, recipient_answer=recipient_answer)
        with smtp_server(mailbox):
            campaign_to(contacts_on_a_list(40))
            scheduling.start_due_campaigns()
            sender = start_sender()
            try:
                # Everything had its first try; the deferred wait a minute for the next.
                wait_until(
                    lambda: (
                        not Message.objects.filter(
                            status__in=[MessageStatus.QUEUED, MessageStatus.SENDING], attempts=0
                        ).exists()
                    )
                )
            finally:
                sender.send_signal(signal.SIGTERM)
                sender.wait(timeout=30)
        self.assertOutcomesAreEachMessage_s(mailbox, count=40)
        self.assertTrue(any(mailbox.ahead))


@unittest.skipUnless(connection.vendor == "postgresql", "ends the sender's own session")
class DatabaseGoneMidPipelineTestCase(TransactionTestCase):
    def test_what_the_relay_accepted_is_recorded_once_the_database_is_back(self) -> None:
        connection.ensure_connection()
        session, params = connection.connection.info.backend_pid, connection.get_connection_params()

        def answer(to: str, attempt: int) -> None:
            if to == "persona0003@example.pe":
                # The database restarts while the batch is in the relay's hands.
                with psycopg.connect(**params, autocommit=True) as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", [session])

        mailbox = ProbedMailbox(answer=answer)
        with smtp_server(mailbox):
            campaign_to(contacts_on_a_list(8))
            scheduling.start_due_campaigns()
            worker = engine.Worker()
            try:
                self.assertTrue(engine.send_batch(worker, 8))
            finally:
                worker.close()
        # Whatever the database cut short: each message the relay took is on record as sent
        # (or it would go again), once; none failed.
        self.assertEqual(set(mailbox.count().values()), {1})
        sent = Message.objects.filter(status=MessageStatus.SENT)
        self.assertEqual(set(sent.values_list("email", flat=True)), set(mailbox.count()))
        self.assertFalse(Message.objects.filter(status=MessageStatus.FAILED).exists())
        self.assertEqual(
            Message.objects.exclude(status=MessageStatus.SENT).count(), 8 - sent.count()
        )
        self.assertTrue(any(mailbox.ahead))
