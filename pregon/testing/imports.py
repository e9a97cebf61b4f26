"""Scaffolding for the import screen tests: uploads kept in a temporary MEDIA_ROOT."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse

from pregon.contacts.models import Import
from pregon.testing import BaseTestCase

# Semicolons and Windows-1252, as Excel saves a CSV on a Spanish-language Windows.
CSV = (
    "Correo;Nombres;Apellidos;Celular\n"
    "ana@example.pe;Ana;Peña;987654321\n"
    "no-es-un-correo;Luis;Quispe;987654322\n"
    "rosa@example.pe;<script>alert(1)</script>;Muñoz;\n"
).encode("cp1252")


class ImportCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.media_root = self.use_temporary_media()

    def upload(self, content: bytes = CSV, name: str = "alumnos.csv") -> HttpResponse:
        file = SimpleUploadedFile(name, content, content_type="text/csv")
        return self.client.post("/contactos/importar/", {"file": file})

    def uploaded(self, content: bytes = CSV, name: str = "alumnos.csv") -> Import:
        """An import waiting for its mapping, uploaded by bob through the screen."""
        self.client.force_login(self.bob)
        response = self.upload(content, name)
        assert response.status_code == 302, response.content
        return Import.objects.get(code=response["Location"].split("/")[-2])
