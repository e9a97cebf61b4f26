"""The test mailbox: the transport that keeps messages on this server (FileSink), and its
screens."""

import os
import tempfile
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from pregon.sending import transports
from pregon.sending.transports.base import Outcome
from pregon.sending.transports.outbox import FileSink
from pregon.testing import BaseTestCase

RETURN_PATH = "bounces+m42@pregon.test"


def message(body: str = "Hola.") -> bytes:
    """A small finished message, CRLF-terminated as the engine builds them."""
    lines = [
        "From: Pregon <news@pregon.test>",
        "To: ana@example.org",
        "Subject: Test",
        "Message-ID: <1@pregon.test>",
        "",
        body,
        "",
    ]
    return "\r\n".join(lines).encode()


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


class FileSinkTestCase(SimpleTestCase):
    def setUp(self) -> None:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.directory = Path(directory.name) / "sink"
        self.sink = FileSink(self.directory)

    def test_it_keeps_the_exact_bytes_and_the_envelope(self) -> None:
        data = message(body="Sin cambios: \n bare LF stays.")
        result = self.sink.send(RETURN_PATH, "ana@example.org", data)
        self.assertEqual((result.outcome, result.code), (Outcome.SENT, None))
        [listed] = self.sink.messages()
        self.assertEqual(result.reply, f"Kept as {listed.name}")
        self.assertEqual(self.sink.read(listed.name), data)
        self.assertEqual(listed.path.read_bytes(), data)
        self.assertEqual((listed.mail_from, listed.recipient), (RETURN_PATH, "ana@example.org"))
        self.assertLess(abs(datetime.now(UTC) - listed.sent_at), timedelta(seconds=5))
        # Only the message and its sidecar: no temporary files left behind.
        self.assertEqual(sorted(p.suffix for p in self.directory.iterdir()), [".eml", ".json"])

    def test_it_lists_the_newest_first_with_decoded_headers(self) -> None:
        for n in range(3):
            data = (
                f"From: =?utf-8?q?Preg=C3=B3n?= <news@pregon.test>\r\nTo: c{n}@example.org\r\n"
                f"Subject: =?utf-8?q?N=C2=BA_{n}?=\r\n\r\nbody\r\n"
            ).encode()
            self.sink.send(RETURN_PATH, f"c{n}@example.org", data)
        listed = self.sink.messages(limit=2)
        self.assertEqual([m.subject for m in listed], ["Nº 2", "Nº 1"])
        self.assertEqual(listed[0].from_header, "Pregón <news@pregon.test>")
        self.assertEqual(listed[0].to_header, "c2@example.org")
        self.assertEqual(listed[0].recipient, "c2@example.org")

    def test_a_write_that_fails_leaves_nothing_and_is_retry(self) -> None:
        full = OSError(28, "full")
        with mock.patch("pregon.sending.transports.outbox.os.replace", side_effect=full):
            result = self.sink.send(RETURN_PATH, "ana@example.org", message())
        self.assertEqual(result.outcome, Outcome.RETRY)
        self.assertEqual(list(self.directory.iterdir()), [])
        self.assertEqual(self.sink.messages(), [])

    def test_read_refuses_names_outside_the_directory(self) -> None:
        self.sink.send(RETURN_PATH, "ana@example.org", message())
        secret = self.directory.parent / "secret.eml"
        secret.write_bytes(b"secret")
        for name in ["../secret.eml", str(secret), "..", "", "x/../../secret.eml"]:
            with self.subTest(name=name), self.assertRaises(ValueError):
                self.sink.read(name)
        link = "20250101T000000.000000Z-000000000000.eml"
        os.symlink(secret, self.directory / link)
        with self.assertRaises(ValueError):
            self.sink.read(link)
        with self.assertRaises(FileNotFoundError):
            self.sink.read("20250101T000000.000000Z-111111111111.eml")

    def test_a_missing_directory_lists_nothing(self) -> None:
        self.assertEqual(self.sink.messages(), [])
