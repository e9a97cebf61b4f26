import datetime
from unittest import mock

import requests
import time_machine
from django.utils import timezone, translation

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.moodle import client, sync
from pregon.moodle.client import explain
from pregon.moodle.models import Enrolment, SyncKind, SyncRun, SyncStatus
from pregon.moodle.sync import people
from pregon.testing import BaseTestCase
from pregon.testing.moodle_sync import connect, sync_now
from pregon.testing.moodle_ws import (
    FUNCTIONS,
    Category,
    Course,
    Dataset,
    FakeMoodle,
    Fault,
    User,
)
from pregon.testing.moodle_ws import (
    Enrolment as MoodleEnrolment,
)

PARTICIPANTS = "core_enrol_get_enrolled_users"


def spanish(code: str) -> str:
    with translation.override("es"):
        return explain(code, "")


class SyncFailureTestCase(BaseTestCase):
    """A sync that fails part-way leaves the previous data whole, and the next continues."""

    def setUp(self) -> None:
        super().setUp()
        self.dataset = Dataset(
            categories=[Category(1, "Gestión pública")],
            courses=[
                Course(10, "Ética", "ETICA", 1),
                Course(11, "Contrataciones", "CONTR", 1),
                Course(12, "Ofimática", "OFI", 1),
            ],
            users=[
                User(100, "ana", "Ana", "Quispe", "ana@example.pe"),
                User(101, "luis", "Luis", "Huamán", "luis@example.pe"),
                User(102, "rosa", "Rosa", "Flores", "rosa@example.pe"),
            ],
            enrolments=[
                MoodleEnrolment(100, 10),
                MoodleEnrolment(100, 11),
                MoodleEnrolment(101, 11),
                MoodleEnrolment(101, 12),
            ],
        )
        self.moodle = self.enterContext(FakeMoodle(self.dataset))
        connect(self.moodle)
        self.assertEqual(sync_now().status, SyncStatus.DONE)
        # What changes in the classroom before the next sync: one change in each course.
        self.dataset.enrol(102, 10)
        self.dataset.unenrol(100, 11)
        self.dataset.enrol(102, 12)
        self.moodle.calls.clear()

    def enrolled(self) -> set[tuple[int, str]]:
        return set(Enrolment.objects.values_list("course__moodle_id", "contact__email"))

    BEFORE = {
        (10, "ana@example.pe"),
        (11, "ana@example.pe"),
        (11, "luis@example.pe"),
        (12, "luis@example.pe"),
    }
    AFTER = {
        (10, "ana@example.pe"),
        (10, "rosa@example.pe"),
        (11, "luis@example.pe"),
        (12, "luis@example.pe"),
        (12, "rosa@example.pe"),
    }

    def courses_listed(self) -> list[str]:
        """The courses whose participants were asked, in order (each once, however many
        pages it took)."""
        return list(dict.fromkeys(c.params["courseid"] for c in self.moodle.calls_to(PARTICIPANTS)))

    def test_a_bad_token_fails_and_changes_nothing(self) -> None:
        connect(self.moodle, token="not-the-token")

        run = sync_now(user=self.bob)

        self.assertEqual((run.status, run.error_code), (SyncStatus.FAILED, "invalidtoken"))
        self.assertEqual(run.error, spanish("invalidtoken"))
        self.assertIsNotNone(run.finished_at)
        self.assertEqual(self.enrolled(), self.BEFORE)
        entry = AuditEntry.objects.filter(action=AuditAction.MOODLE_SYNC).latest("pk")
        self.assertEqual(
            (entry.actor, entry.detail["status"], entry.detail["error_code"]),
            (self.bob, "failed", "invalidtoken"),
        )

    def test_a_function_missing_from_the_service_changes_nothing(self) -> None:
        self.moodle.functions = set(FUNCTIONS) - {PARTICIPANTS}

        run = sync_now()

        self.assertEqual((run.status, run.error_code), (SyncStatus.FAILED, "accessexception"))
        self.assertEqual(run.error, spanish("accessexception"))
        self.assertEqual(self.enrolled(), self.BEFORE)

    def test_a_time_out_part_way_keeps_each_course_whole_and_the_next_run_resumes(self) -> None:
        # The second course's list does not come in time (course 10 took two pages, the
        # second empty); the first course was done.
        self.moodle.fail(Fault.timeout(seconds=2), function=PARTICIPANTS, nth=3)
        with mock.patch.object(client, "TIMEOUT", 0.5):
            failed = sync_now()

        self.assertEqual((failed.status, failed.error_code), (SyncStatus.FAILED, "timeout"))
        self.assertEqual(failed.cursor["phase"], "enrolments")
        self.assertEqual(failed.cursor["after"], 10)
        self.assertEqual(self.enrolled(), self.BEFORE | {(10, "rosa@example.pe")})
        self.moodle.calls.clear()

        resumed = sync_now()

        self.assertEqual(resumed.status, SyncStatus.DONE, resumed.error)
        self.assertEqual(resumed.resumed_from, failed)
        self.assertEqual(self.courses_listed(), ["11", "12"])
        self.assertFalse(self.moodle.calls_to("core_course_get_categories"))
        self.assertEqual(self.enrolled(), self.AFTER)
        self.assertEqual(resumed.cursor, {})

    def test_a_run_of_the_other_kind_starts_over(self) -> None:
        self.moodle.fail(Fault.error("invalidtoken"), function=PARTICIPANTS, nth=3)
        failed = sync_now()
        self.assertEqual(failed.cursor["after"], 10)

        run = sync_now(SyncKind.FULL)

        self.assertIsNone(run.resumed_from)
        self.assertEqual(len(self.moodle.calls_to("core_course_get_categories")), 2)
        self.assertEqual(self.enrolled(), self.AFTER)

    def test_a_worker_that_died_is_failed_as_interrupted_and_the_next_run_resumes(self) -> None:
        post = requests.Session.post
        listed = []

        def dying(session: requests.Session, url: str, data: list, **kwargs: object) -> object:
            if ("wsfunction", PARTICIPANTS) in data:
                listed.append(1)
                if len(listed) == 3:  # Course 10 took two pages (the second empty).
                    raise SystemExit  # The worker is killed while it waits for Moodle.
            return post(session, url, data=data, **kwargs)

        run = sync.request_sync(SyncKind.INCREMENTAL)
        with mock.patch.object(requests.Session, "post", dying), self.assertRaises(SystemExit):
            sync.run(run.pk)
        run.refresh_from_db()
        self.assertEqual((run.status, run.cursor["after"]), (SyncStatus.RUNNING, 10))
        self.assertFalse(sync.run_due())  # Its heartbeat is recent.
        self.assertEqual(sync.request_sync(SyncKind.FULL), run)  # One at a time.

        with time_machine.travel(timezone.now() + sync.STALE_AFTER + datetime.timedelta(minutes=1)):
            self.assertTrue(sync.run_due())
        run.refresh_from_db()
        self.assertEqual((run.status, run.error_code), (SyncStatus.FAILED, "interrupted"))
        entry = AuditEntry.objects.filter(action=AuditAction.MOODLE_SYNC).latest("pk")
        self.assertEqual(entry.detail["error_code"], "interrupted")
        self.moodle.calls.clear()

        resumed = sync_now()

        self.assertEqual((resumed.status, resumed.resumed_from), (SyncStatus.DONE, run))
        self.assertEqual(self.courses_listed(), ["11", "12"])
        self.assertEqual(self.enrolled(), self.AFTER)

    def test_a_worker_whose_run_was_failed_while_reading_a_course_stops_without_writing_it(
        self,
    ) -> None:
        post = requests.Session.post
        later = timezone.now() + sync.STALE_AFTER + datetime.timedelta(minutes=1)

        def slow(session: requests.Session, url: str, data: list, **kwargs: object) -> object:
            if ("wsfunction", PARTICIPANTS) in data and ("courseid", "11") in data:
                # The scheduler fails the run while course 11's list is on its way, thinking
                # the worker dead: a new run may now be resuming from course 11, so this
                # worker must not write it.
                with time_machine.travel(later):
                    sync.run_due()
            return post(session, url, data=data, **kwargs)

        with mock.patch.object(requests.Session, "post", slow):
            run = sync_now()

        self.assertEqual((run.status, run.error_code), (SyncStatus.FAILED, "interrupted"))
        # It stopped before writing course 11, and course 12 was not read.
        self.assertEqual(self.courses_listed(), ["10", "11"])
        self.assertEqual(
            SyncRun.objects.filter(status=SyncStatus.DONE).count(), 1
        )  # The first one only.
        # Course 10 was written before; course 11 is as the previous sync left it.
        self.assertEqual(self.enrolled(), self.BEFORE | {(10, "rosa@example.pe")})

    def test_a_course_with_many_new_users_keeps_its_run_alive(self) -> None:
        post = requests.Session.post
        users = "core_user_get_users_by_field"

        def slow(session: requests.Session, url: str, data: list, **kwargs: object) -> object:
            if ("wsfunction", users) in data:
                # Each batch of user details takes six minutes; the scheduler looks each time.
                traveller.shift(datetime.timedelta(minutes=6))
                sync.run_due()
            return post(session, url, data=data, **kwargs)

        with (
            time_machine.travel(timezone.now()) as traveller,
            mock.patch.object(people, "BATCH", 1),
            mock.patch.object(requests.Session, "post", slow),
        ):
            run = sync_now(SyncKind.FULL)

        # Course 10's two users are asked in two batches, twelve minutes in all: the run
        # said it was alive between them.
        self.assertEqual((run.status, run.error_code), (SyncStatus.DONE, ""))
        self.assertEqual(self.enrolled(), self.AFTER)

    def test_a_course_deleted_in_moodle_is_kept_as_it_was(self) -> None:
        with self.dataset.lock:
            del self.dataset.courses[12], self.dataset.rosters[12]
        # And course 11 is deleted after the catalogue was read, before its participants.
        self.moodle.fail(Fault.error("invalidrecordunknown"), function=PARTICIPANTS, nth=3)

        run = sync_now()

        self.assertEqual(run.status, SyncStatus.DONE, run.error)
        self.assertEqual(self.courses_listed(), ["10", "11"])
        self.assertEqual(self.enrolled(), self.BEFORE | {(10, "rosa@example.pe")})
        self.assertEqual((run.done, run.total), (2, 2))
