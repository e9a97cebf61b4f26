"""A sender across a PostgreSQL restart (the scale-out harness's fault, here one backend
ended by pg_terminate_backend, which is what a restart does to each session): a claim that
fails sends nothing and leaves the worker ready for the next one, and the outcomes of
messages already handed to the relay are recorded once the database answers again, so
that none goes twice and each is debited once."""

import unittest

import psycopg
from django.db import connection
from django.db.models import Sum
from django.test import TransactionTestCase

from pregon.scheduler import tick
from pregon.sending import engine
from pregon.sending.models import Message, MessageStatus, QuotaDebit
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.testing.smtp import Mailbox, smtp_server


def end_session(backend_pid: int) -> None:
    """End the session of ``backend_pid`` from a connection of our own."""
    parameters = connection.get_connection_params()
    parameters.pop("cursor_factory", None)
    with psycopg.connect(**parameters, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])


@unittest.skipUnless(connection.vendor == "postgresql", "a PostgreSQL session ended")
class DatabaseRestartTestCase(TransactionTestCase):
    def test_outcomes_of_sent_messages_are_recorded_once_the_database_is_back(self) -> None:
        sessions: list[int] = []

        def answer(recipient: str, attempt: int) -> None:
            # While the batch goes out, the worker's database session ends.
            if not sessions:
                sessions.append(backend)
                end_session(backend)

        mailbox = Mailbox(answer)
        with smtp_server(mailbox):
            campaign_to(contacts_on_a_list(5))
            tick()
            worker = engine.Worker()
            try:
                connection.ensure_connection()
                backend = connection.connection.info.backend_pid
                self.assertTrue(engine.send_batch(worker, 10))
            finally:
                worker.close()
        self.assertEqual(sessions, [backend])
        self.assertNotEqual(connection.connection.info.backend_pid, backend)
        self.assertEqual(
            Message.objects.filter(status=MessageStatus.SENT).count(), len(mailbox.received)
        )
        self.assertEqual(len(mailbox.received), 5)
        self.assertEqual(QuotaDebit.objects.aggregate(total=Sum("count"))["total"], 5)

    def test_a_claim_on_a_dead_connection_sends_nothing_and_the_next_one_works(self) -> None:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            campaign_to(contacts_on_a_list(3))
            tick()
            worker = engine.Worker()
            try:
                connection.ensure_connection()
                end_session(connection.connection.info.backend_pid)
                self.assertFalse(engine.send_batch(worker, 10))
                self.assertEqual(mailbox.received, [])
                self.assertTrue(engine.send_batch(worker, 10))
            finally:
                worker.close()
        self.assertEqual(len(mailbox.received), 3)
        self.assertEqual(Message.objects.filter(status=MessageStatus.SENT).count(), 3)
