"""The mapping screen's helpers: a custom field made on the spot, the list of the latest
import chosen already, and a report of rejected rows that brings back its import's options."""

import re

from pregon.contacts import imports
from pregon.contacts.models import Field, FieldType, Import, ImportStatus, MailingList
from pregon.testing.imports import ImportCase

OPTIONS = {"column_0": "email", "column_1": "first_name", "update_existing": "1"}


class ImportOptionsTestCase(ImportCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = MailingList.objects.create(name="Cursos virtuales")
        self.news = MailingList.objects.create(name="Boletín")

    def start(self, imp: Import, **data: str) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/contactos/importar/{imp.code}/", {**OPTIONS, **data})
        self.assertEqual(response.status_code, 302, response.content)
        imports.run_import(imp.pk, 1)  # What the worker does.

    def selected_list(self, imp: Import) -> str:
        form = self.client.get(f"/contactos/importar/{imp.code}/").context["form"]
        return str(form["mailing_list"].value() or "")

    # A custom field from the mapping screen.

    def test_a_new_field_is_created_and_chosen_for_its_column_keeping_the_other_choices(
        self,
    ) -> None:
        imp = self.uploaded()
        response = self.client.post(
            f"/contactos/importar/{imp.code}/campo/",
            {
                **OPTIONS,
                "column_3": "+new",
                "mailing_list": str(self.news.code),
                "tag_names": "2025",
                "new_field-label": "Celular del trabajo",
                "new_field-type": FieldType.TEXT,
                "new_field-column": "3",
            },
        )
        self.assertEqual(response.status_code, 200)
        field = Field.objects.get()
        self.assertEqual((field.key, field.type), ("celular_del_trabajo", FieldType.TEXT))
        form = response.context["form"]
        self.assertEqual(form["column_0"].value(), "email")
        self.assertEqual(form["column_1"].value(), "first_name")
        self.assertEqual(form["column_3"].value(), "field:celular_del_trabajo")
        self.assertEqual(form["mailing_list"].value(), str(self.news.code))
        self.assertEqual(form["tag_names"].value(), "2025")
        self.assertContains(
            response, '<option value="field:celular_del_trabajo" selected>', html=False
        )
        self.assertEqual(Import.objects.get().status, ImportStatus.UPLOADED)

    def test_after_a_new_field_the_import_button_starts_the_import(self) -> None:
        # The page is shown at the field's address: the form must not post back there.
        imp = self.uploaded()
        response = self.client.post(
            f"/contactos/importar/{imp.code}/campo/",
            {**OPTIONS, "new_field-label": "Región", "new_field-type": FieldType.TEXT},
        )
        action = re.search(r'<form[^>]*id="mapping-form"[^>]*>', response.content.decode())
        target = re.search(r'action="([^"]*)"', action.group(0))
        self.assertIsNotNone(target, action.group(0))
        with self.captureOnCommitCallbacks(execute=True):
            started = self.client.post(target.group(1), OPTIONS)
        self.assertEqual(started.status_code, 302, started.content)
        self.assertNotEqual(Import.objects.get().status, ImportStatus.UPLOADED)

    def test_a_field_the_custom_fields_screen_would_refuse_is_refused_here_too(self) -> None:
        Field.objects.create(key="region", label="Región", type=FieldType.TEXT)
        imp = self.uploaded()
        response = self.client.post(
            f"/contactos/importar/{imp.code}/campo/",
            {
                **OPTIONS,
                "new_field-label": "REGIÓN",
                "new_field-type": FieldType.TEXT,
                "new_field-column": "3",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "A custom field with the key “region” already exists", status_code=400
        )
        self.assertEqual(Field.objects.count(), 1)
        self.assertEqual(response.context["form"]["column_1"].value(), "first_name")

    def test_a_column_left_on_new_field_is_explained_not_imported(self) -> None:
        imp = self.uploaded()
        response = self.client.post(
            f"/contactos/importar/{imp.code}/", {**OPTIONS, "column_3": "+new"}
        )
        self.assertContains(response, "Create the new custom field first", status_code=400)
        self.assertEqual(Import.objects.get().status, ImportStatus.UPLOADED)

    def test_a_new_field_needs_an_editor(self) -> None:
        imp = self.uploaded()
        self.client.force_login(self.charlie)
        response = self.client.post(
            f"/contactos/importar/{imp.code}/campo/",
            {"new_field-label": "Región", "new_field-type": FieldType.TEXT},
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Field.objects.exists())

    # The list of the latest import.

    def test_without_earlier_imports_no_list_is_chosen(self) -> None:
        self.assertEqual(self.selected_list(self.uploaded()), "")

    def test_the_list_of_the_latest_import_is_chosen(self) -> None:
        self.start(self.uploaded(), mailing_list=str(self.courses.code))
        self.start(self.uploaded(), mailing_list=str(self.news.code))
        self.start(self.uploaded(), mailing_list="")
        self.assertEqual(self.selected_list(self.uploaded()), str(self.news.code))

    def test_the_users_own_latest_list_comes_before_anyone_elses(self) -> None:
        self.start(self.uploaded(), mailing_list=str(self.courses.code))
        self.client.force_login(self.alice)
        response = self.upload()
        self.start(
            Import.objects.get(code=response["Location"].split("/")[-2]),
            mailing_list=str(self.news.code),
        )
        self.client.force_login(self.bob)
        self.assertEqual(self.selected_list(self.uploaded()), str(self.courses.code))

    # A new list named on the mapping screen (a first import has no list to choose).

    def test_a_new_list_is_made_with_the_import_and_holds_its_contacts(self) -> None:
        MailingList.objects.all().delete()
        self.start(self.uploaded(), new_list_name=" Cursos 2027 ")
        mailing_list = MailingList.objects.get()
        self.assertEqual(mailing_list.name, "Cursos 2027")
        self.assertEqual(Import.objects.get().mailing_list, mailing_list)
        self.assertEqual(
            set(mailing_list.contacts.values_list("email", flat=True)),
            {"ana@example.pe", "rosa@example.pe"},
        )

    def test_a_new_list_named_as_an_existing_one_is_that_list(self) -> None:
        self.start(self.uploaded(), new_list_name="boletín")
        self.assertEqual(MailingList.objects.count(), 2)
        self.assertEqual(Import.objects.get().mailing_list, self.news)

    def test_a_list_and_a_new_list_together_are_refused(self) -> None:
        imp = self.uploaded()
        response = self.client.post(
            f"/contactos/importar/{imp.code}/",
            {**OPTIONS, "mailing_list": str(self.news.code), "new_list_name": "Otra"},
        )
        self.assertContains(response, "Choose a list or name a new one", status_code=400)
        self.assertEqual(MailingList.objects.count(), 2)
        self.assertEqual(Import.objects.get().status, ImportStatus.UPLOADED)

    def test_a_refused_import_leaves_no_new_list(self) -> None:
        imp = self.uploaded()
        response = self.client.post(
            f"/contactos/importar/{imp.code}/",
            {"column_1": "first_name", "update_existing": "1", "new_list_name": "Otra"},
        )
        self.assertEqual(response.status_code, 400, response.content)
        self.assertFalse(MailingList.objects.filter(name="Otra").exists())
        self.assertEqual(Import.objects.get().status, ImportStatus.UPLOADED)

    # The report of rejected rows, imported again.

    def test_the_corrected_report_brings_back_the_list_tags_and_options(self) -> None:
        first = self.uploaded()
        self.start(
            first,
            mailing_list=str(self.courses.code),
            tag_names="2025, alumnos",
            update_existing="0",
            consent_text="Inscrito en el curso",
        )
        first.refresh_from_db()
        self.assertEqual(first.rejected_count, 1)
        self.start(self.uploaded(), mailing_list=str(self.news.code))  # A later, other import.
        report = self.client.get(f"/contactos/importar/{first.code}/rechazados/")
        content = b"".join(report.streaming_content).decode("utf-8-sig")
        corrected = content.replace("no-es-un-correo", "luis@example.pe").encode()
        again = self.uploaded(corrected, name=f"import-{first.code}-rejected-rows.csv")
        response = self.client.get(f"/contactos/importar/{again.code}/")
        self.assertContains(response, f'data-original="{first.code}"')
        form = response.context["form"]
        self.assertEqual(str(form["mailing_list"].value()), str(self.courses.code))
        self.assertEqual(form["tag_names"].value(), "2025, alumnos")
        self.assertEqual(form["update_existing"].value(), "0")
        self.assertEqual(form["consent_text"].value(), "Inscrito en el curso")
        # The report's own columns (row number, reason) are left out; the others match.
        self.assertEqual(form["column_0"].value(), "")
        self.assertEqual(form["column_1"].value(), "email")
        self.assertEqual(form[f"column_{len(again.header) - 1}"].value(), "")

    def test_a_renamed_report_is_taken_for_the_latest_import_of_its_columns(self) -> None:
        first = self.uploaded()
        self.start(first, mailing_list=str(self.courses.code), tag_names="2025")
        report = self.client.get(f"/contactos/importar/{first.code}/rechazados/")
        again = self.uploaded(b"".join(report.streaming_content), name="corregido.csv")
        response = self.client.get(f"/contactos/importar/{again.code}/")
        self.assertContains(response, f'data-original="{first.code}"')
        self.assertEqual(response.context["form"]["tag_names"].value(), "2025")

    def test_another_file_is_not_taken_for_a_report(self) -> None:
        first = self.uploaded()
        self.start(first, mailing_list=str(self.courses.code), tag_names="2025")
        response = self.client.get(f"/contactos/importar/{self.uploaded().code}/")
        self.assertNotContains(response, "data-original=")
        self.assertEqual(response.context["form"]["tag_names"].value(), None)
