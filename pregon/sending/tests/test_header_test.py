""" "Send me a test" (R19): a real message through the relay in use (aiosmtpd), and the page
shows the headers of that very message, explained, with the relay's answer; never billed."""

import dkim
from django.urls import reverse
from django.utils.html import escape

from pregon.domains.models import DkimKey
from pregon.sending.models import Message, QuotaDebit, SenderIdentity
from pregon.testing import BaseTestCase
from pregon.testing.smtp import Mailbox, smtp_server

URL = "/envio/enviarme-una-prueba/"
SHOWN = (
    "From",
    "Message-ID",
    "DKIM-Signature",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "List-Id",
    "Feedback-ID",
)


def unfolded(value: str) -> str:
    return " ".join(str(value).split())


class HeaderTestTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sender = SenderIdentity.objects.create(
            from_name="Escuela de Capacitación", from_email="cursos@capacitacion.gob.pe"
        )

    def dns(self, name: bytes, timeout: int = 5) -> bytes:
        """dkimpy's DNS: the domain's published keys, as the domain page asks to publish."""
        for key in DkimKey.objects.filter(domain=self.sender.domain):
            if name == f"{key.selector}._domainkey.{self.sender.domain.name}.".encode():
                return key.dns_value.encode()
        return b""

    def send(self, address: str, mailbox: Mailbox) -> object:
        self.client.force_login(self.bob)
        with smtp_server(mailbox):
            return self.client.post(URL, {"sender": self.sender.pk, "address": address})

    def test_analysts_may_not_send_it(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.assertEqual(self.client.post(URL, {"sender": self.sender.pk}).status_code, 403)

    def test_it_offers_the_user_s_own_address_and_is_in_the_menu(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(URL)
        self.assertContains(response, 'value="bob@example.org"')
        self.assertContains(response, "Escuela de Capacitación &lt;cursos@capacitacion.gob.pe&gt;")
        self.assertContains(response, f'href="{reverse("sending:header_test")}"')

    def test_the_page_shows_the_headers_of_the_message_that_arrived(self) -> None:
        mailbox = Mailbox()
        response = self.send("Jefa@Example.pe", mailbox)
        self.assertEqual(response.status_code, 200)
        [received] = mailbox.received
        self.assertEqual(received.recipient, "jefa@example.pe")
        message = received.parsed()
        shown = response.context["headers"]
        self.assertEqual([h.name for h in shown][:3], ["From", "Return-Path", "Message-ID"])
        # Every header the page shows is the one received, value for value.
        for name in SHOWN:
            with self.subTest(name):
                sent = [unfolded(value) for value in message.get_all(name, [])]
                self.assertTrue(sent)
                self.assertEqual([h.value for h in shown if h.name == name], sent)
                for value in sent:
                    self.assertContains(response, escape(value))
        [return_path] = [h.value for h in shown if h.name == "Return-Path"]
        self.assertEqual(return_path, received.mail_from)
        self.assertTrue(return_path.startswith("rebote+"))
        self.assertContains(response, escape(return_path))
        # Two signatures (Ed25519 and RSA), each verifying as a receiver would, d= and s=
        # explained as the domain's own.
        signatures = [h for h in shown if h.name == "DKIM-Signature"]
        self.assertEqual(len(signatures), 2)
        for index, signature in enumerate(signatures):
            self.assertTrue(dkim.DKIM(received.data).verify(index, dnsfunc=self.dns))
            tags = {name: value for name, value, meaning in signature.tags}
            self.assertEqual(tags["d"], "capacitacion.gob.pe")
            self.assertIn(
                tags["s"], set(self.sender.domain.keys.values_list("selector", flat=True))
            )
            self.assertIn("list-unsubscribe-post", tags["h"].split(", "))
        self.assertEqual(
            {value for name, value, _m in signatures[0].tags if name == "a"}, {"ed25519-sha256"}
        )
        # Each explanation links to its guide; the relay's answer is there.
        self.assertContains(response, f'href="{reverse("help:guide", args=["dkim"])}"')
        self.assertContains(response, f'href="{reverse("help:guide", args=["envios-masivos"])}"')
        self.assertContains(response, "Sent to jefa@example.pe.")
        self.assertContains(response, "Ok: queued")
        self.assertIn("[Test] Message headers", message["Subject"])
        # A test: no message row, nothing billed.
        self.assertFalse(Message.objects.exists())
        self.assertFalse(QuotaDebit.objects.exists())

    def test_a_refusal_is_shown_with_the_relay_s_words(self) -> None:
        response = self.send(
            "nadie@example.pe", Mailbox(lambda to, attempt: "550 5.1.1 no such user")
        )
        self.assertContains(response, "Not sent to nadie@example.pe.")
        self.assertContains(response, "no such user")

    def test_a_bad_address_is_refused_in_spanish_and_nothing_is_sent(self) -> None:
        self.use_spanish()
        mailbox = Mailbox()
        response = self.send("no-es-un-correo", mailbox)
        self.assertContains(response, "“no-es-un-correo” no es un correo electrónico válido.")
        self.assertEqual(mailbox.received, [])
        self.assertIsNone(response.context["sent"])

    def test_an_unknown_sender_is_refused(self) -> None:
        mailbox = Mailbox()
        self.client.force_login(self.bob)
        with smtp_server(mailbox):
            response = self.client.post(URL, {"sender": 9999, "address": "bob@example.org"})
        self.assertContains(response, "Choose one of the sender identities.")
        self.assertEqual(mailbox.received, [])

    def test_the_return_path_is_the_domain_s_bounce_subdomain(self) -> None:
        # Bounces go to rebotes.<the From domain>, whose MX brings them to Pregón; the From
        # domain's own MX keeps its mail.
        mailbox = Mailbox()
        self.send("jefa@example.pe", mailbox)
        [received] = mailbox.received
        local, _at, domain = received.mail_from.partition("@")
        self.assertEqual((local[:7], domain), ("rebote+", "rebotes.capacitacion.gob.pe"))
        self.assertEqual(received.parsed()["From"].addresses[0].domain, "capacitacion.gob.pe")

    def test_the_installation_s_return_path_domain_overrides_the_domain_s_own(self) -> None:
        mailbox = Mailbox()
        with self.settings(RETURN_PATH_DOMAIN="rebotes.pregon.test"):
            self.send("jefa@example.pe", mailbox)
        [received] = mailbox.received
        self.assertEqual(received.mail_from.partition("@")[2], "rebotes.pregon.test")
