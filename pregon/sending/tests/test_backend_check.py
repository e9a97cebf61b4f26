import asyncio
import socket

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from django.urls import reverse

from pregon.lib import vault
from pregon.sending.models import Backend, BackendKind, Security
from pregon.testing import BaseTestCase


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class BackendCheckTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.port = free_port()
        self.backend = Backend.objects.create(
            name="Relé local",
            kind=BackendKind.SMTP,
            host="127.0.0.1",
            port=self.port,
            security=Security.NONE,
        )
        self.url = reverse("sending:backend_check", args=[self.backend.code])
        self.client.force_login(self.alice)

    def serve(self) -> None:
        """A real SMTP server on loopback, at the backend's port, for this test."""
        loop = asyncio.new_event_loop()
        controller = Controller(Sink(), hostname="127.0.0.1", port=self.port, loop=loop)
        controller.start()
        self.addCleanup(loop.close)
        self.addCleanup(controller.stop)

    def test_it_rejects_get(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_editors_may_not_check(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.post(self.url).status_code, 403)

    def test_it_shows_the_servers_reply(self) -> None:
        self.serve()
        response = self.client.post(self.url, follow=True)
        self.assertRedirects(response, "/envio/servidores/")
        self.assertContains(response, f"“Relé local”: The connection to 127.0.0.1:{self.port}")
        self.assertContains(response, "(without encryption)")
        self.assertContains(response, "alert-success")

    def test_it_answers_in_spanish_without_protocol_words(self) -> None:
        self.serve()
        self.use_spanish()
        response = self.client.post(self.url, follow=True)
        self.assertContains(
            response, f"La conexión con 127.0.0.1:{self.port} funciona (sin cifrado)."
        )
        self.assertNotContains(response, "NOOP")
        self.assertNotContains(response, "Connected")

    def test_it_says_when_the_server_cannot_be_reached(self) -> None:
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "Could not reach “Relé local”:")
        self.assertContains(response, "alert-warning")

    def test_a_password_that_cannot_be_read_is_asked_again(self) -> None:
        self.backend.username = "pregon"
        self.backend.password = "not a vault token"
        self.backend.save()
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "The stored password can no longer be read")
        self.assertNotContains(response, "not a vault token")

    def test_the_password_is_not_in_the_reply(self) -> None:
        self.backend.username = "pregon"
        self.backend.password = vault.encrypt("s3creto-Relé")
        self.backend.save()
        self.serve()
        response = self.client.post(self.url, follow=True)
        self.assertNotContains(response, "s3creto-Relé")
        self.assertNotContains(response, self.backend.password)
