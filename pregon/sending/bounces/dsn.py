"""What a message in the bounce mailbox reports: which recipients failed and how, or whose
complaint it carries, and which of our addresses it names.

Delivery status notices (RFC 3464) are read from their ``message/delivery-status`` part:
each failed (or expired) recipient's Status and Diagnostic-Code go to
``pregon.sending.bounces.classifier``, which says why it failed and whether that is the
recipient's doing (hard, soft) or ours (a block, SPF/DKIM/DMARC, the content). "Delayed"
notices report nothing. Notices without that part (Office 365's and Yahoo's plain text,
qmail, Exim, old Sendmail, Notes, MessageLabs, Japanese carriers…) are read as text: their
failed recipients are the addresses flufl.bounce's detectors find, or that the notice's own
words name, and the words after each address go to the same classifier. Complaints arrive
as abuse reports (ARF, RFC 5965: a ``message/feedback-report`` part) or, from Outlook.com,
as the reported message with its ``X-HmXmrOriginalRecipient`` header.
"""

import email
import email.header
import email.utils
import re
from dataclasses import dataclass, field
from email.message import Message

from flufl.bounce import all_failures

from pregon.sending.bounces.classifier import classify
from pregon.sending.models import BounceCause, BounceKind

# The VERP return path and the List-Unsubscribe address the engine gives each message
# (pregon/sending/engine.py): "rebote+<token>@domain" and "baja+<token>@domain".
ADDRESS = re.compile(r"\b(rebote|baja)\+([0-9a-z]+-[a-z2-7]+)@", re.IGNORECASE)
# Where a receiving server says whom it delivered a message to.
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc")
# Feedback types (RFC 5965) that are someone's complaint; "not-spam" is the opposite.
COMPLAINT_TYPES = {"abuse", "fraud", "virus", "other"}
# The header Outlook.com's complaint feed (JMRP) puts on the reported message, naming whom
# it was delivered to, when it sends the message itself instead of an ARF report.
OUTLOOK_COMPLAINT_HEADER = "X-HmXmrOriginalRecipient"
# Who sends notices, and how they are titled, when they come without a delivery-status part.
NOTICE_SENDER = re.compile(r"mailer-daemon|postmaster|mail delivery|nobody@", re.IGNORECASE)
NOTICE_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery (?:status notification|failure|has failed|notification)|"
    r"failure notice|returned mail|mail delivery failed|non-?deliver|could not be delivered|"
    r"delivery problem|not delivered|returned to sender|failed delivery|"
    r"配信|不達|エラー|送信できません",
    re.IGNORECASE,
)
# Where a plain-text notice stops speaking and starts quoting the returned message.
QUOTED_ORIGINAL = re.compile(
    r"^[\s>*=-]{0,12}(?:this is a copy of the message|below (?:this line )?is a copy|"
    r"original message|"
    r"original message headers|returned message|"
    r"unsent message below|message headers follow|headers of your message|"
    r"--- ?the header of the original message)",
    re.IGNORECASE | re.MULTILINE,
)
# A plain-text warning that delivery is only delayed: nothing to record yet.
DELAY_WARNING = re.compile(
    r"warning message only|will (?:continue|keep) (?:trying|to try|retrying)|"
    r"not yet been delivered|delivery (?:is )?delayed|has been delayed|still trying|"
    r"will retry|no action is required",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# How much of a notice's words after an address speak about it, at most.
WINDOW = 600


@dataclass(frozen=True)
class Failure:
    """One recipient the notice reports: a bounce of some kind, or a complaint."""

    email: str
    kind: str
    reason: str
    cause: str = BounceCause.UNDEFINED


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
        # Before Outlook.com's complaints: a copy it delivered, returned by a notice, carries
        # its complaint header too, and the notice says what happened.
        report.is_notice = True
        report.failures = _dsn_failures(statuses, _readable_text(message))
    elif recipient := _outlook_complaint(message, originals):
        report.is_notice = True
        report.failures = [
            Failure(recipient, BounceKind.COMPLAINT, "Outlook.com JMRP", BounceCause.COMPLAINT)
        ]
    else:
        report.is_notice, report.failures = _text_failures(message)
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


def _dsn_failures(blocks: list[Message], text: str) -> list[Failure]:
    failures = []
    for block in blocks:
        action = _header(block, "Action").lower()
        if not action.startswith(("failed", "failure", "error", "expired")):
            continue  # "delayed", "delivered", "relayed", "expanded": nothing went wrong yet.
        status = _header(block, "Status")
        recipient = _address(
            _header(block, "Original-Recipient") or _header(block, "Final-Recipient")
        )
        diagnostic = _header(block, "Diagnostic-Code")
        words = _one_line(diagnostic.partition(";")[2] or diagnostic)
        diagnosis = classify(
            status,
            words,
            text="" if words else _words_about(text, recipient),
            gave_up=action.startswith("expired") or status.startswith("4."),
        )
        reason = words or status
        if status and status not in reason:
            reason = f"{status} {reason}"
        failures.append(Failure(recipient, diagnosis.kind, reason, diagnosis.cause))
    return failures


def _text_failures(message: Message) -> tuple[bool, list[Failure]]:
    """A notice without a delivery-status part: whether it is one, and whom it reports."""
    text = _readable_text(message)
    _temporary, permanent = all_failures(message)
    found = [
        address
        for address in (address.decode().lower() for address in permanent)
        if not _is_ours(address)
    ]
    if not found and _looks_like_notice(message):
        if DELAY_WARNING.search(text):
            return True, []
        found = _named_recipients(message, text)
    failures = []
    for recipient in found:
        words = _words_about(text, recipient, others=found)
        diagnosis = classify(text=words or _header(message, "Subject"))
        reason = _one_line(words)[:300] or _one_line(_header(message, "Subject"))
        failures.append(Failure(recipient, diagnosis.kind, reason, diagnosis.cause))
    return bool(failures), failures


def _looks_like_notice(message: Message) -> bool:
    sender = _header(message, "From") + " " + _header(message, "Return-Path")
    return bool(NOTICE_SENDER.search(sender) or NOTICE_SUBJECT.search(_header(message, "Subject")))


def _named_recipients(message: Message, text: str) -> list[str]:
    """The addresses a notice's own words name, but for its sender's, its recipient's, the
    returned message's sender's and ours (the return path, the unsubscribe address)."""
    own = {
        _address(value)
        for name in ("From", "Sender", "To", "Cc", "Reply-To", "Return-Path", "Delivered-To")
        for value in message.get_all(name, [])
    } | {
        _address(value)
        for original in _originals(message)
        for name in ("From", "Sender", "Reply-To")
        for value in original.get_all(name, [])
    }
    found = []
    for match in EMAIL.finditer(text):
        address = match.group(0).strip(".").lower()
        if address not in own and address not in found and not _is_ours(address):
            found.append(address)
    return found


def _is_ours(address: str) -> bool:
    """Our return path or unsubscribe address, or a mail system's own."""
    return address.startswith(("rebote+", "baja+", "postmaster@", "mailer-daemon@"))


def _words_about(text: str, recipient: str, others: list[str] = ()) -> str:
    """What the notice says after each mention of ``recipient``, up to the next address it
    reports or ``WINDOW`` characters."""
    if not recipient:
        return ""
    words = []
    lowered = text.lower()
    start = lowered.find(recipient)
    while start != -1:
        end = min(len(text), start + len(recipient) + WINDOW)
        for other in others:
            if other != recipient and (at := lowered.find(other, start + len(recipient))) != -1:
                end = min(end, at)
        words.append(text[start + len(recipient) : end])
        start = lowered.find(recipient, start + len(recipient))
    return _one_line(" ".join(words))


def _readable_text(message: Message) -> str:
    """A notice's own words: its text parts (HTML stripped when there is no plain text),
    without the returned message it may quote or attach."""
    plain, html = [], []
    for part in _own_parts(message):
        if part.get_content_type() == "text/plain":
            plain.append(_decoded(part))
        elif part.get_content_type() == "text/html":
            html.append(re.sub(r"<[^>]+>", " ", _decoded(part)))
    text = "\n".join(plain or html)
    if match := QUOTED_ORIGINAL.search(text):
        text = text[: match.start()]
    return text


def _own_parts(message: Message) -> list[Message]:
    """The leaves of ``message``, not descending into attached messages."""
    if message.is_multipart():
        if message.get_content_maintype() == "message":
            return []
        return [leaf for part in message.get_payload() for leaf in _own_parts(part)]
    return [message]


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def _outlook_complaint(message: Message, originals: list[Message]) -> str:
    """The complainer's address, if this is Outlook.com's complaint without an ARF part."""
    for candidate in [message, *originals]:
        if value := _header(candidate, OUTLOOK_COMPLAINT_HEADER):
            return _address(value)
    return ""


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
    return [Failure(recipient, BounceKind.COMPLAINT, reason, BounceCause.COMPLAINT)]


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
