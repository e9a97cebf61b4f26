"""What a message in the bounce mailbox reports: which recipients failed and how, or whose
complaint it carries, and which of our addresses it names.

Delivery status notices (RFC 3464) are read from their ``message/delivery-status`` part,
whose Status codes tell a hard bounce (5.x.x) from a soft one (4.x.x; and "mailbox full",
x.2.2, even as 5.2.2: it clears up, and receivers disagree on its class). "Delayed" notices
report nothing. Bounces in older, non-standard shapes (qmail, Exchange, Yahoo…) are left to
flufl.bounce's detectors, whose permanent failures count as hard. Complaints arrive as
abuse reports (ARF, RFC 5965: a ``message/feedback-report`` part).
"""

import email
import email.header
import email.utils
import re
from dataclasses import dataclass, field
from email.message import Message

from flufl.bounce import all_failures

from pregon.sending.models import BounceKind

# The VERP return path and the List-Unsubscribe address the engine gives each message
# (pregon/sending/engine.py): "rebote+<token>@domain" and "baja+<token>@domain".
ADDRESS = re.compile(r"\b(rebote|baja)\+([0-9a-z]+-[a-z2-7]+)@", re.IGNORECASE)
# Where a receiving server says whom it delivered a message to.
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc")
# Feedback types (RFC 5965) that are someone's complaint; "not-spam" is the opposite.
COMPLAINT_TYPES = {"abuse", "fraud", "virus", "other"}


@dataclass(frozen=True)
class Failure:
    """One recipient the notice reports: a hard or soft bounce, or a complaint."""

    email: str
    kind: str
    reason: str


@dataclass
class Report:
    """What one incoming message says, as far as bounces and unsubscribes go."""

    # Bounces, or the complaint of an abuse report; empty for anything else.
    failures: list[Failure] = field(default_factory=list)
    # A notice, even one that reports nothing to act on (a "delayed" warning).
    is_notice: bool = False
    # Tokens of our VERP addresses (rebote+…) this message was delivered to, or that the
    # returned original carried (its Return-Path), in that order.
    bounce_tokens: list[str] = field(default_factory=list)
    # Tokens of the List-Unsubscribe address (baja+…): of the recipient headers for a
    # person's mail; of the returned original's headers for a notice.
    unsubscribe_tokens: list[str] = field(default_factory=list)


def read(data: bytes) -> Report:
    """What the raw message ``data`` reports (see the module's docstring)."""
    message = email.message_from_bytes(data)
    report = Report()
    originals = _originals(message)
    if feedback := _feedback(message):
        report.is_notice = True
        report.failures = _complaint(feedback, originals)
    elif statuses := _delivery_statuses(message):
        report.is_notice = True
        report.failures = _dsn_failures(statuses)
    else:
        report.failures = _heuristic_failures(message)
        report.is_notice = bool(report.failures)
    report.bounce_tokens = _tokens(_recipients(message), "rebote")
    if report.is_notice:
        for original in originals:
            report.bounce_tokens += _tokens(original.get_all("Return-Path", []), "rebote")
            report.unsubscribe_tokens += _tokens(original.get_all("List-Unsubscribe", []), "baja")
    else:
        report.unsubscribe_tokens = _tokens(_recipients(message), "baja")
    return report


def _recipients(message: Message) -> list[str]:
    return [str(value) for name in RECIPIENT_HEADERS for value in message.get_all(name, [])]


def _tokens(values: list[str], local_part: str) -> list[str]:
    found = []
    for value in values:
        for match in ADDRESS.finditer(str(value)):
            if match.group(1).lower() == local_part and match.group(2).lower() not in found:
                found.append(match.group(2).lower())
    return found


def _parts(message: Message, content_type: str) -> list[Message]:
    return [part for part in message.walk() if part.get_content_type() == content_type]


def _originals(message: Message) -> list[Message]:
    """The returned or reported original: a whole message, or only its headers."""
    originals = []
    for part in _parts(message, "message/rfc822"):
        payload = part.get_payload()
        if isinstance(payload, list) and payload:
            originals.append(payload[0])
    for part in _parts(message, "text/rfc822-headers"):
        originals.append(
            email.message_from_string(part.get_payload(decode=True).decode(errors="replace"))
        )
    return originals


def _delivery_statuses(message: Message) -> list[Message]:
    """The per-recipient blocks of every ``message/delivery-status`` part."""
    blocks = []
    for part in _parts(message, "message/delivery-status"):
        payload = part.get_payload()
        if isinstance(payload, list):
            # The first block is about the message as a whole, the others one recipient each.
            blocks += [block for block in payload[1:] if _header(block, "Action")]
    return blocks


def _dsn_failures(blocks: list[Message]) -> list[Failure]:
    failures = []
    for block in blocks:
        action = _header(block, "Action").lower()
        if not action.startswith(("failed", "error")):
            continue  # "delayed", "delivered", "relayed", "expanded": nothing went wrong yet.
        status = _header(block, "Status")
        recipient = _address(
            _header(block, "Original-Recipient") or _header(block, "Final-Recipient")
        )
        kind = BounceKind.SOFT if _is_soft(status) else BounceKind.HARD
        diagnostic = _header(block, "Diagnostic-Code")
        reason = _one_line(diagnostic.partition(";")[2] or diagnostic) or status
        if status and status not in reason:
            reason = f"{status} {reason}"
        failures.append(Failure(recipient, kind, reason))
    return failures


def _is_soft(status: str) -> bool:
    return status.startswith("4.") or status.endswith(".2.2")


def _heuristic_failures(message: Message) -> list[Failure]:
    """Bounces without a delivery-status part, as flufl.bounce's detectors find them."""
    # Temporary ones are warnings ("still trying"), like delayed DSNs: nothing to record.
    _temporary, permanent = all_failures(message)
    reason = _one_line(_header(message, "Subject"))
    return [Failure(address.decode().lower(), BounceKind.HARD, reason) for address in permanent]


def _feedback(message: Message) -> Message | None:
    for part in _parts(message, "message/feedback-report"):
        payload = part.get_payload()
        if isinstance(payload, list) and payload:
            return payload[0]
        if isinstance(payload, str):
            return email.message_from_string(payload)
    return None


def _complaint(feedback: Message, originals: list[Message]) -> list[Failure]:
    feedback_type = _header(feedback, "Feedback-Type").lower()
    if feedback_type not in COMPLAINT_TYPES:
        return []
    recipient = _address(_header(feedback, "Original-Rcpt-To"))
    if not recipient and originals:
        recipient = _address(_header(originals[0], "To"))
    reporter = _one_line(_header(feedback, "Reporting-MTA") or _header(feedback, "User-Agent"))
    reason = f"ARF {feedback_type}" + (f" ({reporter})" if reporter else "")
    return [Failure(recipient, BounceKind.COMPLAINT, reason)]


def _header(message: Message, name: str) -> str:
    """A header as text, also when it holds raw 8-bit bytes (a server's diagnostic in its
    own language), for which the parser gives a ``Header`` object: read as UTF-8."""
    value = message.get(name)
    if value is None:
        return ""
    if isinstance(value, email.header.Header):
        value = "".join(
            part.decode("utf-8", "replace") if isinstance(part, bytes) else part
            for part, _charset in email.header.decode_header(value)
        )
    return str(value).strip()


def _address(value: str | None) -> str:
    """The address of "rfc822; someone@example.org" or "Someone <someone@example.org>"."""
    if not value:
        return ""
    _name, address = email.utils.parseaddr(str(value).partition(";")[2] or str(value))
    return address.strip().lower()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
