"""SMTP relay transports against a real SMTP server (aiosmtpd, in this process)."""

import asyncio
import ipaddress
import socket
import ssl
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as Server
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.test import SimpleTestCase

from pregon.sending.models import BounceCause
from pregon.sending.transports.base import Outcome
from pregon.sending.transports.smtp import SmtpPool, SmtpSettings, SmtpTransport

RETURN_PATH = "bounces+m42@pregon.test"
PASSWORD = "s3cret-Pa55word"


def message(recipient: str = "ana@example.org", body: str = "Hola.") -> bytes:
    """A small finished message, CRLF-terminated as the engine builds them."""
    lines = [
        "From: Pregon <news@pregon.test>",
        f"To: {recipient}",
        "Subject: Test",
        "Message-ID: <1@pregon.test>",
        "",
        body,
        "",
    ]
    return "\r\n".join(lines).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    peer: tuple[str, int]
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    mail_options: list[str]


class Relay:
    """An aiosmtpd handler that answers by the recipient's local part and records what it took.

    Messages are recorded before the 250 goes out, so once send() returns they are visible.
    """

    RCPT_REPLIES = {
        "busy": "421 4.3.2 Service shutting down",
        "later": "451 4.3.0 Mail server temporarily rejected message",
        "unknown": "550 5.1.1 <unknown@example.org>: Recipient address rejected: User unknown",
        "full": "552 5.2.2 Mailbox full",
    }
    DATA_REPLIES = {
        "spam": "554 5.7.1 Message rejected as spam",
        "greylisted": "451 4.7.1 Greylisted, try again later",
    }

    def __init__(self, close_after: int | None = None) -> None:
        self.close_after = close_after
        self.received: list[Received] = []
        self.per_connection: Counter[tuple[str, int]] = Counter()

    @property
    def connections(self) -> int:
        """How many connections delivered messages (a peer's port names its connection)."""
        return len({r.peer for r in self.received})

    async def handle_RCPT(
        self, server: Server, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        reply = self.RCPT_REPLIES.get(address.split("@")[0])
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Server, session: Session, envelope: Envelope) -> str:
        local = envelope.rcpt_tos[0].split("@")[0]
        if local == "vanish":
            # The connection dies after the message but before the reply.
            server.transport.close()
            return "250 OK"
        if local in self.DATA_REPLIES:
            return self.DATA_REPLIES[local]
        self.received.append(
            Received(
                session.peer,
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.original_content,
                list(envelope.mail_options),
            )
        )
        self.per_connection[session.peer] += 1
        if self.per_connection[session.peer] == self.close_after:
            # Like a server that limits messages per session or closes idle ones: the 250 is
            # written first, and the connection is closed right after.
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 2.0.0 Ok: queued as 4XyZ"


