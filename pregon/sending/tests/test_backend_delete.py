from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.lib import vault
from pregon.sending.models import Backend, BackendKind
from pregon.testing import BaseTestCase

PASSWORD = "s3creto-Relé"
LAST = "It is the only delivery backend in use"


class BackendDeleteTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.backend = Backend.objects.create(
            name="Relé institucional",
            kind=BackendKind.SMTP,
            host="smtp.example.gob.pe",
            username="pregon",
            password=vault.encrypt(PASSWORD),
        )
        self.url = reverse("sending:backend_delete", args=[self.backend.code])
        self.client.force_login(self.alice)

    def test_the_address_is_in_spanish(self) -> None:
        self.assertEqual(self.url, f"/envio/servidores/{self.backend.code}/eliminar/")

    def test_only_administrators_may_delete(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertTrue(Backend.objects.exists())

    def test_an_unknown_backend_is_not_found(self) -> None:
        url = reverse("sending:backend_delete", args=["00000000-0000-0000-0000-000000000000"])
        self.assertEqual(self.client.post(url).status_code, 404)

    def test_the_list_links_to_it(self) -> None:
        response = self.client.get(reverse("sending:backends"))
        self.assertContains(response, f'href="{self.url}"')

    def test_it_asks_first_and_warns_about_the_last_one_in_use(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "Delete the delivery backend “Relé institucional”?")
        self.assertContains(response, LAST)
        self.assertContains(response, "kept in the test mailbox and reach nobody")
        self.assertTrue(Backend.objects.exists())

    def test_no_warning_while_another_stays_in_use(self) -> None:
        Backend.objects.create(name="Relé de respaldo", kind=BackendKind.SMTP, host="smtp2")
        self.assertNotContains(self.client.get(self.url), LAST)

    def test_no_warning_for_one_not_in_use(self) -> None:
        Backend.objects.filter(pk=self.backend.pk).update(is_active=False)
        self.assertNotContains(self.client.get(self.url), LAST)

    def test_a_test_mailbox_does_not_count_as_in_use(self) -> None:
        Backend.objects.create(name="Buzón de prueba", kind=BackendKind.FILE)
        self.assertContains(self.client.get(self.url), LAST)
        mailbox = Backend.objects.get(kind=BackendKind.FILE)
        url = reverse("sending:backend_delete", args=[mailbox.code])
        self.assertNotContains(self.client.get(url), LAST)

    def test_it_deletes_and_audits(self) -> None:
        response = self.client.post(self.url, follow=True)
        self.assertRedirects(response, "/envio/servidores/")
        self.assertContains(response, "Delivery backend “Relé institucional” deleted.")
        self.assertFalse(Backend.objects.exists())
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual(entry.target, "Relé institucional")
        self.assertEqual(entry.actor, self.alice)
        self.assertEqual(entry.detail, {"kind": "delivery backend"})

    def test_it_rejects_other_methods(self) -> None:
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertTrue(Backend.objects.exists())
