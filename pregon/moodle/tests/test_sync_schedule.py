import datetime

import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pregon import scheduler
from pregon.moodle import sync
from pregon.moodle.models import Connection, SyncKind, SyncRun, SyncStatus
from pregon.moodle.tasks import sync_moodle
from pregon.testing import BaseTestCase
from pregon.testing.moodle_sync import connect
from pregon.testing.moodle_ws import Category, Course, Dataset, FakeMoodle

HOUR = datetime.timedelta(hours=1)


class RequestSyncTestCase(BaseTestCase):
    """request_sync queues one run and its task; the task runs it."""

    def setUp(self) -> None:
        super().setUp()
        dataset = Dataset(
            categories=[Category(1, "Gestión")], courses=[Course(10, "Ética", "E", 1)]
        )
        self.moodle = self.enterContext(FakeMoodle(dataset))
        connect(self.moodle)

    def test_it_queues_a_run_and_its_task_once(self) -> None:
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            run = sync.request_sync(SyncKind.FULL, self.alice)
        self.assertEqual(len(callbacks), 1)
        self.assertEqual((run.kind, run.status, run.started_by), ("full", "queued", self.alice))
        [task] = DBTaskResult.objects.all()
        self.assertEqual(task.args_kwargs["args"], [run.pk])

        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            again = sync.request_sync(SyncKind.INCREMENTAL, self.bob)
        self.assertEqual((again, callbacks), (run, []))

    def test_the_task_runs_the_sync(self) -> None:
        run = sync.request_sync(SyncKind.INCREMENTAL)

        sync_moodle.call(run.pk)

        run.refresh_from_db()
        self.assertEqual(run.status, SyncStatus.DONE, run.error)
        self.assertEqual(run.counts["courses"]["created"], 1)

    def test_a_duplicate_task_does_nothing(self) -> None:
        run = sync.request_sync(SyncKind.INCREMENTAL)
        sync.run(run.pk)
        finished = SyncRun.objects.get(pk=run.pk).finished_at

        sync.run(run.pk)

        self.assertEqual(SyncRun.objects.get(pk=run.pk).finished_at, finished)
        self.assertEqual(len(self.moodle.calls_to("core_course_get_categories")), 1)

    def test_without_a_connection_the_run_fails_with_advice(self) -> None:
        Connection.objects.all().delete()
        run = sync.request_sync(SyncKind.INCREMENTAL)

        sync.run(run.pk)

        run.refresh_from_db()
        self.assertEqual((run.status, run.error_code), (SyncStatus.FAILED, "connection"))
        self.assertTrue(run.error)


class RunDueTestCase(BaseTestCase):
    """The scheduler's job: a sync every sync_every_hours, and runs nobody took."""

    def setUp(self) -> None:
        super().setUp()
        self.moodle = self.enterContext(FakeMoodle(Dataset()))

    def finished(self, hours_ago: float, status: SyncStatus = SyncStatus.DONE) -> SyncRun:
        at = timezone.now() - hours_ago * HOUR
        return SyncRun.objects.create(status=status, created_at=at, started_at=at, finished_at=at)

    def test_nothing_is_due_without_a_connection_or_a_schedule(self) -> None:
        self.assertFalse(sync.run_due())
        connect(self.moodle, sync_every_hours=0)
        self.assertFalse(sync.run_due())
        self.assertFalse(SyncRun.objects.exists())

    def test_the_first_sync_is_due_at_once_and_the_next_after_the_hours(self) -> None:
        connect(self.moodle, sync_every_hours=6)

        self.assertTrue(sync.run_due())

        run = SyncRun.objects.get()
        self.assertEqual((run.kind, run.status, run.started_by), ("incremental", "queued", None))
        self.assertFalse(sync.run_due())  # One is queued already.
        run.delete()
        self.finished(hours_ago=5)
        self.assertFalse(sync.run_due())
        with time_machine.travel(timezone.now() + 2 * HOUR):
            self.assertTrue(sync.run_due())
        self.assertEqual(SyncRun.objects.filter(status=SyncStatus.QUEUED).count(), 1)

    def test_a_queued_run_nobody_took_fails_with_advice(self) -> None:
        connect(self.moodle, sync_every_hours=0)
        run = sync.request_sync(SyncKind.INCREMENTAL)

        with time_machine.travel(timezone.now() + sync.runs.UNCLAIMED_AFTER + HOUR):
            self.assertTrue(sync.run_due())

        run.refresh_from_db()
        self.assertEqual((run.status, run.error_code), (SyncStatus.FAILED, "unclaimed"))

    def test_the_scheduler_ticks_it(self) -> None:
        connect(self.moodle, sync_every_hours=24)

        scheduler.tick()

        self.assertEqual(SyncRun.objects.get().status, SyncStatus.QUEUED)
