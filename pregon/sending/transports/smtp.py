"""SMTP relays as transports: `SmtpTransport` keeps one SMTP connection and reuses it for the
messages that follow, `SmtpPool` shares several of them between threads. `SmtpSettings` says
how to reach a relay; `settings_for` reads them from a `Backend` row.

The replies become `Result`s as the base module says: 2xx SENT, 4xx and connection or TLS
trouble RETRY, 5xx FAILED (with the bounce cause the classifier reads in the reply), but a
refused login (530, 535) is RETRY: it is about our settings, not the message.
"""

import base64
import ipaddress
import queue
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from functools import cache
from typing import Literal
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.utils.translation import gettext as _

from pregon.lib import vault
from pregon.sending.bounces.classifier import classify
from pregon.sending.models import Backend
from pregon.sending.transports.base import Outcome, Result, Transport

Security = Literal["none", "starttls", "tls"]
_DEFAULT_PORTS: dict[str, int] = {"none": 25, "starttls": 587, "tls": 465}


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach one SMTP relay.

    ``security`` is "starttls" (upgrade a plain connection, and refuse to go on if the server
    doesn't offer it), "tls" (implicit TLS, usually port 465) or "none". ``port`` defaults to
    587, 465 or 25 accordingly. Certificates are verified unless ``verify_certificate`` is
    False; ``tls_context`` replaces the default context altogether (tests pass one that trusts
    their own certificate). ``timeout`` applies to each network operation, not to a whole
    message. ``local_hostname`` is the name given in EHLO; by default the machine's FQDN.
    """

    host: str
    port: int | None = None
    security: Security = "starttls"
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0
    local_hostname: str | None = None
    verify_certificate: bool = True
    tls_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.security not in _DEFAULT_PORTS:
            raise ValueError(f"security must be none, starttls or tls, not {self.security!r}")

    @property
    def address(self) -> str:
        """host:port, as shown in messages."""
        return f"{self.host}:{self.port or _DEFAULT_PORTS[self.security]}"


def settings_for(backend: Backend) -> SmtpSettings:
    """The settings of an SMTP relay backend; raises vault.InvalidToken for an unreadable
    password."""
    return SmtpSettings(
        host=backend.host,
        port=backend.port,
        security=backend.security,
        username=backend.username,
        password=vault.decrypt(backend.password),
        local_hostname=ehlo_name(),
    )


def ehlo_name() -> str:
    """The name given in EHLO: ``PREGON_EHLO_NAME``, or else the site's host, an IP address
    written as an address literal ("[192.0.2.1]", RFC 5321 §4.1.3).

    Not the machine's own name (``socket.getfqdn()``), which on many servers is "localhost"
    or a name nobody outside can resolve, and which some relays refuse.
    """
    if django_settings.EHLO_NAME:
        return django_settings.EHLO_NAME
    host = urlsplit(django_settings.SITE_URL).hostname or "localhost"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host.encode("idna").decode("ascii")
    return f"[IPv6:{address}]" if address.version == 6 else f"[{address}]"


@cache
def _fqdn() -> str:
    # smtplib calls socket.getfqdn() for every connection when no local_hostname is given, and
    # that reverse lookup can hang for seconds when DNS is unwell. Once per process is enough.
    return socket.getfqdn()


class Unavailable(Exception):
    """The connection could not be set up; carries the Result that explains why."""

    def __init__(self, result: Result, unreachable: bool = False) -> None:
        super().__init__(result.reply)
        self.result = result
        # Nothing that speaks SMTP or TLS answered: refused, no answer, no such host.
        self.unreachable = unreachable


# The stages of one SMTP transaction, named as the protocol does, for messages.
MAIL, RCPT, DATA, BODY = "MAIL FROM", "RCPT TO", "DATA", "the end of the message"
_BARE_LF = re.compile(rb"\r?\n")


class SmtpTransport(Transport):
    """One SMTP connection, opened on first use and reused for the messages that follow.

    Not thread-safe: one thread at a time (`SmtpPool` shares several between threads).
    """

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._context: ssl.SSLContext | None = None

    def __repr__(self) -> str:
        return f"<SmtpTransport {self.settings.address}>"

    def send(self, mail_from: str, recipient: str, data: bytes) -> Result:
        """Deliver one message over the kept connection, opening it if needed.

        Returns SENT with the final reply (which often carries the relay's queue id), RETRY
        for 4xx replies and connection trouble, FAILED for 5xx. Never raises for network
        errors and never sends the same message twice.
        """
        if invalid := invalid_address(mail_from, recipient):
            return invalid
        try:
            result = self._attempt(mail_from, recipient, data)
            if result is None:
                # The kept connection had died while idle (servers close idle sessions, or
                # after so many messages) and nothing of this message had been transmitted, so
                # a fresh connection can't cause a duplicate.
                result = self._attempt(mail_from, recipient, data)
        except BaseException:
            # A bug or an interrupt half-way through a transaction leaves the session in an
            # unknown state: never reuse it.
            self._drop()
            raise
        assert result is not None  # A fresh connection always answers.
        return result

    def check(self) -> Result:
        """Test the settings: connect, secure, log in, NOOP and QUIT on a separate connection.

        Returns SENT when everything worked, FAILED when the server rejected us with a 5xx
        (such as 535, bad credentials) and RETRY for network or TLS trouble; ``reply`` says
        which. Never raises.
        """
        try:
            smtp = self._open()
        except Unavailable as error:
            if error.unreachable:
                # One answer whether the port was closed, filtered or the host unknown: a
                # check must not tell what runs on the machines it can reach.
                reply = _("Could not connect to %(server)s.") % {"server": self.settings.address}
                return Result(Outcome.RETRY, None, reply)
            result = error.result
            if result.code is not None and result.code >= 500:
                return Result(Outcome.FAILED, result.code, result.reply)
            return result
        try:
            code, text = smtp.noop()
            smtp.quit()
        except OSError as error:
            reply = _("The connection was lost: %(error)s") % {"error": error}
            return Result(Outcome.RETRY, None, self._redact(reply))
        finally:
            smtp.close()
        if not 200 <= code < 300:
            reply = _("The server answered a check with an error: %(code)s %(text)s") % {
                "code": code,
                "text": text_of(text),
            }
            return Result(Outcome.RETRY, code, self._redact(reply))
        return Result(Outcome.SENT, code, self._redact(self._connected()))

    def _connected(self) -> str:
        """The sentence a working connection check shows: where, how secured, as whom."""
        s = self.settings
        how = {
            "none": _("without encryption"),
            "starttls": _("encrypted with STARTTLS"),
            "tls": _("encrypted with TLS"),
        }[s.security]
        if s.username:
            return _(
                "The connection to %(server)s works (%(how)s) and the server accepted the "
                "user %(user)s."
            ) % {"server": s.address, "how": how, "user": s.username}
        return _("The connection to %(server)s works (%(how)s).") % {
            "server": s.address,
            "how": how,
        }

    def close(self) -> None:
        """QUIT and close the connection, if one is open."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except OSError:
            pass  # The server went first; closing our end below is all that is left.
        finally:
            smtp.close()

    def _attempt(self, mail_from: str, recipient: str, data: bytes) -> Result | None:
        """One try at a transaction; None if a kept connection turned out dead before MAIL."""
        reused = self._smtp is not None
        try:
            smtp = self._connection()
        except Unavailable as error:
            return error.result
        envelope = smtp_envelope(smtp, mail_from, recipient, data)
        if isinstance(envelope, Result):
            return envelope
        sender, rcpt, options = envelope
        stage = MAIL
        try:
            code, text = smtp.mail(sender, options)
            if reused and code == 421:
                self._drop()
                return None
            if not 200 <= code < 300:
                return self._rejected(stage, code, text)
            stage = RCPT
            code, text = smtp.rcpt(rcpt)
            if not 200 <= code < 300:
                return self._rejected(stage, code, text)
            stage = DATA
            code, text = smtp.docmd("DATA")
            if code != 354:
                return self._rejected(stage, code, text)
            stage = BODY
            smtp.send(wire_format(data))
            code, text = smtp.getreply()
        except OSError as error:
            # smtplib's own errors (SMTPServerDisconnected…) are OSErrors too, as are
            # timeouts, resets and TLS errors.
            self._drop()
            if reused and stage == MAIL:
                return None
            why = f"no answer within {self.settings.timeout:g} s" if timed_out(error) else error
            if stage == BODY:
                reply = (
                    "Connection lost after the message was sent, before the server answered; "
                    f"it may have been accepted ({why})."
                )
            else:
                reply = f"Connection lost at {stage} ({why})."
            return Result(Outcome.RETRY, None, self._redact(reply), may_have_arrived=stage == BODY)
        if 200 <= code < 300:
            return Result(Outcome.SENT, code, text_of(text))
        return self._rejected(stage, code, text)

    def _rejected(self, stage: str, code: int, text: bytes) -> Result:
        """The Result for a non-2xx reply at `stage`, leaving the connection usable if it is."""
        reply = text_of(text)
        if code == 421 or not 400 <= code < 600:
            # 421: the server is closing the session (RFC 5321 §3.8). Anything else outside
            # 4xx/5xx here is a protocol error, after which the session can't be trusted.
            self._drop()
            return Result(Outcome.RETRY, code, reply)
        if stage != BODY:
            # A transaction rejected half-way must be reset, or the next MAIL FROM gets "503
            # nested MAIL command". After the final reply the transaction is already over.
            try:
                self._smtp.rset()  # type: ignore[union-attr]
            except OSError:
                self._drop()
        return refusal(stage, code, reply)

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            self._smtp = self._open()
        return self._smtp

    def _drop(self) -> None:
        """Forget the connection without QUIT: it is broken or the server is closing it."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def _open(self) -> smtplib.SMTP:
        """A connected, secured and authenticated session; raises Unavailable otherwise."""
        s = self.settings
        port = s.port or _DEFAULT_PORTS[s.security]
        local_hostname = s.local_hostname or _fqdn()
        try:
            if s.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, port, local_hostname, timeout=s.timeout, context=self._tls_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, port, local_hostname, timeout=s.timeout)
        except (OSError, smtplib.SMTPException) as error:
            answered = isinstance(error, ssl.SSLError | smtplib.SMTPResponseException)
            raise Unavailable(self._connect_failure(error), unreachable=not answered) from None
        try:
            smtp.ehlo_or_helo_if_needed()
            if s.security == "starttls":
                # smtplib's starttls() without a context doesn't verify the certificate at
                # all, so a context is always passed. Never fall back to plain text when the
                # server lacks STARTTLS: that is exactly what a downgrade attack looks like.
                if not smtp.has_extn("starttls"):
                    raise Unavailable(
                        Result(
                            Outcome.RETRY,
                            None,
                            _("%(server)s does not offer STARTTLS.") % {"server": s.address},
                        )
                    )
                smtp.starttls(context=self._tls_context())
                smtp.ehlo()
            if s.username:
                _login(smtp, s.username, s.password)
        except Unavailable:
            smtp.close()
            raise
        except (OSError, smtplib.SMTPException) as error:
            smtp.close()
            raise Unavailable(self._connect_failure(error)) from None
        return smtp

    def _tls_context(self) -> ssl.SSLContext:
        if self._context is None:
            if self.settings.tls_context is not None:
                self._context = self.settings.tls_context
            else:
                self._context = ssl.create_default_context()
                if not self.settings.verify_certificate:
                    self._context.check_hostname = False
                    self._context.verify_mode = ssl.CERT_NONE
        return self._context

    def _connect_failure(self, error: BaseException) -> Result:
        """A RETRY Result explaining why a connection could not be set up."""
        s = self.settings
        code: int | None = None
        names = {"server": s.address, "host": s.host, "user": s.username}
        if isinstance(error, smtplib.SMTPAuthenticationError):
            code = error.smtp_code
            reply = _("The server refused the user %(user)s: %(code)s %(text)s") % {
                **names,
                "code": code,
                "text": text_of(error.smtp_error),
            }
        elif isinstance(error, smtplib.SMTPResponseException):
            # SMTPConnectError (a greeting other than 220), SMTPHeloError, a refused STARTTLS.
            code = error.smtp_code
            reply = _("%(server)s answered %(code)s %(text)s") % {
                **names,
                "code": code,
                "text": text_of(error.smtp_error),
            }
        elif isinstance(error, smtplib.SMTPNotSupportedError):
            reply = (
                _("%(server)s does not offer login (no AUTH with a mechanism Pregón supports).")
                % names
            )
        elif timed_out(error):
            reply = _("No answer from %(server)s within %(seconds)s s.") % {
                **names,
                "seconds": f"{s.timeout:g}",
            }
        elif isinstance(error, smtplib.SMTPServerDisconnected):
            reply = _("%(server)s closed the connection while setting up the session.") % names
        elif isinstance(error, ssl.SSLCertVerificationError):
            reply = (
                _("Encryption (TLS) failed: the certificate of %(host)s is not trusted.") % (names)
                + f" ({error.verify_message})"
            )
        elif isinstance(error, ssl.SSLError):
            reply = _("Encryption (TLS) failed with %(server)s.") % names + (
                f" ({error.reason or error})"
            )
        elif isinstance(error, ConnectionRefusedError):
            reply = _("%(server)s refused the connection: nothing is listening there.") % names
        elif isinstance(error, socket.gaierror):
            reply = _("The server %(host)s does not exist (its name was not found).") % names
        elif isinstance(error, OSError):
            reply = _("Could not connect to %(server)s.") % names + (
                f" ({error.strerror or error})"
            )
        else:
            reply = _("Could not set up the session with %(server)s.") % names + f" ({error})"
        return Result(Outcome.RETRY, code, self._redact(reply))

    def _redact(self, text: str) -> str:
        # A server has no reason to echo the password, but a reply is shown to users and kept
        # in reports, so make sure.
        password = self.settings.password
        return text.replace(password, "********") if password else text


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    """Authenticate; raises SMTPAuthenticationError or SMTPNotSupportedError."""
    if (username + password).isascii() or not smtp.has_extn("auth"):
        smtp.login(username, password)
        return
    # smtplib encodes credentials as ASCII and fails with UnicodeEncodeError on "contraseña".
    # AUTH PLAIN is defined over UTF-8 (RFC 4616), so we speak it ourselves for such
    # credentials. docmd() sends only base64, and nothing is logged unless debuglevel is set.
    if "PLAIN" not in smtp.esmtp_features["auth"].upper().split():
        raise smtplib.SMTPNotSupportedError("The server offers no AUTH PLAIN for UTF-8 logins.")
    token = base64.b64encode(b"\0" + username.encode() + b"\0" + password.encode()).decode()
    code, text = smtp.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, text)


def invalid_address(*addresses: str) -> Result | None:
    """FAILED if one of ``addresses`` cannot be written in a command, else None."""
    for address in addresses:
        if any(c in address for c in "\r\n<>"):
            # smtplib raises ValueError on a line break; brackets would forge the command.
            return Result(Outcome.FAILED, None, f"Not a valid address: {address!r}")
    return None


def smtp_envelope(
    smtp: smtplib.SMTP, mail_from: str, recipient: str, data: bytes
) -> tuple[str, str, list[str]] | Result:
    """The return path and recipient as written in MAIL and RCPT, and MAIL's options, as
    the server's extensions allow; FAILED for an address the server cannot take."""
    sender, sender_utf8 = _smtp_address(mail_from)
    rcpt, rcpt_utf8 = _smtp_address(recipient)
    options = []
    if smtp.does_esmtp:
        if smtp.has_extn("size"):
            options.append(f"SIZE={len(data)}")
        if not data.isascii() and smtp.has_extn("8bitmime"):
            options.append("BODY=8BITMIME")
    if sender_utf8 or rcpt_utf8:
        if not smtp.has_extn("smtputf8"):
            return Result(
                Outcome.FAILED,
                None,
                f"The address {recipient if rcpt_utf8 else mail_from} has non-ASCII "
                "characters and the server does not support SMTPUTF8.",
            )
        options.append("SMTPUTF8")
    return sender, rcpt, options


def refusal(stage: str, code: int, reply: str) -> Result:
    """The Result of a 4xx or 5xx reply at ``stage`` (one of MAIL FROM, RCPT TO, DATA or
    the end of the message)."""
    if code < 500 or code in (530, 535):
        # 530/535 (authentication required or refused) are about our settings, not this
        # message: it must wait for them to be fixed, not be written off.
        return Result(Outcome.RETRY, code, reply)
    diagnosis = classify(diagnostic=reply, code=code, command="MAIL" if stage == MAIL else "")
    return Result(Outcome.FAILED, code, reply, cause=diagnosis.cause)


def _smtp_address(address: str) -> tuple[str, bool]:
    """The address as written in MAIL/RCPT, and whether it needs SMTPUTF8.

    A non-ASCII domain is written in its ASCII (IDNA) form, so only a non-ASCII local part
    needs the server's SMTPUTF8 support.
    """
    if address.isascii():
        return address, False
    local, at, domain = address.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass  # Not a valid IDNA name: leave it as is and let SMTPUTF8 carry it.
    address = local + at + domain
    return address, not address.isascii()


def wire_format(data: bytes) -> bytes:
    """The message as sent after DATA: CRLF line ends, dot-stuffed, ending with CRLF.CRLF."""
    # smtplib fixes line ends only for str messages and sends bytes as they are; servers may
    # reject a bare LF (Postfix's smtpd_forbid_bare_newline, against SMTP smuggling). The
    # engine builds CRLF messages, so this is normally two counts (20 µs for 20 KB), no copy.
    if data.count(b"\n") != data.count(b"\r\n"):
        data = _BARE_LF.sub(b"\r\n", data)
    # Dot-stuffing (RFC 5321 §4.5.2) with bytes.replace: with CRLF ends every line but the
    # first starts after "\n", and this is five times faster than a multiline regex.
    if data.startswith(b"."):
        data = b"." + data
    data = data.replace(b"\n.", b"\n..")
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def timed_out(error: BaseException) -> bool:
    """Whether `error` is a timeout, which smtplib reports as SMTPServerDisconnected."""
    # smtplib's getreply() turns any OSError while reading, timeouts included, into
    # SMTPServerDisconnected("Connection unexpectedly closed: timed out"), raised inside the
    # except block, so the timeout survives only as the exception's context.
    return isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError)


def text_of(text: bytes | str) -> str:
    """A reply's text as str: servers may send any bytes, and a report must show something."""
    if isinstance(text, bytes):
        return text.decode("utf-8", errors="replace")
    return text


class SmtpPool(Transport):
    """Up to `size` `SmtpTransport`s to one relay, shared by threads.

    Each send borrows a transport (waiting while all are busy) and gives it back. A transport
    whose connection broke has already forgotten it and reconnects for its next message.
    """

    def __init__(self, settings: SmtpSettings, size: int) -> None:
        if size < 1:
            raise ValueError("An SMTP pool needs at least one connection.")
        self.settings = settings
        self.size = size
        # Last in, first out: under light load the same few connections do all the work and
        # the rest are never opened, instead of every connection being kept barely alive.
        self._idle: queue.LifoQueue[SmtpTransport] = queue.LifoQueue()
        for _slot in range(size):
            self._idle.put(SmtpTransport(settings))

    def __repr__(self) -> str:
        return f"<SmtpPool {self.settings.address} size={self.size}>"

    def send(self, mail_from: str, recipient: str, data: bytes) -> Result:
        """Deliver one message over a borrowed connection; see `SmtpTransport.send`."""
        transport = self._idle.get()
        try:
            return transport.send(mail_from, recipient, data)
        finally:
            self._idle.put(transport)

    def close(self) -> None:
        """Close every connection, first waiting for the sends in progress to finish.

        The pool stays usable: transports reconnect on their next message. Call it from the
        sending loop, not from a signal handler, which could be waiting on its own thread.
        """
        # Borrowing all of them is what makes this safe against concurrent sends.
        transports = [self._idle.get() for _ in range(self.size)]
        try:
            for transport in transports:
                transport.close()
        finally:
            for transport in transports:
                self._idle.put(transport)
