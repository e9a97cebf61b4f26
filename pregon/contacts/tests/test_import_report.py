import csv
import io

from pregon.contacts import imports
from pregon.contacts.models import Field, FieldType
from pregon.testing.imports import ImportCase

# A formula in a rejected cell must not run when the report is opened in a spreadsheet.
CSV = (
    b"email,nombre,telefono\n"
    b"ana@example.pe,Ana,987654321\n"
    b"ana@example.pe,Ana otra vez,\n"
    b",Sin correo,\n"
    b"luis@example.pe,Luis,12\n"
    b'=HYPERLINK("http://x"),Malo,\n'
)


class ImportReportTestCase(ImportCase):
    def setUp(self) -> None:
        super().setUp()
        self.imp = self.uploaded(CSV)
        self.url = f"/contactos/importar/{self.imp.code}/rechazados/"

    def run_import(self) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            imports.start_import(
                self.imp, {"0": "email", "1": "first_name", "2": "phone"}, update_existing=True
            )
        imports.run_import(self.imp.pk, 1)

    def test_it_lists_every_rejected_row_with_its_reason(self) -> None:
        self.run_import()
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment;", response["Content-Disposition"])
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        self.assertEqual(rows[0], ["Row", "email", "nombre", "telefono", "Reason"])
        by_row = {row[0]: row for row in rows[1:]}
        self.assertEqual(sorted(by_row), ["3", "4", "5", "6"])
        self.assertIn("earlier row", by_row["3"][-1])
        self.assertIn("email", by_row["4"][-1].lower())
        self.assertIn("phone", by_row["5"][-1].lower())
        self.assertEqual(by_row["6"][1], '\'=HYPERLINK("http://x")')

    def test_a_formula_in_the_reason_is_neutralised(self) -> None:
        # A custom field's label starts the reason for a bad value in that field.
        Field.objects.create(
            key="horas", label='=HYPERLINK("http://x","Horas")', type=FieldType.NUMBER
        )
        imp = self.uploaded(b"email;horas\nrosa@example.pe;muchas\n")
        with self.captureOnCommitCallbacks(execute=False):
            imports.start_import(imp, {"0": "email", "1": "field:horas"}, update_existing=True)
        imports.run_import(imp.pk, 1)
        response = self.client.get(f"/contactos/importar/{imp.code}/rechazados/")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        self.assertEqual(rows[1][-1], '\'=HYPERLINK("http://x","Horas"): “muchas” is not a number.')

    def test_without_rejected_rows_there_is_no_report(self) -> None:
        clean = self.uploaded(b"email\nrosa@example.pe\n")
        with self.captureOnCommitCallbacks(execute=False):
            imports.start_import(clean, {"0": "email"}, update_existing=True)
        imports.run_import(clean.pk, 1)
        clean.refresh_from_db()
        self.assertEqual((clean.status, clean.created_count), ("done", 1))
        response = self.client.get(f"/contactos/importar/{clean.code}/rechazados/")
        self.assertEqual(response.status_code, 404)

    def test_it_needs_an_editor(self) -> None:
        self.run_import()
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