class TiredRelay(Relay):
    """Answers MAIL FROM with 421 once a connection has delivered two messages."""

    async def handle_MAIL(
        self, server: Server, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if self.per_connection[session.peer] >= 2:
            return "421 4.7.0 Too many messages in this session"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"


def authenticator(
    server: Server, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) in {
        (b"ana", PASSWORD.encode()),
        ("ñandú".encode(), "contraseña".encode()),
    }
    # handled=False makes aiosmtpd answer 535 itself; by default it would say nothing.
    return AuthResult(success=ok, handled=False)


class SmtpCase(SimpleTestCase):
    """Starts aiosmtpd servers on free loopback ports, stopped after each test."""

    def serve(self, relay: Relay | None = None, **kwargs: Any) -> tuple[Relay, SmtpSettings]:
        relay = relay or Relay()
        port = free_port()
        controller = Controller(
            relay, hostname="127.0.0.1", port=port, server_hostname="relay.test", **kwargs
        )
        controller.start()
        self.addCleanup(controller.stop)
        settings = SmtpSettings(
            host="127.0.0.1", port=port, security="none", timeout=5, local_hostname="pregon.test"
        )
        return relay, settings

    def transport(self, settings: SmtpSettings) -> SmtpTransport:
        transport = SmtpTransport(settings)
        # Cleanups run last-in first-out: the transport quits before its server stops.
        self.addCleanup(transport.close)
        return transport


class SmtpTransportTestCase(SmtpCase):
    def test_it_sends_the_exact_bytes_from_the_return_path(self) -> None:
        relay, settings = self.serve()
        data = message(body="Línea con acentos: ñ.\r\n.A line starting with a dot\r\n..two")
        result = self.transport(settings).send(RETURN_PATH, "ana@example.org", data)
        self.assertEqual(result.outcome, Outcome.SENT)
        self.assertEqual((result.code, result.reply), (250, "2.0.0 Ok: queued as 4XyZ"))
        self.assertEqual(result.cause, "")
        [received] = relay.received
        self.assertEqual(received.content, data)
        self.assertEqual(received.mail_from, RETURN_PATH)
        self.assertEqual(received.rcpt_tos, ["ana@example.org"])
        self.assertIn(f"SIZE={len(data)}", received.mail_options)
        self.assertIn("BODY=8BITMIME", received.mail_options)

    def test_it_reuses_one_connection_for_100_messages(self) -> None:
        relay, settings = self.serve()
        transport = self.transport(settings)
        for i in range(100):
            result = transport.send(f"bounces+{i}@pregon.test", f"c{i}@example.org", message())
            self.assertEqual(result.outcome, Outcome.SENT)
        self.assertEqual(len(relay.received), 100)
        self.assertEqual(relay.connections, 1)
        self.assertEqual(relay.received[99].mail_from, "bounces+99@pregon.test")

    def test_it_sends_bare_line_feeds_as_crlf(self) -> None:
        relay, settings = self.serve()
        self.transport(settings).send(RETURN_PATH, "ana@example.org", b"Subject: x\n\nbody")
        self.assertEqual(relay.received[0].content, b"Subject: x\r\n\r\nbody\r\n")

    def test_421_is_retry_and_the_next_message_reconnects(self) -> None:
        relay, settings = self.serve()
        transport = self.transport(settings)
        transport.send(RETURN_PATH, "a@example.org", message())
        result = transport.send(RETURN_PATH, "busy@example.org", message())
        self.assertEqual((result.outcome, result.code), (Outcome.RETRY, 421))
        self.assertEqual(result.reply, "4.3.2 Service shutting down")
        self.assertEqual(transport.send(RETURN_PATH, "b@example.org", message()).outcome, "sent")
        self.assertEqual(relay.connections, 2)

    def test_4xx_at_rcpt_is_retry_and_the_connection_stays_usable(self) -> None:
        relay, settings = self.serve()
        transport = self.transport(settings)
        result = transport.send(RETURN_PATH, "later@example.org", message())
        self.assertEqual((result.outcome, result.code), (Outcome.RETRY, 451))
        self.assertEqual(result.reply, "4.3.0 Mail server temporarily rejected message")
        # Without the RSET, aiosmtpd would answer this MAIL FROM with "503 nested MAIL".
        self.assertEqual(transport.send(RETURN_PATH, "a@example.org", message()).outcome, "sent")
        self.assertEqual(relay.received[0].rcpt_tos, ["a@example.org"])
        self.assertEqual(relay.connections, 1)

    def test_550_user_unknown_is_failed_and_an_unknown_mailbox(self) -> None:
        relay, settings = self.serve()
        transport = self.transport(settings)
        result = transport.send(RETURN_PATH, "unknown@example.org", message())
        self.assertEqual((result.outcome, result.code), (Outcome.FAILED, 550))
        self.assertEqual(result.cause, BounceCause.USER_UNKNOWN)
        self.assertIn("User unknown", result.reply)
        self.assertEqual(transport.send(RETURN_PATH, "a@example.org", message()).outcome, "sent")
        self.assertEqual(relay.connections, 1)

    def test_552_mailbox_full_is_failed_but_not_unknown(self) -> None:
        _, settings = self.serve()
        result = self.transport(settings).send(RETURN_PATH, "full@example.org", message())
        self.assertEqual((result.outcome, result.code), (Outcome.FAILED, 552))
        self.assertEqual(result.cause, BounceCause.MAILBOX_FULL)

    def test_554_spam_after_data_is_failed_but_not_unknown(self) -> None:
        relay, settings = self.serve()
        transport = self.transport(settings)
        result = transport.send(RETURN_PATH, "spam@example.org", message())
        self.assertEqual((result.outcome, result.code), (Outcome.FAILED, 554))
        self.assertEqual(result.reply, "5.7.1 Message rejected as spam")
        self.assertEqual(result.cause, BounceCause.SPAM_DETECTED)
        self.assertEqual(transport.send(RETURN_PATH, "a@example.org", message()).outcome, "sent")
        self.assertEqual(relay.connections, 1)

    def test_4xx_after_data_is_retry(self) -> None:
        _, settings = self.serve()
        result = self.transport(settings).send(RETURN_PATH, "greylisted@example.org", message())
        self.assertEqual((result.outcome, result.code), (Outcome.RETRY, 451))

    def test_a_connection_the_server_closed_between_messages_is_reopened(self) -> None:
        relay, settings = self.serve(Relay(close_after=3))
        transport = self.transport(settings)
        outcomes = [transport.send(RETURN_PATH, f"c{i}@example.org", message()) for i in range(7)]
        self.assertEqual([r.outcome for r in outcomes], [Outcome.SENT] * 7)
        self.assertEqual(
            [r.rcpt_tos[0] for r in relay.received], [f"c{i}@example.org" for i in range(7)]
        )
        self.assertEqual(relay.connections, 3)

    def test_a_connection_lost_before_the_reply_is_retry_and_not_resent(self) -> None:
        relay, settings = self.serve()
        transport = self.transport(settings)
        result = transport.send(RETURN_PATH, "vanish@example.org", message())
        self.assertEqual((result.outcome, result.code), (Outcome.RETRY, None))
        self.assertIn("may have been accepted", result.reply)
        self.assertEqual(relay.received, [])
        self.assertEqual(transport.send(RETURN_PATH, "a@example.org", message()).outcome, "sent")

    def test_a_server_that_never_answers_is_a_timeout(self) -> None:
        with socket.create_server(("127.0.0.1", 0)) as silent:
            port = silent.getsockname()[1]
            settings = SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=0.2)
            result = self.transport(settings).send(RETURN_PATH, "a@example.org", message())
        self.assertEqual((result.outcome, result.code), (Outcome.RETRY, None))
        self.assertEqual(result.reply, f"127.0.0.1:{port} no respondió en 0.2 s.")

    def test_a_closed_port_is_refused(self) -> None:
        settings = SmtpSettings(host="127.0.0.1", port=free_port(), security="none")
        result = self.transport(settings).send(RETURN_PATH, "a@example.org", message())
        self.assertEqual(result.outcome, Outcome.RETRY)
        self.assertIn("rechazó la conexión", result.reply)

    def test_421_at_mail_on_a_kept_connection_reconnects(self) -> None:
        relay, settings = self.serve(TiredRelay())
        transport = self.transport(settings)
        outcomes = [transport.send(RETURN_PATH, f"c{i}@example.org", message()) for i in range(5)]
        self.assertEqual([r.outcome for r in outcomes], [Outcome.SENT] * 5)
        self.assertEqual(relay.connections, 3)

    def test_it_writes_international_domains_in_ascii_and_uses_smtputf8_for_the_rest(self) -> None:
        relay, settings = self.serve()
        transport = self.transport(settings)
        transport.send(RETURN_PATH, "ana@españa.example", message())
        transport.send(RETURN_PATH, "josé@example.org", message())
        self.assertEqual(relay.received[0].rcpt_tos, ["ana@xn--espaa-rta.example"])
        self.assertNotIn("SMTPUTF8", relay.received[0].mail_options)
        self.assertEqual(relay.received[1].rcpt_tos, ["josé@example.org"])
        self.assertIn("SMTPUTF8", relay.received[1].mail_options)

    def test_an_address_with_a_line_break_is_failed_without_sending(self) -> None:
        relay, settings = self.serve()
        result = self.transport(settings).send(RETURN_PATH, "a@example.org\r\nRSET", message())
        self.assertEqual(result.outcome, Outcome.FAILED)
        self.assertEqual(relay.received, [])

    def test_close_quits_and_the_next_message_reconnects(self) -> None:
        relay, settings = self.serve()
        transport = self.transport(settings)
        transport.send(RETURN_PATH, "a@example.org", message())
        transport.close()
        transport.close()
        transport.send(RETURN_PATH, "b@example.org", message())
        self.assertEqual(relay.connections, 2)


