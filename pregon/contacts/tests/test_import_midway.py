"""An import seen from other connections while it runs, and stopped midway. A
TransactionTestCase: the progress an import commits while it runs must be visible to
others (the web, the reaper) although its contacts are not, and must stay when the import
fails; in a test's transaction no other connection would see any of it."""

import tempfile
import unittest
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import TransactionTestCase, override_settings
from django.utils import translation

from pregon.contacts import imports
from pregon.contacts.imports import run
from pregon.contacts.models import Contact, Import, ImportStatus, MailingList, Subscription

IMPORT = Import._meta.db_table
CONTACT = Contact._meta.db_table


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

    def test_an_attempt_that_loses_its_lease_midway_stops_reading_and_imports_nothing(
        self,
    ) -> None:
        """Another attempt takes the import over while this one runs (its lease renewal
        finds it gone at the second chunk): this one stops there."""
        rows = "".join(f"persona{n}@example.pe\n" for n in range(40))
        imp = self.start("Correo\n" + rows, {"0": "email"})
        renew = run._renew_lease
        renewals = []

        def renewed_once(*args: object, **kwargs: object) -> None:
            renewals.append(kwargs.get("processed_rows"))
            if len(renewals) > 1:
                raise run.LeaseLost
            renew(*args, **kwargs)

        with (
            mock.patch.object(run, "CHUNK_ROWS", 3),
            mock.patch.object(run, "_renew_lease", renewed_once),
        ):
            imports.run_import(imp.id, 1)

        self.assertEqual(renewals, [3, 6])
        imp.refresh_from_db()
        self.assertEqual((imp.status, imp.processed_rows), (ImportStatus.RUNNING, 3))
        self.assertFalse(Contact.objects.filter(email__startswith="persona").exists())
