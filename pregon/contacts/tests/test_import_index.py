from pathlib import Path

from django.test import override_settings

from pregon.contacts.models import Import, ImportStatus
from pregon.testing.imports import CSV, ImportCase


class ImportIndexTestCase(ImportCase):
    def test_an_upload_goes_on_to_the_column_mapping(self) -> None:
        self.client.force_login(self.bob)
        response = self.upload()
        imp = Import.objects.get()
        self.assertRedirects(response, f"/contactos/importar/{imp.code}/")
        self.assertEqual(imp.status, ImportStatus.UPLOADED)
        self.assertEqual(imp.created_by, self.bob)
        self.assertEqual((imp.encoding, imp.delimiter), ("cp1252", ";"))
        self.assertEqual(imp.header, ["Correo", "Nombres", "Apellidos", "Celular"])
        self.assertEqual(imp.total_rows, 3)
        self.assertEqual(Path(imp.file.path).read_bytes(), CSV)

    def test_it_lists_recent_imports(self) -> None:
        imp = self.uploaded()
        Import.objects.filter(pk=imp.pk).update(status=ImportStatus.DONE, created_count=1234)
        response = self.client.get("/contactos/importar/")
        self.assertContains(response, "alumnos.csv")
        self.assertContains(response, f'href="/contactos/importar/{imp.code}/"')
        self.assertContains(response, "1,234")

    def test_an_empty_file_is_refused_in_spanish_and_nothing_is_kept(self) -> None:
        self.use_spanish()
        self.client.force_login(self.bob)
        response = self.upload(b"")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "El archivo está vacío.", status_code=400)
        self.assertFalse(Import.objects.exists())
        self.assertFalse(any(Path(self.media_root).rglob("*.csv")))

    def test_a_header_without_rows_is_refused(self) -> None:
        self.client.force_login(self.bob)
        response = self.upload(b"Correo;Nombres\n")
        self.assertContains(
            response, "The file has a header row but no contacts under it.", status_code=400
        )
        self.assertFalse(Import.objects.exists())

    def test_a_file_that_is_not_a_spreadsheet_is_refused(self) -> None:
        self.client.force_login(self.bob)
        png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
        response = self.upload(png, name="foto.csv")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Import.objects.exists())

    @override_settings(IMPORT_MAX_BYTES=2 * 1024 * 1024)
    def test_a_file_over_the_limit_is_refused_with_the_limit(self) -> None:
        self.client.force_login(self.bob)
        response = self.upload(b"Correo\n" + b"persona@example.pe\n" * 130_000)
        self.assertContains(response, "The file is 2.4 MB; the limit is 2.0 MB.", status_code=400)
        self.assertFalse(Import.objects.exists())

    def test_a_missing_file_is_asked_for(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post("/contactos/importar/", {})
        self.assertContains(response, "This field is required.", status_code=400)

    def test_a_200_mb_file_is_taken_and_its_rows_counted(self) -> None:
        row = b"persona%07d@example.pe;Nombre;Apellido Paterno Materno;987654321;Lima;2024-01-01\n"
        header = b"Correo;Nombres;Apellidos;Celular;Region;Fecha\n"
        content = header + b"".join(row % i for i in range(2_500_000))
        self.assertGreater(len(content), 200 * 1024 * 1024)
        self.client.force_login(self.bob)
        response = self.upload(content, name="padron.csv")
        imp = Import.objects.get()
        self.assertRedirects(response, f"/contactos/importar/{imp.code}/")
        self.assertEqual(imp.total_rows, 2_500_000)
        self.assertEqual(Path(imp.file.path).stat().st_size, len(content))

    def test_it_needs_an_editor(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get("/contactos/importar/").status_code, 403)
        self.assertEqual(self.upload().status_code, 403)
        self.assertFalse(Import.objects.exists())

    def test_it_needs_a_login(self) -> None:
        response = self.client.get("/contactos/importar/")
        self.assertRedirects(response, "/cuenta/entrar/?next=/contactos/importar/")
