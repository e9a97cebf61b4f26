"""An import seen from other connections while it runs, and stopped midway. A
TransactionTestCase: the progress of a running import must be visible to others (the web,
the reaper) although its contacts are not, and must stay when the import fails; in a
test's transaction no other connection would see any of it."""

import contextlib
import datetime
import os
import sqlite3
import tempfile
import threading
import time
import unittest
from collections.abc import Iterator
from typing import IO
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import F
from django.test import TransactionTestCase, override_settings
from django.utils import timezone, translation

from pregon.contacts import imports
from pregon.contacts.imports import run
from pregon.contacts.models import Contact, Import, ImportStatus, MailingList, Subscription

IMPORT = Import._meta.db_table
CONTACT = Contact._meta.db_table
SECOND = datetime.timedelta(seconds=1)


class ImportMidwayTestCase(TransactionTestCase):
    def setUp(self) -> None:
        media = tempfile.TemporaryDirectory()
        self.addCleanup(media.cleanup)
        self.enterContext(override_settings(MEDIA_ROOT=media.name))
        self.enterContext(translation.override("en"))
        self.courses = MailingList.objects.create(name="Cursos virtuales")
        Contact.objects.create(email="ana@example.pe", first_name="Ana")
        self.other = connections.create_connection(DEFAULT_DB_ALIAS)
        self.addCleanup(self.other.close)

    def start(self, content: str, mapping: dict[str, str], **options: object) -> Import:
        imp = imports.create_import(
            SimpleUploadedFile("alumnos.csv", content.encode()), user=None, language="en"
        )
        imports.start_import(imp, mapping, update_existing=True, **options)
        return imp

    def seen_by_other(self, imp: Import) -> tuple[int, int]:
        """(the import's processed rows, the contacts) as another connection sees them."""
        with self.other.cursor() as cursor:
            cursor.execute(f"SELECT processed_rows FROM {IMPORT} WHERE id = %s", [imp.pk])  # noqa: S608
            processed = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM {CONTACT}")  # noqa: S608
            return processed, cursor.fetchone()[0]

    @unittest.skipUnless(connection.vendor == "postgresql", "SQLite applies after the check")
    def test_others_see_the_progress_at_once_and_the_contacts_at_the_end(self) -> None:
        rows = "".join(f"persona{n}@example.pe\n" for n in range(10))
        imp = self.start("Correo\n" + rows, {"0": "email"}, mailing_list=self.courses)
        renew = run._renew_lease
        seen = []

        def renew_and_look(*args: object, **kwargs: object) -> None:
            renew(*args, **kwargs)
            # What the import's own connection has written so far, and what others see.
            seen.append((Contact.objects.count(), self.seen_by_other(imp)))

        with (
            mock.patch.object(run, "CHUNK_ROWS", 4),
            mock.patch.object(run, "_renew_lease", renew_and_look),
        ):
            imports.run_import(imp.id, 1)

        imp.refresh_from_db()
        self.assertEqual((imp.status, imp.created_count), (ImportStatus.DONE, 10))
        self.assertEqual(self.seen_by_other(imp), (10, 11))
        # Each chunk's contacts written by the import, its progress committed, and the
        # contacts still out of others' sight.
        self.assertEqual(seen, [(5, (4, 1)), (9, (8, 1)), (11, (10, 1))])

    def test_a_broken_row_halfway_fails_and_leaves_nothing(self) -> None:
        # Row 152 opens a quote that never closes: the rest of the file becomes one cell,
        # over the csv module's limit, after three chunks of rows have been checked.
        rows = "".join(f"persona{i}@example.pe;Persona {i}\r\n" for i in range(150))
        rest = "".join(f"mas{i}@example.pe;Más {i}\r\n" for i in range(60_000))  # > 1 MB
        content = f'Correo;Nombre\r\n{rows}mal@example.pe;"Sin cierre\r\n{rest}'
        imp = self.start(content, {"0": "email", "1": "first_name"}, mailing_list=self.courses)
        with mock.patch.object(run, "CHUNK_ROWS", 50):
            imports.run_import(imp.id, 1)
        imp.refresh_from_db()

        self.assertEqual(imp.status, ImportStatus.FAILED)
        self.assertEqual(
            imp.error,
            'Row 152 of the file has a quotation mark (") that is not closed, or text right '
            "after a closing one. Correct that row and upload the file again.",
        )
        self.assertEqual(imp.processed_rows, 150)  # Progress of the chunks it checked.
        self.assertEqual(imp.created_count, 0)
        self.assertEqual(Contact.objects.count(), 1)
        self.assertFalse(Subscription.objects.exists())
        self.assertFalse(run.report_path(imp).exists())

    @contextlib.contextmanager
    def fed_through_a_pipe(self, imp: Import) -> Iterator[IO[str]]:
        """Run ``imp``'s first attempt in another thread, which reads the file from a pipe
        that the block writes to: the import waits for each row as it would for a slow
        disk, and the test looks at it in between. The import ends when the block does."""
        path = imp.file.path
        os.unlink(path)
        os.mkfifo(path)
        worker = threading.Thread(target=self.run_import_and_close, args=[imp])
        worker.start()
        try:
            with self.opened_for_writing(path) as pipe:
                yield pipe
        finally:
            worker.join(timeout=60)
        self.assertFalse(worker.is_alive())

    @staticmethod
    def run_import_and_close(imp: Import) -> None:
        try:
            imports.run_import(imp.id, 1)
        finally:
            connection.close()  # This thread's own connection.

    @staticmethod
    def opened_for_writing(path: str) -> IO[str]:
        """The pipe at ``path``, once the import's reading process opened it."""
        for _attempt in range(600):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: no reader yet.
                time.sleep(0.05)
                continue
            os.set_blocking(fd, True)
            return open(fd, "w", encoding="utf-8")  # The caller closes it.
        raise AssertionError("the import never opened its file")

    def wait_for_progress(self, imp: Import, rows: int) -> Import:
        """The import as the screens and the API see it, once it shows ``rows`` checked."""
        for _attempt in range(600):
            seen = imports.live_progress(Import.objects.get(pk=imp.pk))
            if seen.processed_rows >= rows:
                return seen
            time.sleep(0.05)
        raise AssertionError(f"the import never showed {rows} rows checked")

    def test_others_see_the_progress_while_it_runs_and_the_contacts_at_the_end(self) -> None:
        emails = [f"persona{n}@example.pe\n" for n in range(run.CHUNK_ROWS + 10)]
        emails[5] = "no-es-un-correo\n"
        imp = self.start("Correo\n" + "".join(emails), {"0": "email"})
        with self.fed_through_a_pipe(imp) as pipe:
            pipe.write("Correo\n" + "".join(emails[: run.CHUNK_ROWS]))
            pipe.flush()
            seen = self.wait_for_progress(imp, run.CHUNK_ROWS)
            self.assertEqual(
                (seen.status, seen.processed_rows, seen.rejected_count, seen.percent),
                (ImportStatus.RUNNING, run.CHUNK_ROWS, 1, 99),
            )
            self.assertEqual(self.seen_by_other(imp)[1], 1)  # Only Ana, none of the file's.
            pipe.write("".join(emails[run.CHUNK_ROWS :]))

        imp.refresh_from_db()
        self.assertEqual(
            (imp.status, imp.processed_rows, imp.created_count, imp.rejected_count),
            (ImportStatus.DONE, run.CHUNK_ROWS + 10, run.CHUNK_ROWS + 9, 1),
        )
        self.assertEqual(imports.live_progress(imp).processed_rows, run.CHUNK_ROWS + 10)
        self.assertEqual(self.seen_by_other(imp)[1], run.CHUNK_ROWS + 10)

    @unittest.skipUnless(connection.vendor == "postgresql", "SQLite's import holds the lock")
    def test_an_attempt_that_loses_its_lease_midway_stops_and_imports_nothing(self) -> None:
        """The reaper gives the import to another attempt while this one runs (as if its
        lease had run out): this one stops at its next chunk, and nothing is imported."""
        emails = [f"persona{n}@example.pe\n" for n in range(run.CHUNK_ROWS + 10)]
        imp = self.start("Correo\n" + "".join(emails), {"0": "email"})
        with self.fed_through_a_pipe(imp) as pipe:
            pipe.write("Correo\n" + "".join(emails[: run.CHUNK_ROWS]))
            pipe.flush()
            self.wait_for_progress(imp, run.CHUNK_ROWS)
            Import.objects.filter(pk=imp.pk).update(attempts=F("attempts") + 1)
            pipe.write("".join(emails[run.CHUNK_ROWS :]))

        imp.refresh_from_db()
        self.assertEqual((imp.status, imp.attempts), (ImportStatus.RUNNING, 2))
        self.assertEqual(imp.processed_rows, run.CHUNK_ROWS)
        self.assertFalse(Contact.objects.filter(email__startswith="persona").exists())

    @unittest.skipUnless(connection.vendor == "sqlite", "PostgreSQL's import takes no lock")
    def test_nobody_can_take_an_import_over_while_it_runs_on_sqlite(self) -> None:
        """On SQLite the import's transaction holds the database's write lock from its
        first chunk to its end: no other writer, the reaper included, can take the import
        over meanwhile (they wait, up to the busy timeout), so its lease cannot be lost
        midway; it is taken long enough beforehand."""
        emails = [f"persona{n}@example.pe\n" for n in range(run.CHUNK_ROWS + 10)]
        imp = self.start("Correo\n" + "".join(emails), {"0": "email"})
        with self.fed_through_a_pipe(imp) as pipe:
            pipe.write("Correo\n" + "".join(emails[: run.CHUNK_ROWS]))
            pipe.flush()
            seen = self.wait_for_progress(imp, run.CHUNK_ROWS)
            self.assertGreater(
                seen.leased_until, timezone.now() + (run.CHUNK_ROWS + 10) / 5_000 * SECOND
            )
            other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.1)
            with self.assertRaisesRegex(sqlite3.OperationalError, "database is locked"):
                other.execute(f"UPDATE {IMPORT} SET attempts = attempts + 1")  # noqa: S608
            other.close()
            pipe.write("".join(emails[run.CHUNK_ROWS :]))

        imp.refresh_from_db()
        self.assertEqual((imp.status, imp.created_count), (ImportStatus.DONE, run.CHUNK_ROWS + 10))
