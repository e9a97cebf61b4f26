"""Several delivery backends at once: shares by weight, failover, and connection slots
that every sender shares."""

import datetime
import random
import subprocess
import unittest
from contextlib import ExitStack

import psycopg
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign
from pregon.lib.processes import this_process
from pregon.sending import engine
from pregon.sending.models import (
    Backend,
    BackendKind,
    BackendSlot,
    Message,
    MessageStatus,
    Security,
)
from pregon.sending.transports import Outcome, configuration, open_transport
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, free_port, smtp_server


def ended_pid() -> int:
    """The id of a process of this machine that has ended (and been waited for)."""
    process = subprocess.Popen(["true"])  # noqa: S607
    process.wait()
    return process.pid


def ended_process() -> str:
    """The name (``lib.processes``) of a process of this machine that has ended."""
    machine, _, _pid = this_process().rpartition(":")
    return f"{machine}:{ended_pid()}"


class RelaysTestCase(TestCase):
    def setUp(self) -> None:
        self.stack = ExitStack()
        self.addCleanup(self.stack.close)
        random.seed(20261125)

    def relay(self, mailbox: Mailbox, **fields: object) -> Backend:
        backend = self.stack.enter_context(smtp_server(mailbox))
        Backend.objects.filter(pk=backend.pk).update(**fields)
        backend.refresh_from_db()
        return backend

    def test_messages_are_shared_by_weight(self) -> None:
        heavy, light = Mailbox(), Mailbox()
        self.relay(heavy, weight=3)
        self.relay(light, weight=1)
        campaign_to(contacts_on_a_list(400))
        scheduling.start_due_campaigns()
        send_all()
        self.assertEqual(len(heavy.received) + len(light.received), 400)
        self.assertAlmostEqual(len(heavy.received) / 400, 0.75, delta=0.07)

    def test_a_relay_that_is_down_or_defers_hands_over_to_the_next(self) -> None:
        Backend.objects.create(
            name="Caído",
            kind=BackendKind.SMTP,
            host="127.0.0.1",
            port=free_port(),
            security=Security.NONE,
            weight=5,
        )
        deferring = Mailbox(lambda to, attempt: "451 4.3.0 Try later")
        working = Mailbox()
        self.relay(deferring, weight=5)
        self.relay(working, weight=1)
        campaign_to(contacts_on_a_list(30))
        scheduling.start_due_campaigns()
        send_all()
        self.assertEqual(len(working.count()), 30)
        self.assertEqual(set(working.count().values()), {1})
        self.assertEqual(Message.objects.filter(status=MessageStatus.SENT).count(), 30)

    def test_a_message_that_may_have_arrived_is_not_sent_again_elsewhere_at_once(self) -> None:
        vanishing = Mailbox(lambda to, attempt: "drop" if "0003" in to else None)
        other = Mailbox()
        self.relay(vanishing, weight=1000)
        self.relay(other, weight=1)
        campaign_to(contacts_on_a_list(5))
        scheduling.start_due_campaigns()
        send_all()
        self.assertNotIn("persona0003@example.pe", other.count())
        waiting = Message.objects.get(email="persona0003@example.pe")
        self.assertEqual((waiting.status, waiting.attempts), (MessageStatus.QUEUED, 1))

    def test_a_backend_s_connection_limit_holds_for_every_sender(self) -> None:
        self.relay(Mailbox(), max_connections=1)
        campaign_to(contacts_on_a_list(10))
        scheduling.start_due_campaigns()
        first, second = engine.Worker(open_transport()), engine.Worker(open_transport())
        self.assertTrue(engine.send_batch(first, size=2))
        self.assertFalse(engine.send_batch(second, size=2))  # No free connection: it waits.
        self.assertEqual(Message.objects.filter(status=MessageStatus.QUEUED).count(), 8)
        # A person's test send still goes out at once.
        outcomes = engine.send_tests(Campaign.objects.get(), ["jefa@example.pe"])
        self.assertEqual(outcomes[0][1].outcome, Outcome.SENT)
        first.transport.close()
        self.assertTrue(engine.send_batch(second, size=2))
        second.transport.close()

    def test_a_killed_sender_s_slot_goes_at_once_to_a_sender_of_its_machine(self) -> None:
        self.relay(Mailbox(), max_connections=1)
        campaign_to(contacts_on_a_list(10))
        scheduling.start_due_campaigns()
        killed, restarted = engine.Worker(open_transport()), engine.Worker(open_transport())
        self.assertTrue(engine.send_batch(killed, size=2))
        # What a SIGKILL leaves: the slot held, in the name of a process that has ended.
        BackendSlot.objects.update(holder_process=ended_process())
        self.assertTrue(engine.send_batch(restarted, size=2))
        self.assertEqual(Message.objects.filter(status=MessageStatus.SENT).count(), 4)
        restarted.transport.close()

    def test_a_slot_held_on_another_machine_waits_for_its_lease(self) -> None:
        self.relay(Mailbox(), max_connections=1)
        campaign_to(contacts_on_a_list(10))
        scheduling.start_due_campaigns()
        elsewhere, here = engine.Worker(open_transport()), engine.Worker(open_transport())
        self.assertTrue(engine.send_batch(elsewhere, size=2))
        # This machine cannot see whether a process of another one still runs.
        BackendSlot.objects.update(holder_process=f"otro-servidor:{ended_pid()}")
        self.assertFalse(engine.send_batch(here, size=2))
        BackendSlot.objects.update(held_until=timezone.now() - datetime.timedelta(seconds=1))
        self.assertTrue(engine.send_batch(here, size=2))
        here.transport.close()

    def test_senders_notice_a_changed_backend(self) -> None:
        backend = self.relay(Mailbox())
        before = configuration()
        self.assertEqual(configuration(), before)
        Backend.objects.filter(pk=backend.pk).update(weight=7)
        self.assertNotEqual(configuration(), before)
        changed = configuration()
        Backend.objects.filter(pk=backend.pk).update(is_active=False)
        self.assertEqual(configuration(), [])
        self.assertNotEqual(changed, [])


