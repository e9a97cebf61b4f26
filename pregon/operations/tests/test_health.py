"""/healthz and /readyz: what systemd, nginx and monitoring ask, without logging in.

The heartbeats are rows as the processes write them; an aged row is a process that stopped.
An unapplied migration is the migrations' record without its last entry, as a database
looks before `pregon migrate` ran.
"""

import datetime

from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings
from django.urls import resolve
from django.utils import timezone

from pregon.sending import heartbeats
from pregon.sending.models import Heartbeat
from pregon.testing import BaseTestCase


def heard(kind: str, ago: float = 0.0, host: str = "web1") -> Heartbeat:
    """A process of ``kind`` whose last beat was ``ago`` seconds ago."""
    at = timezone.now() - datetime.timedelta(seconds=ago)
    return Heartbeat.objects.create(
        kind=kind, name=f"{kind}@{host}:{Heartbeat.objects.count()}", seen_at=at
    )


class HealthTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # A browser form never calls these: CSRF checks on, as a real client would have.
        self.client = Client(enforce_csrf_checks=True)

    def test_healthz_answers_ok_to_anybody(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok\n")
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertEqual(self.client.head("/healthz").status_code, 200)

    def test_healthz_takes_no_post(self) -> None:
        self.assertEqual(self.client.post("/healthz").status_code, 405)

    def test_readyz_is_ok_with_a_scheduler_and_a_sender(self) -> None:
        heard("scheduler", ago=3)
        heard("sender", ago=1)
        response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok\n")

    def test_a_scheduler_not_heard_from_lately_makes_it_unready(self) -> None:
        heard("scheduler", ago=(heartbeats.STALE + datetime.timedelta(seconds=5)).total_seconds())
        heard("sender", ago=1)
        response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        # The failing check's name, and nothing else (no host, pid or count).
        self.assertEqual(response.content, b"scheduler\n")

    def test_no_sender_makes_it_unready(self) -> None:
        heard("scheduler", ago=1)
        heard("sender", ago=600, host="mail2")
        response = self.client.get("/readyz")
        self.assertEqual((response.status_code, response.content), (503, b"sender\n"))

    def test_an_unapplied_migration_makes_it_unready(self) -> None:
        heard("scheduler")
        heard("sender")
        self.assertEqual(self.client.get("/readyz").status_code, 200)
        app, name = sorted(MigrationLoader(connection).graph.leaf_nodes())[-1]
        MigrationRecorder(connection).record_unapplied(app, name)
        response = self.client.get("/readyz")
        self.assertEqual((response.status_code, response.content), (503, b"migrations\n"))
        MigrationRecorder(connection).record_applied(app, name)
        self.assertEqual(self.client.get("/readyz").status_code, 200)

    def test_a_database_that_does_not_answer_makes_it_unready(self) -> None:
        heard("scheduler")
        heard("sender")

        def database_away(execute: object, sql: str, *args: object) -> object:
            raise OperationalError("connection to server at 127.0.0.1 failed")

        with connection.execute_wrapper(database_away), self.assertLogs("pregon.operations"):
            response = self.client.get("/readyz")
            self.assertEqual(self.client.get("/healthz").status_code, 200)
        # The address of the server stays in the log, not in the answer.
        self.assertEqual((response.status_code, response.content), (503, b"database\n"))

    def test_the_scheduler_s_own_beat_counts(self) -> None:
        # The cache of each process's last write outlives a test's rolled-back rows.
        heartbeats._last_write.clear()
        heard("sender")
        self.assertEqual(self.client.get("/readyz").status_code, 503)
        call_command("runscheduler", "--once")
        self.assertEqual(self.client.get("/readyz").status_code, 200)

    def test_a_worker_loop_beats(self) -> None:
        heartbeats._last_write.clear()
        call_command("runautomation", "--once")
        call_command("runsmssender", "--once")
        self.assertEqual(heartbeats.alive(), {"automation": 1, "sms-sender": 1})

    def test_a_beat_the_database_refuses_does_not_stop_the_worker(self) -> None:
        heartbeats._last_write.clear()

        def refuse_heartbeats(execute: object, sql: str, *args: object) -> object:
            if "sending_heartbeat" in sql:
                raise OperationalError("server closed the connection unexpectedly")
            return execute(sql, *args)

        with connection.execute_wrapper(refuse_heartbeats):
            with self.assertLogs("pregon.sending.heartbeats", "WARNING"):
                call_command("runautomation", "--once")
        # Tried again on the next turn, once the database answers.
        call_command("runautomation", "--once")
        self.assertEqual(heartbeats.alive(), {"automation": 1})

    def test_a_process_starting_forgets_those_long_gone(self) -> None:
        heartbeats._last_write.clear()
        gone = heard("sender", ago=heartbeats.FORGOTTEN.total_seconds() + 60)
        quiet = heard("sender", ago=120)
        heartbeats.beat("sender")
        self.assertFalse(Heartbeat.objects.filter(pk=gone.pk).exists())
        self.assertTrue(Heartbeat.objects.filter(pk=quiet.pk).exists())
        self.assertEqual(heartbeats.alive(), {"sender": 1})

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_the_probes_answer_over_plain_http_on_the_loopback(self) -> None:
        heard("scheduler")
        heard("sender")
        self.assertEqual(self.client.get("/cuenta/entrar/").status_code, 301)
        self.assertEqual(self.client.get("/healthz").status_code, 200)
        self.assertEqual(self.client.get("/readyz").status_code, 200)

    def test_the_probes_are_deliberately_public(self) -> None:
        # Django's LoginRequiredMiddleware (and any two-step login rule built like it)
        # lets these through; every other screen requires a login.
        for path in ("/healthz", "/readyz", "/metrics"):
            with self.subTest(path):
                view = resolve(path).func
                self.assertIs(view.login_required, False)
                self.assertIs(view.csrf_exempt, True)
