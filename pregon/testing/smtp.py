"""A real SMTP server for the sending tests: aiosmtpd in the test process, on loopback."""

import asyncio
import email
import email.policy
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from pregon.sending.models import Backend, BackendKind, Security


@dataclass
class Received:
    mail_from: str
    recipient: str
    data: bytes
    # The name the client gave in EHLO (or HELO).
    helo: str = ""

    def parsed(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


class Mailbox:
    """Takes every message, unless ``answer`` (recipient, attempt) says otherwise.

    ``answer`` returns None to accept, an SMTP reply ("451 …") to refuse, or "drop" to
    close the connection without a reply. ``attempts`` counts each recipient's tries.
    ``recipient_answer`` (recipient) refuses RCPT TO the same way (None: accept). The
    server offers PIPELINING (RFC 2920) in EHLO, as Postfix does, unless ``pipelining``
    is False; aiosmtpd reads pipelined commands either way.
    """

    def __init__(
        self,
        answer: Callable[[str, int], str | None] | None = None,
        pipelining: bool = True,
        recipient_answer: Callable[[str], str | None] | None = None,
    ) -> None:
        self.answer = answer or (lambda recipient, attempt: None)
        self.recipient_answer = recipient_answer or (lambda recipient: None)
        self.pipelining = pipelining
        self.received: list[Received] = []
        self.attempts: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list
    ) -> list[str]:
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if answer := self.recipient_answer(address):
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        recipient = envelope.rcpt_tos[0]
        with self.lock:
            self.attempts[recipient] += 1
            answer = self.answer(recipient, self.attempts[recipient])
        if answer == "drop":
            server.transport.close()
            return "421 closing"
        if answer:
            return answer
        with self.lock:
            self.received.append(
                Received(
                    envelope.mail_from, recipient, envelope.original_content, session.host_name
                )
            )
        return "250 2.0.0 Ok: queued"

    def count(self) -> Counter[str]:
        return Counter(message.recipient for message in self.received)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(mailbox: Mailbox, idle_timeout: float = 300) -> Iterator[Backend]:
    """Run ``mailbox`` on loopback and make it the backend in use; yield the backend.

    ``idle_timeout``: seconds the server waits for a command before it hangs up.
    """
    port = free_port()
    loop = asyncio.new_event_loop()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, loop=loop, timeout=idle_timeout
    )
    controller.start()
    try:
        yield Backend.objects.create(
            name="Relé de prueba",
            kind=BackendKind.SMTP,
            host="127.0.0.1",
            port=port,
            security=Security.NONE,
        )
    finally:
        controller.stop()
