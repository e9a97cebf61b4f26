import tempfile
from email.message import EmailMessage
from pathlib import Path

from django.test import override_settings
from django.urls import reverse

from pregon.sending import transports
from pregon.testing import BaseTestCase


def kept(subject: str, to: str, html: str = "<p>Hola <b>María</b></p>") -> str:
    """Keep a message in the test mailbox, as the engine would; return its name."""
    message = EmailMessage()
    message["From"] = "Escuela de Capacitación <capacitacion@escuela.example.pe>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Hola María")
    message.add_alternative(html, subtype="html")
    result = transports.outbox().send("rebote@escuela.example.pe", to, message.as_bytes())
    return result.reply.removeprefix("Kept as ")


class OutboxTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.enterContext(override_settings(VAR_DIR=Path(directory.name)))
        self.url = reverse("sending:outbox")
        self.client.force_login(self.bob)

    def test_the_address_is_in_spanish(self) -> None:
        self.assertEqual(self.url, "/envio/buzon-de-prueba/")

    def test_analysts_may_not_see_it(self) -> None:
        name = kept("Curso", "ana@example.pe")
        self.client.force_login(self.charlie)
        for url in (
            self.url,
            reverse("sending:outbox_detail", args=[name]),
            reverse("sending:outbox_html", args=[name]),
        ):
            self.assertEqual(self.client.get(url).status_code, 403)

    def test_it_says_when_it_is_empty(self) -> None:
        self.assertContains(self.client.get(self.url), "The test mailbox is empty.")

    def test_it_lists_messages_newest_first(self) -> None:
        first = kept("Curso de ética", "ana@example.pe")
        second = kept("Curso de gestión", "luis@example.pe")
        response = self.client.get(self.url)
        content = response.content.decode()
        self.assertLess(content.index(second), content.index(first))
        self.assertContains(response, "Curso de ética")
        self.assertContains(response, "luis@example.pe")
        self.assertContains(response, f'href="/envio/buzon-de-prueba/{first}/"')

    def test_a_message_shows_its_html_in_a_sandboxed_frame_and_its_source(self) -> None:
        name = kept("Curso de ética", "ana@example.pe")
        response = self.client.get(reverse("sending:outbox_detail", args=[name]))
        self.assertContains(response, "Curso de ética")
        self.assertContains(response, f'src="/envio/buzon-de-prueba/{name}/html/" sandbox')
        self.assertContains(response, "Hola María")
        self.assertContains(response, "Content-Type: multipart/alternative")

    def test_the_html_may_only_be_framed_by_us_and_runs_no_script(self) -> None:
        name = kept("Curso", "ana@example.pe", html="<p>Hola</p><script>alert(1)</script>")
        response = self.client.get(reverse("sending:outbox_html", args=[name]))
        self.assertContains(response, "<p>Hola</p>")
        self.assertEqual(response["X-Frame-Options"], "SAMEORIGIN")
        self.assertEqual(
            response["Content-Security-Policy"],
            "sandbox; default-src 'none'; img-src * data:; style-src 'unsafe-inline'",
        )

    def test_names_it_did_not_write_are_not_found(self) -> None:
        for name in ("20990101T000000.000000Z-0123456789ab.eml", "..", "secret_key", "x.eml"):
            with self.subTest(name=name):
                url = reverse("sending:outbox_detail", args=[name])
                self.assertEqual(self.client.get(url).status_code, 404)
