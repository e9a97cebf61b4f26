from pregon.contacts import imports
from pregon.contacts.models import Import, ImportStatus
from pregon.testing.imports import ImportCase


class ImportProgressTestCase(ImportCase):
    def setUp(self) -> None:
        super().setUp()
        self.imp = self.uploaded()
        self.url = f"/contactos/importar/{self.imp.code}/progreso/"
        with self.captureOnCommitCallbacks(execute=False):
            imports.start_import(self.imp, {"0": "email"}, update_existing=True)

    def test_it_shows_the_rows_checked_so_far_and_keeps_polling(self) -> None:
        Import.objects.filter(pk=self.imp.pk).update(
            status=ImportStatus.RUNNING, total_rows=200, processed_rows=50, rejected_count=3
        )
        response = self.client.get(self.url)
        self.assertContains(response, "Checking rows: 50 of about 200.")
        self.assertContains(response, 'aria-valuenow="25"')
        self.assertContains(response, "3 rows set aside so far.")
        self.assertContains(response, f'hx-get="{self.url}"')
        self.assertNotContains(response, "<html")

    def test_a_queued_import_waits_for_a_worker(self) -> None:
        self.assertContains(self.client.get(self.url), "Waiting for a free worker")

    def test_it_stops_polling_when_the_import_ends(self) -> None:
        imports.run_import(self.imp.pk, 1)
        response = self.client.get(self.url)
        self.assertContains(response, 'data-status="done"')
        self.assertNotContains(response, "hx-get")

    def test_it_needs_an_editor(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