class CheckTestCase(SmtpCase):
    def test_it_logs_in_and_reports_success(self) -> None:
        _, settings = self.serve(authenticator=authenticator, auth_require_tls=False)
        settings = replace(settings, username="ana", password=PASSWORD)
        result = self.transport(settings).check()
        self.assertEqual((result.outcome, result.code), (Outcome.SENT, 250))
        self.assertIn("funciona (sin cifrado) y el servidor aceptó el usuario ana", result.reply)

    def test_a_wrong_password_is_failed_535_and_not_revealed(self) -> None:
        _, settings = self.serve(authenticator=authenticator, auth_require_tls=False)
        settings = replace(settings, username="ana", password="wrong-pw")
        result = self.transport(settings).check()
        self.assertEqual((result.outcome, result.code), (Outcome.FAILED, 535))
        self.assertIn("El servidor rechazó el usuario ana", result.reply)
        self.assertNotIn("wrong-pw", result.reply)
        self.assertNotIn("wrong-pw", repr(settings))

    def test_a_non_ascii_password_logs_in(self) -> None:
        relay, settings = self.serve(authenticator=authenticator, auth_require_tls=False)
        settings = replace(settings, username="ñandú", password="contraseña")
        transport = self.transport(settings)
        self.assertEqual(transport.check().outcome, Outcome.SENT)
        self.assertEqual(transport.send(RETURN_PATH, "a@example.org", message()).outcome, "sent")
        self.assertEqual(len(relay.received), 1)

    def test_a_check_says_only_that_it_could_not_connect(self) -> None:
        # Closed or silent, the answer is the same: a check tells nothing of what runs there.
        port = free_port()
        result = self.transport(SmtpSettings(host="127.0.0.1", port=port, security="none")).check()
        self.assertEqual((result.outcome, result.code), (Outcome.RETRY, None))
        self.assertEqual(result.reply, f"No se pudo conectar con 127.0.0.1:{port}.")
        with socket.create_server(("127.0.0.1", 0)) as silent:
            port = silent.getsockname()[1]
            settings = SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=0.2)
            result = self.transport(settings).check()
        self.assertEqual(result.reply, f"No se pudo conectar con 127.0.0.1:{port}.")

    def test_a_silent_server_is_only_one_that_could_not_be_reached(self) -> None:
        with socket.create_server(("127.0.0.1", 0)) as silent:
            port = silent.getsockname()[1]
            settings = SmtpSettings(host="127.0.0.1", port=port, security="tls", timeout=0.2)
            result = self.transport(settings).check()
        self.assertEqual(result.outcome, Outcome.RETRY)
        self.assertEqual(result.reply, f"No se pudo conectar con 127.0.0.1:{port}.")