@unittest.skipUnless(connection.vendor == "postgresql", "ends the sender's own session")
class DatabaseGoneAtHandOverTestCase(TransactionTestCase):
    def test_the_messages_a_relay_accepted_are_recorded_though_a_hand_over_failed(self) -> None:
        deferred = "persona0002@example.pe"
        connection.ensure_connection()
        sender_session = connection.connection.info.backend_pid
        params = connection.get_connection_params()

        def answer(to: str, attempt: int) -> str | None:
            if to != deferred:
                return None
            # The database restarts as this relay defers a message, which then needs
            # another relay's connection slot (a database read) to go there.
            with psycopg.connect(**params, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [sender_session])
            return "451 4.3.0 Try later"

        random.seed(20261125)
        with ExitStack() as stack:
            deferring = Mailbox(answer)
            for mailbox, weight in ((deferring, 1000), (Mailbox(), 1)):
                backend = stack.enter_context(smtp_server(mailbox))
                Backend.objects.filter(pk=backend.pk).update(weight=weight)
            campaign_to(contacts_on_a_list(6))
            scheduling.start_due_campaigns()
            worker = engine.Worker(open_transport())
            try:
                self.assertTrue(engine.send_batch(worker, size=6))
            finally:
                worker.close()
        accepted = set(deferring.count()) - {deferred}
        # Each message the relay accepted is on record as sent, or it would go again.
        sent = Message.objects.filter(status=MessageStatus.SENT)
        self.assertEqual(set(sent.values_list("email", flat=True)), accepted)
        self.assertEqual(len(accepted), 5)


class EhloNameTestCase(TestCase):
    """The name Pregón gives relays in EHLO: configured, or the site's host; never the
    machine's own name, which is "localhost" on many servers."""

    def send_through(self, mailbox: Mailbox) -> None:
        with smtp_server(mailbox):
            campaign_to(contacts_on_a_list(2))
            scheduling.start_due_campaigns()
            send_all()

    @override_settings(SITE_URL="https://correo.escuela.example.pe", EHLO_NAME="")
    def test_it_defaults_to_the_site_s_host(self) -> None:
        mailbox = Mailbox()
        self.send_through(mailbox)
        self.assertEqual({r.helo for r in mailbox.received}, {"correo.escuela.example.pe"})

    @override_settings(SITE_URL="http://127.0.0.1:8000", EHLO_NAME="")
    def test_a_site_at_an_ip_address_gives_it_as_an_address_literal(self) -> None:
        mailbox = Mailbox()
        self.send_through(mailbox)
        self.assertEqual({r.helo for r in mailbox.received}, {"[127.0.0.1]"})

    @override_settings(SITE_URL="https://correo.escuela.example.pe", EHLO_NAME="mx1.entidad.pe")
    def test_it_can_be_set(self) -> None:
        mailbox = Mailbox()
        self.send_through(mailbox)
        self.assertEqual({r.helo for r in mailbox.received}, {"mx1.entidad.pe"})
