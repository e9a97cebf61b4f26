"""Syncs on the connection page: the buttons queue one run at a time, the progress card that
htmx polls, and the history with its counts, people and errors."""

import datetime

from django.urls import reverse
from django.utils import timezone

from pregon.moodle.models import Connection, SyncKind, SyncRun, SyncStatus
from pregon.testing import BaseTestCase

COUNTS = {
    "categories": {"created": 3, "updated": 0, "unchanged": 0},
    "courses": {"created": 12, "updated": 0, "unchanged": 0},
    "contacts": {"created": 1200, "updated": 40, "unchanged": 7, "skipped": 2},
    "enrolments": {"created": 1534, "updated": 0, "unchanged": 0},
}


class SyncScreensTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice)
        self.connection = Connection(url="https://aula.escuela.gob.pe")
        self.connection.set_token("0123456789abcdef0123456789abcdef")
        self.connection.save()

    def test_only_administrators_may_start_or_follow_syncs(self) -> None:
        run = SyncRun.objects.create()
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            self.assertEqual(self.client.post(reverse("moodle:sync")).status_code, 403)
            self.assertEqual(self.client.get(reverse("moodle:history")).status_code, 403)
            progress = reverse("moodle:progress", args=[run.pk])
            self.assertEqual(self.client.get(progress).status_code, 403)
        self.assertEqual(SyncRun.objects.count(), 1)

    def test_the_buttons_queue_a_sync_of_their_kind_once(self) -> None:
        response = self.client.post(reverse("moodle:sync"), {"kind": "full"}, follow=True)
        run = SyncRun.objects.get()
        self.assertEqual(
            (run.kind, run.status, run.started_by), (SyncKind.FULL, SyncStatus.QUEUED, self.alice)
        )
        card = response.content.decode()
        self.assertIn(f'hx-get="{reverse("moodle:progress", args=[run.pk])}"', card)
        self.assertContains(response, "Waiting for a free worker…")
        again = self.client.post(reverse("moodle:sync"), {"kind": "incremental"}, follow=True)
        self.assertContains(again, "A sync is already under way; its progress is below.")
        self.assertEqual(SyncRun.objects.count(), 1)

    def test_it_refuses_an_unknown_kind_or_a_missing_connection(self) -> None:
        response = self.client.post(reverse("moodle:sync"), {"kind": "everything"}, follow=True)
        self.assertContains(response, "Choose “Sync now” or “Full sync”.")
        Connection.objects.all().delete()
        response = self.client.post(reverse("moodle:sync"), {"kind": "full"}, follow=True)
        self.assertContains(response, "Save the Moodle address and token first.")
        self.assertFalse(SyncRun.objects.exists())

    def test_the_progress_card_shows_the_phase_and_polls_while_running(self) -> None:
        run = SyncRun.objects.create(
            status=SyncStatus.RUNNING, phase="enrolments", done=300, total=1200
        )
        response = self.client.get(reverse("moodle:progress", args=[run.pk]))
        self.assertContains(response, 'data-status="running"')
        self.assertContains(response, 'hx-trigger="every 1s"')
        self.assertContains(
            response, "Reading each course&#x27;s participants and completions: 300 of 1,200."
        )
        self.assertContains(response, 'aria-valuenow="25"')

    def test_a_finished_sync_shows_its_counts_and_stops_polling(self) -> None:
        run = SyncRun.objects.create(
            status=SyncStatus.DONE, finished_at=timezone.now(), counts=COUNTS
        )
        response = self.client.get(reverse("moodle:progress", args=[run.pk]))
        self.assertNotContains(response, "hx-get")
        self.assertContains(response, "Sync finished on")
        html = response.content.decode()
        row = html[html.index('data-kind="contacts"') :]
        self.assertIn('data-count="created">1,200<', row)
        self.assertIn('data-count="updated">40<', row)
        self.assertIn('data-count="skipped">2<', row)

    def test_a_failed_sync_shows_why_in_spanish(self) -> None:
        self.use_spanish()
        message = "Moodle no reconoce el token."
        run = SyncRun.objects.create(
            status=SyncStatus.FAILED,
            finished_at=timezone.now(),
            error_code="invalidtoken",
            error=message,
        )
        response = self.client.get(reverse("moodle:progress", args=[run.pk]))
        self.assertContains(response, message)
        self.assertContains(response, 'data-error-code="invalidtoken"')
        self.assertNotContains(response, "hx-get")

    def test_the_history_lists_every_sync_with_who_kind_counts_and_errors(self) -> None:
        started = timezone.make_aware(datetime.datetime(2026, 3, 2, 6, 0), datetime.UTC)
        SyncRun.objects.create(
            status=SyncStatus.DONE,
            kind=SyncKind.FULL,
            started_by=self.alice,
            started_at=started,
            finished_at=started + datetime.timedelta(minutes=3),
            counts=COUNTS,
        )
        SyncRun.objects.create(
            status=SyncStatus.FAILED,
            started_at=started + datetime.timedelta(hours=24),
            finished_at=started + datetime.timedelta(hours=24, minutes=1),
            error_code="timeout",
            error="Moodle did not answer within 60 seconds. Try again later.",
        )
        response = self.client.get(reverse("moodle:history"))
        html = response.content.decode()
        self.assertEqual(html.count("<tr data-run="), 2)
        self.assertIn("alice@example.org", html)
        self.assertIn("Schedule", html)
        self.assertIn("Contacts: 1,200 new, 40 updated, 7 unchanged, 2 left out", html)
        self.assertIn("Moodle did not answer within 60 seconds.", html)
        # Times are in the account's time zone (America/Lima, UTC-5).
        self.assertIn("03/02/2026 1 a.m.", html)