class TlsTestCase(SmtpCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relay.test")])
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        with tempfile.TemporaryDirectory() as directory:
            (Path(directory) / "cert.pem").write_bytes(cert_pem)
            (Path(directory) / "key.pem").write_bytes(key_pem)
            cls.server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            cls.server_context.load_cert_chain(
                Path(directory) / "cert.pem", Path(directory) / "key.pem"
            )
        cls.client_context = ssl.create_default_context(cadata=cert_pem.decode())

    def settings(self, settings: SmtpSettings, **changes: Any) -> SmtpSettings:
        return replace(settings, tls_context=self.client_context, **changes)

    def test_starttls_then_login_then_send(self) -> None:
        relay, settings = self.serve(
            authenticator=authenticator, tls_context=self.server_context, require_starttls=True
        )
        settings = self.settings(settings, security="starttls", username="ana", password=PASSWORD)
        transport = self.transport(settings)
        check = transport.check()
        self.assertEqual(check.outcome, Outcome.SENT, check.reply)
        self.assertIn(
            "funciona (cifrada con STARTTLS) y el servidor aceptó el usuario ana", check.reply
        )
        data = message()
        self.assertEqual(transport.send(RETURN_PATH, "a@example.org", data).outcome, "sent")
        self.assertEqual(relay.received[0].content, data)

    def test_a_required_login_that_was_not_configured_is_retry(self) -> None:
        relay, settings = self.serve(
            authenticator=authenticator, tls_context=self.server_context, auth_required=True
        )
        settings = self.settings(settings, security="starttls")
        result = self.transport(settings).send(RETURN_PATH, "a@example.org", message())
        self.assertEqual((result.outcome, result.code), (Outcome.RETRY, 530))
        self.assertEqual(relay.received, [])

    def test_an_untrusted_certificate_is_refused(self) -> None:
        _, settings = self.serve(tls_context=self.server_context)
        settings = replace(settings, security="starttls")
        result = self.transport(settings).check()
        self.assertEqual((result.outcome, result.code), (Outcome.RETRY, None))
        self.assertIn("no es de confianza", result.reply)

    def test_verify_certificate_false_accepts_it(self) -> None:
        _, settings = self.serve(tls_context=self.server_context)
        settings = replace(settings, security="starttls", verify_certificate=False)
        self.assertEqual(self.transport(settings).check().outcome, Outcome.SENT)

    def test_a_server_without_starttls_is_not_used_in_plain_text(self) -> None:
        relay, settings = self.serve()
        settings = self.settings(settings, security="starttls")
        result = self.transport(settings).send(RETURN_PATH, "a@example.org", message())
        self.assertEqual(result.outcome, Outcome.RETRY)
        self.assertIn("no ofrece STARTTLS", result.reply)
        self.assertEqual(relay.received, [])

    def test_implicit_tls(self) -> None:
        relay, settings = self.serve(ssl_context=self.server_context)
        transport = self.transport(self.settings(settings, security="tls"))
        self.assertIn("cifrada con TLS", transport.check().reply)
        self.assertEqual(transport.send(RETURN_PATH, "a@example.org", message()).outcome, "sent")
        self.assertEqual(len(relay.received), 1)


class SmtpPoolTestCase(SmtpCase):
    def test_four_threads_share_the_pool_without_mixing_messages(self) -> None:
        relay, settings = self.serve()
        pool = SmtpPool(settings, 4)
        self.addCleanup(pool.close)
        outcomes: list[Outcome] = []

        def work(n: int) -> None:
            for i in range(25):
                key = f"t{n}-{i}"
                data = message(f"{key}@example.org", body=f"Body for {key}.")
                outcomes.append(pool.send(f"bounces+{key}@pregon.test", f"{key}@example.org", data))

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual([r.outcome for r in outcomes], [Outcome.SENT] * 100)
        self.assertEqual(len(relay.received), 100)
        for received in relay.received:
            key = received.rcpt_tos[0].split("@")[0]
            self.assertEqual(received.mail_from, f"bounces+{key}@pregon.test")
            self.assertIn(f"Body for {key}.".encode(), received.content)
        self.assertLessEqual(relay.connections, 4)

    def test_a_transport_whose_connection_dropped_reconnects(self) -> None:
        relay, settings = self.serve()
        pool = SmtpPool(settings, 1)
        self.addCleanup(pool.close)
        self.assertEqual(pool.send(RETURN_PATH, "vanish@example.org", message()).outcome, "retry")
        self.assertEqual(pool.send(RETURN_PATH, "a@example.org", message()).outcome, "sent")
        self.assertEqual(len(relay.received), 1)

    def test_close_closes_every_connection_and_the_pool_stays_usable(self) -> None:
        relay, settings = self.serve()
        pool = SmtpPool(settings, 2)
        pool.send(RETURN_PATH, "a@example.org", message())
        pool.close()
        pool.send(RETURN_PATH, "b@example.org", message())
        pool.close()
        self.assertEqual(relay.connections, 2)
