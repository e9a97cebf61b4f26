"""SMTP command pipelining (RFC 2920): a batch's transactions without a wait per command.

smtplib speaks in lock-step: MAIL FROM, wait, RCPT TO, wait, DATA, wait, the message, wait:
four round trips a message, which cost a sending worker half its time. A relay that offers
PIPELINING takes the commands of a transaction in one write, and the message's content and
end-of-data followed, in that same write, by the next transaction's MAIL, RCPT and DATA
(RFC 2920 §3.1: the content may be the first "command" of a group). So each message costs
one write and one wait, and the worker builds the next message while the relay answers:

    write  MAIL₁ RCPT₁ DATA₁
    build 2; read 250 250 354;  write body₁ . MAIL₂ RCPT₂ DATA₂
    build 3; read 250 (body₁) 250 250 354;  write body₂ . MAIL₃ RCPT₃ DATA₃ …

The replies come in the order the commands went, so each one is matched to its message
and stage exactly as in lock-step, and the outcomes are the same: a refused MAIL or RCPT
fails or defers that message alone (the transaction is reset before the next), a 4xx or
5xx at the end of the data is that message's. If the connection breaks or the relay says
421, a message whose content had gone out and whose answer had not come back is deferred as
one that may have arrived (the engine retries it later, never at once elsewhere); the
messages whose content had not gone out cannot have arrived, and go again, with the rest
of the batch, one at a time as `SmtpTransport.send` does (which opens a new connection).
A kept connection that had died while idle answered nothing: the batch goes pipelined on
a new connection.
"""

import smtplib
import socket
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain

from pregon.sending.transports.base import Envelope, Outcome, Result
from pregon.sending.transports.smtp import (
    BODY,
    DATA,
    MAIL,
    RCPT,
    SmtpTransport,
    Unavailable,
    invalid_address,
    refusal,
    smtp_envelope,
    text_of,
    timed_out,
    wire_format,
)

# What a reply answers, besides the four stages: the RSET between a refused transaction and
# the next, and the end-of-data of a transaction whose recipient was refused but whose DATA
# a non-conforming server accepted anyway (RFC 2920 §3.1: the client then ends it empty).
_RSET, _EMPTY = "RSET", "empty end-of-data"
# Linux only; elsewhere delayed ACKs stay as the system has them.
_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


@dataclass(eq=False)
class _Transaction:
    """One message on the connection: its commands, and what the relay said so far."""

    envelope: Envelope
    commands: bytes
    refused: Result | None = None
    data_accepted: bool = False
    content_sent: bool = False
    result: Result | None = None


@dataclass
class _Session:
    """The replies awaited on one connection, in order, and the transactions still open."""

    expected: deque[tuple[_Transaction | None, str]] = field(default_factory=deque)
    open: list[_Transaction] = field(default_factory=list)
    done: list[tuple[Envelope, Result]] = field(default_factory=list)
    answered: bool = False

    def expect(self, transaction: _Transaction) -> None:
        """Await the replies to ``transaction``'s MAIL, RCPT and DATA, just sent."""
        self.expected.extend([(transaction, MAIL), (transaction, RCPT), (transaction, DATA)])


class _Broken(Exception):
    """The session cannot go on (421, or a reply that makes no sense); ``result`` is the
    outcome of the message whose reply said so."""

    def __init__(self, transaction: _Transaction | None, result: Result) -> None:
        super().__init__(result.reply)
        self.transaction = transaction
        self.result = result


