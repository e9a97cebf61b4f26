import datetime
from pathlib import Path

import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from pregon.contacts import imports
from pregon.contacts.models import Contact, Import, ImportStatus, MailingList, Subscription
from pregon.testing import BaseTestCase

CSV = (
    "Correo;Nombre\r\n"
    + "".join(f"persona{i}@example.pe;Persona {i}\r\n" for i in range(40))
    + "mal-correo;Mal\r\n"
    + "persona7@example.pe;Repetida\r\n"
)
LATER = datetime.timedelta(minutes=2)


class ImportReaperTestCase(BaseTestCase):
    """reap_stale_imports: requeue imports whose worker died, and delete old files."""

    def setUp(self) -> None:
        super().setUp()
        self.use_temporary_media()
        self.enterContext(translation.override("en"))
        self.courses = MailingList.objects.create(name="Cursos virtuales")
        self.imp = imports.create_import(
            SimpleUploadedFile("alumnos.csv", CSV.encode()), user=self.bob, language="en"
        )

    def start(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            imports.start_import(
                self.imp,
                {"0": "email", "1": "first_name"},
                update_existing=True,
                mailing_list=self.courses,
            )

    def worker_died(self, attempts: int = 1, **progress: object) -> None:
        """Leave the import as a worker that claimed it and then died leaves it."""
        Import.objects.filter(pk=self.imp.pk).update(
            status=ImportStatus.RUNNING, attempts=attempts, started_at=timezone.now(), **progress
        )

    def reap(self) -> int:
        with self.captureOnCommitCallbacks(execute=True):
            touched = imports.reap_stale_imports()
        self.imp.refresh_from_db()
        return touched

    def tasks(self) -> list[list[int]]:
        return [r.args_kwargs["args"] for r in DBTaskResult.objects.order_by("enqueued_at")]

    def test_a_running_import_whose_lease_ran_out_is_requeued(self) -> None:
        self.start()
        self.worker_died()
        with time_machine.travel(timezone.now() + LATER, tick=False):
            self.assertEqual(self.reap(), 1)
            self.assertEqual((self.imp.status, self.imp.attempts), (ImportStatus.QUEUED, 2))
            self.assertEqual(self.imp.leased_until, timezone.now() + imports.LEASE)
        self.assertEqual(self.tasks(), [[self.imp.pk, 1], [self.imp.pk, 2]])
        latest = DBTaskResult.objects.order_by("enqueued_at").last()
        self.assertEqual(self.imp.task_id, str(latest.id))
        self.assertEqual(Contact.objects.count(), 0)

    def test_the_next_attempt_imports_every_row_once(self) -> None:
        self.start()
        # The first worker committed the progress of a chunk, then died.
        self.worker_died(processed_rows=30, rejected_count=1)
        with time_machine.travel(timezone.now() + LATER):
            self.reap()
            imports.run_import(self.imp.pk, 1)  # The first worker's task, run again: too late.
            self.imp.refresh_from_db()
            self.assertEqual(self.imp.status, ImportStatus.QUEUED)
            imports.run_import(self.imp.pk, 2)
        self.imp.refresh_from_db()
        self.assertEqual(self.imp.status, ImportStatus.DONE)
        self.assertEqual((self.imp.created_count, self.imp.rejected_count), (40, 2))
        self.assertEqual((self.imp.total_rows, self.imp.processed_rows), (42, 42))
        self.assertEqual(Contact.objects.count(), 40)
        self.assertEqual(Subscription.objects.count(), 40)
        self.assertEqual(Contact.objects.get(email="persona7@example.pe").first_name, "Persona 7")

    def test_after_three_attempts_the_import_fails(self) -> None:
        self.start()
        self.worker_died(attempts=3)
        with time_machine.travel(timezone.now() + LATER, tick=False):
            self.assertEqual(self.reap(), 1)
            self.assertEqual(self.imp.finished_at, timezone.now())
        self.assertEqual((self.imp.status, self.imp.attempts), (ImportStatus.FAILED, 3))
        self.assertEqual(
            self.imp.error,
            "The import was interrupted 3 times, and nothing was imported. "
            "Try again later; if it happens again, tell your administrator.",
        )
        self.assertIsNone(self.imp.leased_until)
        self.assertEqual(self.tasks(), [[self.imp.pk, 1]])  # No new attempt.
        imports.run_import(self.imp.pk, 3)
        self.assertEqual(Contact.objects.count(), 0)

    def test_giving_up_deletes_the_report_the_dead_worker_began(self) -> None:
        self.start()
        self.worker_died(attempts=3)
        report = Path(settings.MEDIA_ROOT) / "imports" / "reports" / f"{self.imp.code}-3.csv"
        report.parent.mkdir(parents=True)
        report.write_text("Row,Correo,Nombre,Reason\n42,mal-correo,Mal,…\n", encoding="utf-8-sig")
        with time_machine.travel(timezone.now() + LATER):
            self.reap()
        self.assertEqual((self.imp.status, self.imp.report.name), (ImportStatus.FAILED, ""))
        self.assertFalse(report.exists())

    def test_a_running_import_with_a_fresh_lease_is_left_alone(self) -> None:
        self.start()
        self.worker_died()
        leased_until = Import.objects.get(pk=self.imp.pk).leased_until
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=50)):
            self.assertEqual(self.reap(), 0)
        self.assertEqual((self.imp.status, self.imp.attempts), (ImportStatus.RUNNING, 1))
        self.assertEqual(self.imp.leased_until, leased_until)
        self.assertEqual(self.tasks(), [[self.imp.pk, 1]])

    def test_a_queued_import_waiting_for_a_worker_is_left_alone(self) -> None:
        self.start()
        with time_machine.travel(timezone.now() + LATER):
            self.assertEqual(self.reap(), 0)
        self.assertEqual((self.imp.status, self.imp.attempts), (ImportStatus.QUEUED, 1))
        self.assertEqual(self.tasks(), [[self.imp.pk, 1]])

    def test_a_queued_import_whose_task_is_gone_is_requeued(self) -> None:
        self.start()
        DBTaskResult.objects.all().delete()
        with time_machine.travel(timezone.now() + LATER):
            self.assertEqual(self.reap(), 1)
        self.assertEqual((self.imp.status, self.imp.attempts), (ImportStatus.QUEUED, 2))
        self.assertEqual(self.tasks(), [[self.imp.pk, 2]])
        imports.run_import(self.imp.pk, 2)
        self.assertEqual(Contact.objects.count(), 40)

    def test_an_upload_nobody_started_is_deleted_after_a_day(self) -> None:
        path = Path(self.imp.file.path)
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=23)):
            self.reap()
        self.assertTrue(path.exists())
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
            self.assertEqual(imports.reap_stale_imports(), 0)
        self.assertFalse(Import.objects.filter(pk=self.imp.pk).exists())
        self.assertFalse(path.exists())

    def test_a_finished_import_loses_its_file_after_a_day_but_keeps_its_report(self) -> None:
        self.start()
        imports.run_import(self.imp.pk, 1)
        self.imp.refresh_from_db()
        source, report = Path(self.imp.file.path), Path(self.imp.report.path)
        self.assertTrue(source.exists())
        self.assertTrue(report.exists())
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=23)):
            self.reap()
        self.assertTrue(source.exists())
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
            self.reap()
        self.assertEqual((self.imp.status, self.imp.file.name), (ImportStatus.DONE, ""))
        self.assertFalse(source.exists())
        self.assertTrue(report.exists())
        self.assertEqual(self.imp.report.name, f"imports/reports/{self.imp.code}-1.csv")

    def test_a_failed_import_loses_its_file_after_a_day(self) -> None:
        self.start()
        self.worker_died(attempts=3)
        source = Path(self.imp.file.path)
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
            self.reap()
        self.assertEqual((self.imp.status, self.imp.file.name), (ImportStatus.FAILED, ""))
        self.assertFalse(source.exists())

    def test_a_running_import_keeps_its_file_after_a_day(self) -> None:
        self.start()
        self.worker_died(leased_until=timezone.now() + datetime.timedelta(days=2))
        source = Path(self.imp.file.path)
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
            self.assertEqual(self.reap(), 0)
        self.assertEqual(self.imp.status, ImportStatus.RUNNING)
        self.assertTrue(source.exists())
