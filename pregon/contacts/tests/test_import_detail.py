from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts import imports
from pregon.contacts.models import Contact, Field, FieldType, Import, ImportStatus, MailingList
from pregon.testing.imports import ImportCase

MAPPING = {
    "column_0": "email",
    "column_1": "first_name",
    "column_2": "last_name",
    "update_existing": "1",
}


class ImportDetailTestCase(ImportCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = MailingList.objects.create(name="Cursos virtuales")
        self.imp = self.uploaded()
        self.url = f"/contactos/importar/{self.imp.code}/"

    def start(self, **data: str) -> None:
        options = {**MAPPING, "column_3": "phone", **data}
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, options)
        self.assertRedirects(response, self.url)

    def test_it_previews_the_file_and_suggests_where_columns_go(self) -> None:
        Field.objects.create(key="region", label="Región", type=FieldType.TEXT)
        response = self.client.get(self.url)
        self.assertContains(response, "ana@example.pe")
        self.assertContains(response, "Peña")
        self.assertContains(response, '<option value="email" selected>', html=False)
        self.assertContains(response, '<option value="phone" selected>', html=False)
        self.assertContains(response, '<option value="field:region">Custom field: Región</option>')
        self.assertContains(response, "Cursos virtuales")

    def test_names_with_markup_are_shown_escaped(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(response, "<script>alert(1)</script>")

    def test_it_starts_the_import_with_its_options(self) -> None:
        self.start(
            mailing_list=str(self.courses.code),
            tag_names="2025, alumnos",
            update_existing="0",
            consent_text="Inscrito en el curso virtual",
        )
        imp = Import.objects.get()
        self.assertEqual(imp.status, ImportStatus.QUEUED)
        self.assertEqual(
            imp.mapping, {"0": "email", "1": "first_name", "2": "last_name", "3": "phone"}
        )
        self.assertFalse(imp.update_existing)
        self.assertEqual(imp.mailing_list, self.courses)
        self.assertEqual(sorted(imp.tags.values_list("name", flat=True)), ["2025", "alumnos"])
        self.assertTrue(imp.task_id)
        entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
        self.assertEqual((entry.actor, entry.target), (self.bob, "alumnos.csv"))

    def test_a_started_import_shows_its_progress_and_polls(self) -> None:
        self.start()
        response = self.client.get(self.url)
        self.assertContains(response, 'role="progressbar"')
        self.assertContains(response, f'hx-get="/contactos/importar/{self.imp.code}/progreso/"')
        self.assertNotContains(response, 'name="column_0"')

    def test_a_finished_import_shows_its_counts_and_its_report(self) -> None:
        Contact.objects.create(email="ana@example.pe", first_name="Anita")
        self.start(mailing_list=str(self.courses.code))
        imports.run_import(self.imp.pk, 1)  # What the worker does.
        response = self.client.get(self.url)
        self.assertNotContains(response, "hx-get")
        self.assertContains(response, '<dd class="col-4 col-sm-7" data-count="created">1</dd>')
        self.assertContains(response, '<dd class="col-4 col-sm-7" data-count="updated">1</dd>')
        self.assertContains(response, '<dd class="col-4 col-sm-7" data-count="rejected">1</dd>')
        self.assertContains(response, f"/contactos/importar/{self.imp.code}/rechazados/")
        self.assertContains(response, f"/contactos/?list={self.courses.code}")
        self.assertEqual(Contact.objects.get(email="ana@example.pe").first_name, "Ana")
        rosa = Contact.objects.get(email="rosa@example.pe")
        self.assertEqual(rosa.first_name, "<script>alert(1)</script>")
        self.assertNotContains(self.client.get("/contactos/"), "<script>alert(1)</script>")

    def test_a_failed_import_says_why_and_that_nothing_was_imported(self) -> None:
        self.start()
        self.imp.file.delete(save=False)  # The upload is gone: the worker cannot read it.
        imports.run_import(self.imp.pk, 1)
        response = self.client.get(self.url)
        self.assertContains(response, "The import failed")
        self.assertContains(response, "Nothing from this file was imported.")
        self.assertFalse(Contact.objects.exists())

    def test_without_an_email_column_it_asks_for_one_and_starts_nothing(self) -> None:
        response = self.client.post(self.url, {"column_1": "first_name", "update_existing": "1"})
        self.assertContains(
            response, "Choose the column that holds the email address", status_code=400
        )
        self.assertEqual(Import.objects.get().status, ImportStatus.UPLOADED)
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.IMPORT).exists())

    def test_two_columns_cannot_go_to_one_place(self) -> None:
        response = self.client.post(self.url, {**MAPPING, "column_3": "email"})
        self.assertContains(response, "Only one column can go to", status_code=400)
        self.assertEqual(Import.objects.get().status, ImportStatus.UPLOADED)

    def test_an_unknown_target_is_refused(self) -> None:
        response = self.client.post(self.url, {**MAPPING, "column_3": "field:nope"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Import.objects.get().status, ImportStatus.UPLOADED)

    def test_starting_twice_starts_once(self) -> None:
        self.start()
        response = self.client.post(self.url, MAPPING)
        self.assertRedirects(response, self.url)
        self.assertEqual(Import.objects.get().attempts, 1)
        self.assertEqual(AuditEntry.objects.filter(action=AuditAction.IMPORT).count(), 1)

    def test_it_needs_an_editor(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, MAPPING).status_code, 403)
        self.assertEqual(Import.objects.get().status, ImportStatus.UPLOADED)

    def test_unknown_imports_are_404(self) -> None:
        response = self.client.get("/contactos/importar/6f1c1f0e-0000-4000-8000-000000000000/")
        self.assertEqual(response.status_code, 404)
