import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts import imports
from pregon.contacts.models import Contact, Import, ImportStatus, MailingList
from pregon.testing import workbooks
from pregon.testing.api import ApiTestCase

CSV = (
    "Correo;Nombre;Teléfono\n"
    "ana@example.pe;Ana;987654321\n"
    "no-es-correo;Luis;987654322\n"
    "rosa@example.pe;<script>alert(1)</script>;\n"
).encode("cp1252")


class ImportsTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_temporary_media()
        self.courses = MailingList.objects.create(name="Cursos virtuales")

    def upload(self, data: dict, content: bytes = CSV, token: str | None = None) -> HttpResponse:
        file = SimpleUploadedFile("alumnos.csv", content, content_type="text/csv")
        return self.client.post(
            "/api/v1/imports",
            {"file": file, **data},
            headers={"Authorization": f"Bearer {token or self.token}"},
        )

    def test_it_starts_an_import_and_reports_its_progress(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.upload(
                {
                    "mapping": '{"Correo": "email", "Nombre": "first_name", "2": "phone"}',
                    "list": str(self.courses.code),
                    "tags": "2025, alumnos",
                    "update_existing": "false",
                }
            )
        self.assertEqual(response.status_code, 202, response.content)
        body = response.json()
        self.assertEqual(body["status"], ImportStatus.QUEUED)
        self.assertEqual(body["file_name"], "alumnos.csv")
        self.assertEqual(body["mapping"], {"0": "email", "1": "first_name", "2": "phone"})
        self.assertIsNone(body["report_url"])
        imp = Import.objects.get(code=body["code"])
        self.assertEqual(imp.created_by, self.bob)
        self.assertFalse(imp.update_existing)
        self.assertEqual(AuditEntry.objects.get(action=AuditAction.IMPORT).actor, self.bob)

        imports.run_import(imp.id, 1)  # What the worker does.
        body = self.call("GET", f"/imports/{imp.code}").json()
        self.assertEqual(body["status"], ImportStatus.DONE)
        self.assertEqual((body["created_count"], body["rejected_count"]), (2, 1))
        self.assertEqual(body["percent"], 100)
        rosa = Contact.objects.get(email="rosa@example.pe")
        self.assertEqual(rosa.first_name, "<script>alert(1)</script>")
        self.assertEqual(list(rosa.lists.all()), [self.courses])
        self.assertEqual(sorted(t.name for t in rosa.tags.all()), ["2025", "alumnos"])

        self.assertTrue(body["report_url"].startswith("http://testserver/api/v1/imports/"))
        report = self.client.get(
            body["report_url"], headers={"Authorization": f"Bearer {self.token}"}
        )
        self.assertEqual(report.status_code, 200)
        text = b"".join(report.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))  # As the uploaded file.
        self.assertEqual(len(rows), 2)
        self.assertIn("no-es-correo", rows[1])

    def test_without_a_mapping_columns_are_matched_by_name(self) -> None:
        response = self.upload({})
        self.assertEqual(response.status_code, 202, response.content)
        self.assertEqual(response.json()["mapping"]["0"], "email")

    def test_a_bad_file_is_a_field_error_and_leaves_nothing(self) -> None:
        response = self.upload({}, content=b"")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"], {"file": ["The file is empty."]})
        response = self.upload({}, content=b"Correo;Nombre\n")
        self.assertIn("file", response.json()["errors"])
        self.assertFalse(Import.objects.exists())

    def test_an_xlsx_bomb_is_a_field_error_and_leaves_nothing(self) -> None:
        hostile = {
            "The Excel file expands to 300 MB when opened; the limit is 100 MB.": (
                workbooks.shared_strings_bomb(300)
            ),
            "The Excel file holds XML declarations (entities)": workbooks.billion_laughs(),
        }
        for message, content in hostile.items():
            response = self.upload({}, content=content)
            self.assertEqual(response.status_code, 422, message)
            self.assertEqual(list(response.json()["errors"]), ["file"])
            self.assertIn(message, response.json()["errors"]["file"][0])
        self.assertFalse(Import.objects.exists())
        self.assertFalse(Contact.objects.exists())

    def test_a_bad_mapping_is_a_field_error_and_leaves_nothing(self) -> None:
        for mapping in ['{"Nombre": "first_name"}', '{"Zapato": "email"}', "[1]", "{oops"]:
            response = self.upload({"mapping": mapping})
            self.assertEqual(response.status_code, 422, mapping)
            self.assertEqual(list(response.json()["errors"]), ["mapping"], mapping)
        self.assertFalse(Import.objects.exists())

    def test_an_unknown_list_is_404_and_leaves_nothing(self) -> None:
        response = self.upload({"list": "6f1c1f0e-0000-4000-8000-000000000000"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Import.objects.exists())

    def test_a_missing_file_is_a_field_error(self) -> None:
        response = self.client.post(
            "/api/v1/imports", {}, headers={"Authorization": f"Bearer {self.token}"}
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"], {"file": ["This field is required."]})

    def test_unknown_imports_are_404(self) -> None:
        self.assertEqual(self.call("GET", "/imports/nope").status_code, 404)

    def test_it_needs_an_editor(self) -> None:
        response = self.upload({}, token=self.token_for(self.charlie))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Import.objects.exists())
