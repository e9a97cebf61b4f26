from django.urls import reverse

from pregon.lib import vault
from pregon.sending.models import Backend, BackendKind, Security
from pregon.testing import BaseTestCase

PASSWORD = "s3creto-Relé"


class BackendIndexTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("sending:backends")
        self.client.force_login(self.alice)

    def test_the_address_is_in_spanish(self) -> None:
        self.assertEqual(self.url, "/envio/servidores/")

    def test_only_administrators_may_see_it(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_it_says_where_messages_go_without_a_backend(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "No delivery backends yet: messages go to the test mailbox.")
        self.assertContains(response, 'href="/envio/servidores/nuevo/smtp/"')
        self.assertContains(response, 'href="/envio/servidores/nuevo/file/"')

    def test_a_relay_without_encryption_reads_without_nested_brackets(self) -> None:
        Backend.objects.create(
            name="Relé local",
            kind=BackendKind.SMTP,
            host="127.0.0.1",
            port=2525,
            security=Security.NONE,
        )
        response = self.client.get(self.url)
        self.assertContains(response, "Encryption: None (loopback only)")
        self.assertNotContains(response, "(None (loopback only))")

    def test_it_lists_backends_without_their_password(self) -> None:
        backend = Backend.objects.create(
            name="Relé institucional",
            kind=BackendKind.SMTP,
            host="smtp.example.gob.pe",
            port=587,
            security=Security.STARTTLS,
            username="pregon",
            password=vault.encrypt(PASSWORD),
        )
        response = self.client.get(self.url)
        self.assertContains(response, "Relé institucional")
        self.assertContains(response, "smtp.example.gob.pe:587<br>")
        self.assertContains(response, "Encryption: STARTTLS")
        self.assertContains(response, "as pregon")
        self.assertContains(response, f'action="/envio/servidores/{backend.code}/probar/"')
        self.assertNotContains(response, PASSWORD)
        self.assertNotContains(response, backend.password)
