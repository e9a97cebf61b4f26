"""Imports against other processes: a worker killed mid-import, and a writer adding one of
the file's addresses while the import inserts its contacts. A TransactionTestCase, since
the other processes and connections must see committed rows."""

import datetime
import signal
import threading
import time
import unittest

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import TransactionTestCase

from pregon.contacts import imports
from pregon.contacts.models import (
    ConsentSource,
    Contact,
    Import,
    ImportStatus,
    MailingList,
    Subscription,
    Tag,
)
from pregon.testing.browser import task_worker

ROWS = 60_000


def contacts_csv(rows: int) -> bytes:
    lines = ["Correo,Nombres,Apellidos"]
    lines += [f"persona{n}@example.pe,Nombre{n},Apellido{n}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


class ImportProcessesTestCase(TransactionTestCase):
    def setUp(self) -> None:
        self.courses = MailingList.objects.create(name="Cursos virtuales")

    def upload(self, content: bytes) -> Import:
        imp = imports.create_import(
            SimpleUploadedFile("alumnos.csv", content), user=None, language="es"
        )
        self.addCleanup(self.delete_files, imp)
        return imp

    def delete_files(self, imp: Import) -> None:
        imp.refresh_from_db()
        imp.file.delete(save=False)
        if imp.report:
            imp.report.delete(save=False)

    def start(self, imp: Import) -> None:
        imports.start_import(
            imp,
            {"0": "email", "1": "first_name", "2": "last_name"},
            update_existing=True,
            mailing_list=self.courses,
            tags=["Importado"],
        )

    def test_an_import_whose_worker_was_killed_is_imported_once_by_the_next_attempt(self) -> None:
        imp = self.upload(contacts_csv(ROWS))
        with task_worker() as worker:
            self.start(imp)  # Queues the task, which the worker takes.
            deadline = time.monotonic() + 120
            # As the screens see it: on SQLite the progress is not in the row until the end.
            while not imports.live_progress(Import.objects.get(pk=imp.pk)).processed_rows:
                self.assertLess(time.monotonic(), deadline, "the worker never began the import")
                time.sleep(0.02)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        imp.refresh_from_db()
        self.assertEqual(imp.status, ImportStatus.RUNNING)  # Killed in the middle.
        self.assertEqual(Contact.objects.count(), 0)  # Nothing half-written.

        later = imp.leased_until + datetime.timedelta(seconds=1)
        with time_machine.travel(later, tick=False):
            self.assertEqual(imports.reap_stale_imports(), 1)
        imports.run_import(imp.pk, 2)  # What the next worker does.

        imp.refresh_from_db()
        self.assertEqual(imp.status, ImportStatus.DONE)
        self.assertEqual((imp.attempts, imp.created_count, imp.rejected_count), (2, ROWS, 0))
        self.assertEqual(Contact.objects.count(), ROWS)
        self.assertEqual(Subscription.objects.filter(mailing_list=self.courses).count(), ROWS)
        tag = Tag.objects.get(name="Importado")
        self.assertEqual(tag.contacts.count(), ROWS)
        codes = Contact.objects.values_list("code", flat=True)
        self.assertEqual(len(set(codes)), ROWS)
        self.assertTrue(all(code.version == 4 for code in codes))

    @unittest.skipUnless(connection.vendor == "postgresql", "SQLite has a single writer")
    def test_an_address_another_writer_adds_meanwhile_keeps_its_consent(self) -> None:
        """The import's plain insert of the chunk meets the new row in the unique index and
        is undone; the general statements then apply the chunk, and update the other
        writer's contact, now committed, as any existing one: its consent stays."""
        imp = self.upload(
            b"Correo,Nombres,Apellidos\nana@example.pe,Ana,Quispe\nrosa@example.pe,Rosa,Flores\n"
        )
        self.start(imp)
        holding = threading.Event()
        failures: list[BaseException] = []

        def other_writer() -> None:
            try:
                with transaction.atomic():
                    Contact.objects.create(
                        email="rosa@example.pe",
                        first_name="Rosa María",
                        consent_source=ConsentSource.FORM,
                        consent_text="Formulario web",
                    )
                    holding.set()
                    # Commit once the import waits for this row in the unique index.
                    deadline = time.monotonic() + 60
                    while not self.someone_waits_for_a_lock():
                        if time.monotonic() > deadline:
                            raise AssertionError("the import never waited for the new row")
                        time.sleep(0.02)
            except BaseException as error:  # Reported by the test's thread.
                failures.append(error)
                holding.set()
            finally:
                connection.close()

        writer = threading.Thread(target=other_writer)
        writer.start()
        holding.wait(timeout=60)
        imports.run_import(imp.pk, 1)
        writer.join(timeout=60)
        self.assertEqual(failures, [])

        imp.refresh_from_db()
        self.assertEqual(imp.status, ImportStatus.DONE)
        self.assertEqual((imp.created_count, imp.updated_count), (1, 1))
        rosa = Contact.objects.get(email="rosa@example.pe")
        self.assertEqual(
            (rosa.first_name, rosa.last_name, rosa.consent_source, rosa.consent_text),
            ("Rosa", "Flores", ConsentSource.FORM, "Formulario web"),
        )
        # The list and the tag still reach every contact of the file.
        self.assertEqual(Subscription.objects.filter(mailing_list=self.courses).count(), 2)
        self.assertEqual(Tag.objects.get(name="Importado").contacts.count(), 2)

    @staticmethod
    def someone_waits_for_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            return cursor.fetchone()[0] > 0
