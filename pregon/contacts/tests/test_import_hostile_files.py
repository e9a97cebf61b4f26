"""Hostile and broken files on the upload screen: each is refused in plain Spanish (a 400,
never a 500), and nothing of it is kept."""

import tempfile
from pathlib import Path

from django.http import HttpResponse
from django.test import override_settings

from pregon.contacts.models import Contact, Import
from pregon.testing import workbooks
from pregon.testing.imports import ImportCase


class ImportHostileFilesTestCase(ImportCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_spanish()
        self.client.force_login(self.bob)

    def assert_refused(self, response: HttpResponse, message: str) -> None:
        self.assertContains(response, message, status_code=400)
        self.assertFalse(Import.objects.exists())
        self.assertFalse(Contact.objects.exists())
        self.assertEqual([p for p in Path(self.media_root).rglob("*") if p.is_file()], [])

    def test_a_workbook_is_read(self) -> None:
        # The hand-made workbook the hostile ones below are variations of.
        response = self.upload(workbooks.workbook(), name="alumnos.xlsx")
        imp = Import.objects.get()
        self.assertRedirects(response, f"/contactos/importar/{imp.code}/")
        self.assertEqual(imp.header, ["Correo"])

    def test_shared_strings_that_expand_to_hundreds_of_megabytes_are_refused(self) -> None:
        bomb = workbooks.shared_strings_bomb(300)
        self.assertLess(len(bomb), 1024 * 1024)
        response = self.upload(bomb, name="alumnos.xlsx")
        self.assert_refused(
            response,
            "El archivo Excel se expande a 300 MB al abrirlo; el límite es 100 MB. "
            "Guárdelo como CSV o divídalo en archivos más pequeños.",
        )

    def test_a_part_that_grows_a_thousand_times_is_refused_under_the_size_limit(self) -> None:
        response = self.upload(workbooks.shared_strings_bomb(20), name="alumnos.xlsx")
        self.assert_refused(response, "El archivo Excel se expande a 20.0 MB al abrirlo, ")
        self.assertContains(response, "veces su tamaño", status_code=400)

    @override_settings(IMPORT_XLSX_MAX_RATIO=10_000)
    def test_the_limits_are_settings(self) -> None:
        response = self.upload(workbooks.shared_strings_bomb(20), name="alumnos.xlsx")
        self.assertEqual(response.status_code, 302)
        with override_settings(IMPORT_XLSX_MAX_BYTES=10 * 1024 * 1024):
            response = self.upload(workbooks.shared_strings_bomb(20), name="alumnos.xlsx")
        self.assertContains(response, "el límite es 10.0 MB", status_code=400)

    def test_a_part_that_declares_less_than_it_holds_is_not_read_past_it(self) -> None:
        bomb = workbooks.shared_strings_bomb(50)
        lying = workbooks.understated(bomb, "xl/sharedStrings.xml", 1000)
        response = self.upload(lying, name="alumnos.xlsx")
        self.assert_refused(response, "No se pudo leer el archivo como libro de Excel.")

    def test_billion_laughs_is_refused(self) -> None:
        response = self.upload(workbooks.billion_laughs(), name="alumnos.xlsx")
        self.assert_refused(
            response,
            "El archivo Excel contiene declaraciones XML (entidades) que no se permiten, por "
            "seguridad.",
        )

    def test_an_external_entity_is_refused_and_reads_nothing(self) -> None:
        secret = Path(self.enterContext(tempfile.TemporaryDirectory())) / "secreto.txt"
        secret.write_text("contraseña-del-servidor")
        response = self.upload(workbooks.external_entity(str(secret)), name="alumnos.xlsx")
        self.assert_refused(response, "declaraciones XML (entidades)")
        self.assertNotContains(response, "contraseña-del-servidor", status_code=400)

    def test_an_entity_in_the_sheet_is_refused(self) -> None:
        response = self.upload(workbooks.entity_in_sheet(), name="alumnos.xlsx")
        self.assert_refused(response, "declaraciones XML (entidades)")

    def test_a_workbook_without_sheets_is_refused(self) -> None:
        response = self.upload(workbooks.workbook(has_sheet=False), name="alumnos.xlsx")
        self.assert_refused(response, "El archivo Excel no tiene ninguna hoja.")

    def test_a_zip_that_is_not_a_workbook_is_refused(self) -> None:
        response = self.upload(workbooks.not_a_workbook(), name="alumnos.xlsx")
        self.assert_refused(response, "No se pudo leer el archivo como libro de Excel.")

    def test_an_empty_zip_is_refused(self) -> None:
        response = self.upload(workbooks.empty_zip(), name="alumnos.xlsx")
        self.assert_refused(response, "Guárdelo desde Excel como CSV o .xlsx.")

    def test_utf16_without_a_byte_order_mark_is_refused(self) -> None:
        content = "Correo;Nombre\r\nana@example.pe;Ana\r\n".encode("utf-16-le")
        response = self.upload(content, name="alumnos.csv")
        self.assert_refused(response, "Guárdelo desde Excel como CSV o .xlsx.")

    def test_a_cell_over_a_megabyte_is_refused_with_its_row(self) -> None:
        content = b"Correo;Nombre\r\nana@example.pe;Ana\r\nluis@example.pe;" + b"x" * (2 << 20)
        response = self.upload(content, name="alumnos.csv")
        self.assert_refused(
            response,
            "La fila 3 del archivo tiene una celda de más de 1.0 MB, o unas comillas (&quot;) "
            "que no se cierran. Corrija esa fila y vuelva a subir el archivo.",
        )

    def test_a_csv_of_20000_columns_is_refused_with_its_count_and_the_limit(self) -> None:
        header = ";".join(f"Columna {i}" for i in range(20_000))
        row = ";".join(["ana@example.pe"] + [""] * 19_999)
        response = self.upload(f"{header}\r\n{row}\r\n".encode(), name="alumnos.csv")
        self.assert_refused(
            response,
            "El archivo tiene 20\u00a0000 columnas; el límite es 500. Borre las columnas que no "
            "necesita y súbalo de nuevo.",
        )

    def test_a_csv_at_the_column_limit_is_taken(self) -> None:
        header = ";".join(["Correo"] + [f"Columna {i}" for i in range(499)])
        response = self.upload(f"{header}\r\nana@example.pe\r\n".encode(), name="alumnos.csv")
        imp = Import.objects.get()
        self.assertRedirects(response, f"/contactos/importar/{imp.code}/")
        self.assertEqual(len(imp.header), 500)
        self.assertEqual(self.client.get(response["Location"]).status_code, 200)
