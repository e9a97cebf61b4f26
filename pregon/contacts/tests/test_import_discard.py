from pathlib import Path

from pregon.contacts import imports
from pregon.contacts.models import Import, ImportStatus
from pregon.testing.imports import ImportCase


class ImportDiscardTestCase(ImportCase):
    def setUp(self) -> None:
        super().setUp()
        self.imp = self.uploaded()
        self.url = f"/contactos/importar/{self.imp.code}/descartar/"

    def test_it_deletes_the_upload_and_its_file(self) -> None:
        path = Path(self.imp.file.path)
        response = self.client.post(self.url)
        self.assertRedirects(response, "/contactos/importar/")
        self.assertFalse(Import.objects.exists())
        self.assertFalse(path.exists())

    def test_a_started_import_cannot_be_discarded(self) -> None:
        with self.captureOnCommitCallbacks(execute=False):
            imports.start_import(self.imp, {"0": "email"}, update_existing=True)
        self.assertEqual(self.client.post(self.url).status_code, 404)
        self.assertEqual(Import.objects.get().status, ImportStatus.QUEUED)

    def test_it_rejects_get(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 405)
        self.assertTrue(Import.objects.exists())

    def test_it_needs_an_editor(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertTrue(Import.objects.exists())