class PipeliningSmtp(SmtpTransport):
    """An `SmtpTransport` whose ``send_many`` pipelines when the relay offers PIPELINING,
    and sends one message after another (``SmtpTransport.send``) when it does not."""

    def __repr__(self) -> str:
        return f"<PipeliningSmtp {self.settings.address}>"

    def send_many(self, envelopes: Iterable[Envelope]) -> Iterator[tuple[Envelope, Result]]:
        """Deliver ``envelopes`` as ``SmtpTransport.send`` would, one write and one wait each.

        Yields each envelope with its `Result`; never raises for network errors. Takes the
        next envelope (so the engine builds it) while the relay answers the previous one.
        """
        envelopes = iter(envelopes)
        first = next(envelopes, None)
        if first is None:
            return
        envelopes = chain([first], envelopes)
        reused = self._smtp is not None
        try:
            smtp = self._connection()
        except Unavailable:
            # The lock-step path reports why for each message (and tries to connect again).
            yield from super().send_many(envelopes)
            return
        if not (smtp.does_esmtp and smtp.has_extn("pipelining")):
            yield from super().send_many(envelopes)
            return
        # Each group goes in one write and waits for its answers: Nagle's algorithm would
        # hold the group's tail until the relay acknowledged the message before it.
        smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        session = _Session()
        try:
            leftover = yield from self._pipeline(smtp, session, envelopes)
        except BaseException:
            # A bug or an interrupt mid-pipeline leaves the session in an unknown state.
            self._drop()
            raise
        if leftover is None:
            return
        yield from self._flush(session)
        if reused and not session.answered:
            # A kept connection that had died while idle: how a batch after a quiet spell
            # starts. Nothing was answered, so nothing of the batch went out (not even the
            # message whose MAIL got the relay's parting 421): all of it goes pipelined
            # on a new connection.
            again = (transaction.envelope for transaction in session.open)
            yield from self.send_many(chain(again, leftover))
            return
        # The session broke. What had not gone out goes again, one at a time, on a new
        # connection.
        for transaction in session.open:
            if transaction.result is not None:
                yield transaction.envelope, transaction.result
        again = [t.envelope for t in session.open if t.result is None]
        yield from super().send_many(chain(again, leftover))

    def _pipeline(
        self, smtp: smtplib.SMTP, session: _Session, envelopes: Iterator[Envelope]
    ) -> Generator[tuple[Envelope, Result], None, Iterator[Envelope] | None]:
        """The pipelined exchange; returns None when done, or, when the session broke, the
        envelopes not yet taken (the connection dropped, each open transaction's ``result``
        set if it has one)."""
        current = self._next(smtp, session, envelopes)
        yield from self._flush(session)
        if current is None:
            return None
        try:
            smtp.send(current.commands)
            session.expect(current)
            while current is not None:
                # Built while the relay reads what went and answers it.
                following = self._next(smtp, session, envelopes)
                self._read(smtp, session, until=(current, DATA))
                out = []
                if current.data_accepted:
                    current.content_sent = True
                    out.append(b".\r\n" if current.refused else wire_format(current.envelope.data))
                    session.expected.append((current, _EMPTY if current.refused else BODY))
                if following is not None:
                    if not current.data_accepted:
                        # The refused transaction may have left MAIL's state behind.
                        out.append(b"RSET\r\n")
                        session.expected.append((None, _RSET))
                    out.append(following.commands)
                    session.expect(following)
                if out:
                    smtp.send(b"".join(out))
                yield from self._flush(session)
                current = following
            self._read(smtp, session)
            yield from self._flush(session)
            return None
        except _Broken as broken:
            self._drop()
            if broken.transaction is not None:
                broken.transaction.result = broken.result
            self._mark_lost(session, "")
            return envelopes
        except OSError as error:
            # smtplib's own errors (SMTPServerDisconnected…) are OSErrors, as are timeouts.
            self._drop()
            why = f"no answer within {self.settings.timeout:g} s" if timed_out(error) else error
            self._mark_lost(session, str(why))
            return envelopes

    def _next(
        self, smtp: smtplib.SMTP, session: _Session, envelopes: Iterator[Envelope]
    ) -> _Transaction | None:
        """The next envelope that can go, as a transaction; those that cannot are done."""
        for envelope in envelopes:
            invalid = invalid_address(envelope.mail_from, envelope.recipient)
            checked = invalid or smtp_envelope(
                smtp, envelope.mail_from, envelope.recipient, envelope.data
            )
            if isinstance(checked, Result):
                session.done.append((envelope, checked))
                continue
            sender, recipient, options = checked
            mail = " ".join([f"MAIL FROM:<{sender}>", *options])
            commands = f"{mail}\r\nRCPT TO:<{recipient}>\r\nDATA\r\n".encode()
            transaction = _Transaction(envelope, commands)
            session.open.append(transaction)
            return transaction
        return None

    def _read(
        self, smtp: smtplib.SMTP, session: _Session, until: tuple[_Transaction, str] | None = None
    ) -> None:
        """Read the replies awaited, up to and including ``until``'s (all of them: None)."""
        if _QUICKACK is not None:
            # Acknowledge the relay's replies at once: we write nothing until all of a
            # group's replies are in, so a delayed ACK would hold a relay whose Nagle
            # algorithm waits for it before sending the rest (40 ms on Linux).
            smtp.sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
        while session.expected:
            transaction, stage = session.expected.popleft()
            code, text = smtp.getreply()
            self._answer(session, transaction, stage, code, text_of(text))
            session.answered = True
            if (transaction, stage) == until:
                return

    def _answer(
        self, session: _Session, transaction: _Transaction | None, stage: str, code: int, reply: str
    ) -> None:
        """Apply one reply to its transaction; raises _Broken if the session cannot go on."""
        ok = 200 <= code < 300
        if code == 421 or not (ok or code == 354 or 400 <= code < 600):
            # 421: the relay is closing the session (RFC 5321 §3.8); anything else outside
            # 2xx-5xx here is a protocol error, after which the session can't be trusted.
            raise _Broken(transaction, Result(Outcome.RETRY, code, reply))
        if transaction is None:  # RSET
            if not ok:
                raise _Broken(None, Result(Outcome.RETRY, code, reply))
            return
        if stage in (MAIL, RCPT):
            if not ok and transaction.refused is None:
                transaction.refused = refusal(stage, code, reply)
            return
        if stage == DATA:
            if code == 354:
                transaction.data_accepted = True
                return
            self._finish(session, transaction, transaction.refused or refusal(DATA, code, reply))
            return
        if stage == _EMPTY:
            self._finish(session, transaction, transaction.refused)
            return
        result = Result(Outcome.SENT, code, reply) if ok else refusal(BODY, code, reply)
        self._finish(session, transaction, result)

    def _finish(self, session: _Session, transaction: _Transaction, result: Result | None) -> None:
        session.open.remove(transaction)
        session.done.append((transaction.envelope, result))

    def _mark_lost(self, session: _Session, why: str) -> None:
        """After the session broke: a message whose content went out and whose answer did
        not come back may have arrived; the others stay open, to go again."""
        for transaction in session.open:
            if transaction.refused and transaction.result is None:
                # Its recipient was refused: the empty end-of-data carried nothing.
                transaction.result = transaction.refused
            elif transaction.content_sent and transaction.result is None:
                reply = (
                    "Connection lost after the message was sent, before the server answered; "
                    f"it may have been accepted ({why or 'the server closed the session'})."
                )
                transaction.result = Result(
                    Outcome.RETRY, None, self._redact(reply), may_have_arrived=True
                )

    def _flush(self, session: _Session) -> Iterator[tuple[Envelope, Result]]:
        done, session.done = session.done, []
        yield from done
