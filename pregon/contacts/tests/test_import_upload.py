import datetime
import io
import random
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from openpyxl import Workbook

from pregon.contacts import imports
from pregon.contacts.models import Field, FieldType, Import, ImportStatus
from pregon.testing import BaseTestCase

# The first bytes of a real PNG: signature, then the IHDR chunk of a 1x1 image.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class ImportUploadTestCase(BaseTestCase):
    """create_import, preview and suggest_mapping: from an uploaded file to a first mapping."""

    def setUp(self) -> None:
        super().setUp()
        self.media = self.use_temporary_media()
        self.enterContext(translation.override("en"))  # The uploader's language.

    def upload(self, content: bytes, name: str = "alumnos.csv") -> Import:
        return imports.create_import(
            SimpleUploadedFile(name, content), user=self.bob, language="en"
        )

    def assert_refused(self, content: bytes, message: str, name: str = "alumnos.csv") -> None:
        with self.assertRaisesMessage(ValueError, message):
            self.upload(content, name)
        self.assertFalse(Import.objects.exists())
        self.assertEqual([p for p in self.media.rglob("*") if p.is_file()], [])

    # Encodings and delimiters ---------------------------------------------------------------

    def test_it_reads_utf8_with_a_byte_order_mark(self) -> None:
        content = "Correo electrónico,Nombres\nana@example.pe,Ana María\n".encode("utf-8-sig")
        imp = self.upload(content)
        self.assertEqual(imp.encoding, "utf-8-sig")
        self.assertEqual(imp.header, ["Correo electrónico", "Nombres"])  # No BOM in the name.
        self.assertEqual(imports.preview(imp), [["ana@example.pe", "Ana María"]])
        self.assertEqual(imports.suggest_mapping(imp), {"0": "email", "1": "first_name"})

    def test_it_stores_the_file_under_the_import_code_with_its_details(self) -> None:
        imp = self.upload(b"Email;Nombre\r\nana@example.pe;Ana\r\nluis@example.pe;Luis\r\n")
        imp.refresh_from_db()
        self.assertEqual(imp.status, ImportStatus.UPLOADED)
        self.assertEqual(imp.created_by, self.bob)
        self.assertEqual(imp.original_name, "alumnos.csv")
        self.assertEqual((imp.file_format, imp.encoding, imp.delimiter), ("csv", "utf-8", ";"))
        self.assertEqual(imp.total_rows, 2)
        self.assertEqual(imp.file.name, f"imports/{imp.code}.csv")
        self.assertEqual(
            Path(imp.file.path).read_bytes(),
            b"Email;Nombre\r\nana@example.pe;Ana\r\nluis@example.pe;Luis\r\n",
        )

    def test_it_reads_windows_1252_from_excel(self) -> None:
        content = (
            "Correo;Apellidos;Nombres\r\n"
            "ana@example.pe;Muñoz;Ana\r\n"
            "luis@example.pe;Peña;Luis\r\n"
            "sean@example.pe;O\u2019Brien;Seán\r\n"  # A typographic apostrophe.
        ).encode("cp1252")
        imp = self.upload(content)
        self.assertEqual((imp.encoding, imp.delimiter), ("cp1252", ";"))
        self.assertEqual(
            imports.preview(imp),
            [
                ["ana@example.pe", "Muñoz", "Ana"],
                ["luis@example.pe", "Peña", "Luis"],
                ["sean@example.pe", "O\u2019Brien", "Seán"],
            ],
        )

    def test_it_reads_latin1(self) -> None:
        content = "Correo,Apellidos\nana@example.pe,Muñoz\nluis@example.pe,Peña\n".encode("latin-1")
        imp = self.upload(content)
        self.assertEqual(
            imports.preview(imp), [["ana@example.pe", "Muñoz"], ["luis@example.pe", "Peña"]]
        )

    def test_a_byte_windows_1252_leaves_undefined_means_latin1(self) -> None:
        imp = self.upload(b"Correo,Nota\nana@example.pe,\x81ok\n")
        self.assertEqual(imp.encoding, "latin-1")
        self.assertEqual(imports.preview(imp), [["ana@example.pe", "\x81ok"]])

    def test_an_accent_on_the_last_row_of_a_long_file_sets_the_encoding(self) -> None:
        rows = "".join(f"persona{i}@example.pe,Quispe\r\n" for i in range(4000))  # ~120 KB
        content = f"Correo,Apellidos\r\n{rows}ultima@example.pe,Peña\r\n".encode("cp1252")
        imp = self.upload(content)
        self.assertEqual(imp.encoding, "cp1252")
        self.assertEqual(imp.total_rows, 4001)

    def test_it_tells_a_semicolon_from_a_comma(self) -> None:
        semicolons = self.upload(b"Correo;Nombre;Horas\r\nana@example.pe;Ana;1.234,5\r\n")
        self.assertEqual(semicolons.delimiter, ";")
        self.assertEqual(imports.preview(semicolons), [["ana@example.pe", "Ana", "1.234,5"]])

        commas = self.upload(b'Correo,Nombre,Horas\nana@example.pe,"Mu\xc3\xb1oz, Ana","3,5"\n')
        self.assertEqual(commas.delimiter, ",")
        self.assertEqual(imports.preview(commas), [["ana@example.pe", "Muñoz, Ana", "3,5"]])

    def test_a_file_of_one_column_is_read_with_a_comma(self) -> None:
        imp = self.upload(b"Email\nana@example.pe\nluis@example.pe\n")
        self.assertEqual(imp.header, ["Email"])
        self.assertEqual(imports.preview(imp), [["ana@example.pe"], ["luis@example.pe"]])

    def test_preview_rows_are_as_long_as_the_header_and_five_at_most(self) -> None:
        rows = "".join(f"p{i}@example.pe\r\n" for i in range(8))
        imp = self.upload(f"Correo;Nombre\r\nana@example.pe;Ana;extra\r\n{rows}".encode())
        preview = imports.preview(imp)
        self.assertEqual(len(preview), 5)
        self.assertEqual(preview[0], ["ana@example.pe", "Ana"])
        self.assertEqual(preview[1], ["p0@example.pe", ""])
        self.assertEqual(imp.total_rows, 9)

    def test_blank_rows_above_the_header_are_skipped(self) -> None:
        imp = self.upload(b"\r\n;\r\nCorreo;Nombre\r\nana@example.pe;Ana\r\n")
        self.assertEqual(imp.header, ["Correo", "Nombre"])
        self.assertEqual(imports.preview(imp), [["ana@example.pe", "Ana"]])

        workbook = Workbook()
        workbook.active["B3"], workbook.active["B4"] = "Correo", "luis@example.pe"
        buffer = io.BytesIO()
        workbook.save(buffer)
        imp = self.upload(buffer.getvalue(), name="alumnos.xlsx")
        self.assertEqual(imp.header, ["", "Correo"])
        self.assertEqual(imports.preview(imp), [["", "luis@example.pe"]])

    def test_it_reads_xlsx(self) -> None:
        content = xlsx(
            [
                ["Correo", "Nombres", "Celular", "Nacimiento"],
                ["ana@example.pe", "Ana", 987654321, datetime.datetime(1990, 3, 15)],
                ["luis@example.pe", "Luis", None, None],
            ]
        )
        imp = self.upload(content, name="alumnos.xlsx")
        self.assertEqual((imp.file_format, imp.encoding, imp.delimiter), ("xlsx", "", ""))
        self.assertEqual(imp.file.name, f"imports/{imp.code}.xlsx")
        self.assertEqual(imp.total_rows, 2)
        self.assertEqual(imp.header, ["Correo", "Nombres", "Celular", "Nacimiento"])
        self.assertEqual(
            imports.preview(imp),
            [
                ["ana@example.pe", "Ana", "987654321", "1990-03-15"],
                ["luis@example.pe", "Luis", "", ""],
            ],
        )

    def test_xlsx_is_told_by_its_content_not_its_name(self) -> None:
        imp = self.upload(xlsx([["Email"], ["ana@example.pe"]]), name="alumnos.csv")
        self.assertEqual(imp.file_format, "xlsx")
        self.assertEqual(imports.preview(imp), [["ana@example.pe"]])

    # Refused files --------------------------------------------------------------------------

    def test_an_empty_file_is_refused(self) -> None:
        self.assert_refused(b"", "The file is empty.")

    def test_a_file_of_blank_lines_is_refused(self) -> None:
        self.assert_refused(b"\r\n\r\n;;\r\n", "The file is empty.")

    def test_a_header_without_rows_is_refused(self) -> None:
        message = "The file has a header row but no contacts under it."
        self.assert_refused(b"Correo;Nombre\r\n", message)
        self.assert_refused(b"Correo;Nombre\r\n;\r\n\r\n", message)
        self.assert_refused(xlsx([["Correo", "Nombre"]]), message, name="alumnos.xlsx")

    def test_a_png_renamed_csv_is_refused(self) -> None:
        self.assert_refused(
            PNG,
            "This file is not a CSV or XLSX spreadsheet. Save it from Excel as CSV or .xlsx.",
            name="foto.csv",
        )

    def test_random_bytes_are_refused(self) -> None:
        garbage = random.Random(29733).randbytes(5000)
        self.assertIn(b"\x00", garbage[:4096])
        self.assert_refused(garbage, "This file is not a CSV or XLSX spreadsheet.")

    def test_a_nul_byte_deep_in_the_file_is_refused(self) -> None:
        rows = b"".join(b"persona%d@example.pe;Persona\r\n" % i for i in range(1000))
        content = b"Correo;Nombre\r\n" + rows + b"mal@example.pe;Nu\x00l\r\n"
        self.assertGreater(len(content), 4096)
        self.assert_refused(content, "This file is not a CSV or XLSX spreadsheet.")

    def test_a_blank_first_line_does_not_decide_the_delimiter(self) -> None:
        imp = self.upload(b"\r\n;;\r\nCorreo;Nombre\r\nana@example.pe;Ana\r\n")
        self.assertEqual((imp.delimiter, imp.header), (";", ["Correo", "Nombre"]))

    def test_an_old_excel_file_is_refused(self) -> None:
        ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
        self.assert_refused(ole2, "Old Excel files (.xls) cannot be read.", name="alumnos.xls")

    def test_utf16_is_refused_with_what_to_do(self) -> None:
        content = "Correo\tNombre\r\nana@example.pe\tAna\r\n".encode("utf-16")
        self.assert_refused(
            content,
            "This CSV file is saved as UTF-16. Save it again as “CSV UTF-8” or as .xlsx.",
        )

    def test_a_broken_workbook_is_refused(self) -> None:
        broken = xlsx([["Correo"], ["ana@example.pe"]])[:300]
        self.assert_refused(
            broken,
            "The file could not be read as an Excel workbook. Save it again as .xlsx or CSV.",
            name="alumnos.xlsx",
        )

    def test_a_file_over_the_limit_is_refused(self) -> None:
        content = b"Correo\n" + b"persona@example.pe\n" * 200_000  # 3.6 MB
        with override_settings(IMPORT_MAX_BYTES=2 * 1024 * 1024):
            self.assert_refused(
                content,
                "The file is 3.6 MB; the limit is 2.0 MB. Split it into smaller files.",
            )

    def test_a_file_exactly_at_the_limit_is_accepted(self) -> None:
        content = b"Correo\nana@example.pe\n"
        with override_settings(IMPORT_MAX_BYTES=len(content) - 1):
            self.assert_refused(content, "Split it into smaller files.")
        with override_settings(IMPORT_MAX_BYTES=len(content)):
            self.assertEqual(self.upload(content).header, ["Correo"])

    # The suggested mapping ------------------------------------------------------------------

    def test_it_suggests_a_mapping_from_spanish_column_names(self) -> None:
        Field.objects.create(key="region", label="Región", type=FieldType.TEXT)
        imp = self.upload(
            "Correo electrónico;Nombres;Apellido paterno;Apellido materno;Celular;DNI;REGIÓN\r\n"
            "ana@example.pe;Ana;Quispe;Mamani;987654321;12345678;Cusco\r\n".encode()
        )
        self.assertEqual(
            imports.suggest_mapping(imp),
            {
                "0": "email",
                "1": "first_name",
                "2": "last_name",
                "3": "last_name",  # Both surnames, joined.
                "4": "phone",
                "5": "",
                "6": "field:region",
            },
        )

    def test_a_second_column_for_the_same_target_is_ignored(self) -> None:
        imp = self.upload(
            b"Email;Correo;Telefono;Celular;Estado\r\na@example.pe;b@example.pe;1;2;\r\n"
        )
        self.assertEqual(
            imports.suggest_mapping(imp),
            {"0": "email", "1": "", "2": "phone", "3": "", "4": "status"},
        )

    def test_it_remembers_the_mapping_of_the_last_import(self) -> None:
        first = self.upload(
            "Dirección de e-mail;Celular;Nombre completo\r\n"
            "ana@example.pe;987654321;Ana\r\n".encode()
        )
        self.assertEqual(imports.suggest_mapping(first), {"0": "", "1": "phone", "2": ""})
        with self.captureOnCommitCallbacks(execute=False):
            imports.start_import(
                first, {"0": "email", "1": "", "2": "first_name"}, update_existing=True
            )

        second = self.upload(
            "Nombre completo;Dirección de e-mail;Celular;Correo\r\n"
            "Luis;luis@example.pe;;\r\n".encode()
        )
        self.assertEqual(
            imports.suggest_mapping(second),
            # The remembered email column wins over "Correo"; the ignored phone stays ignored.
            {"0": "first_name", "1": "email", "2": "", "3": ""},
        )

    def test_an_upload_that_was_never_started_teaches_nothing(self) -> None:
        self.upload("Dirección de e-mail\r\nana@example.pe\r\n".encode())
        imp = self.upload("Dirección de e-mail\r\nluis@example.pe\r\n".encode())
        self.assertEqual(imports.suggest_mapping(imp), {"0": ""})

    def test_a_remembered_custom_field_that_was_deleted_is_not_suggested(self) -> None:
        region = Field.objects.create(key="region", label="Zona", type=FieldType.TEXT)
        first = self.upload(b"Correo;Departamento\r\nana@example.pe;Cusco\r\n")
        with self.captureOnCommitCallbacks(execute=False):
            imports.start_import(first, {"0": "email", "1": "field:region"}, update_existing=True)
        second = self.upload(b"Correo;Departamento\r\nluis@example.pe;Puno\r\n")
        self.assertEqual(imports.suggest_mapping(second), {"0": "email", "1": "field:region"})
        region.delete()
        self.assertEqual(imports.suggest_mapping(second), {"0": "email", "1": ""})
