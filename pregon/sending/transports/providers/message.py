"""The engine's finished message, read back into the Django message anymail sends.

The engine builds and signs every message itself, the same for every backend. A provider's
API takes fields, not bytes (Amazon SES takes bytes, but anymail builds them again), so the
fields are read back from those bytes.
"""

import email
import email.policy
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any

from django.core.mail import EmailMultiAlternatives

# The headers the engine wrote that the provider must pass on. From, To, Subject and
# Reply-To go as the message's own fields; Date and MIME structure are the provider's to
# write. DKIM-Signature is left out on purpose: the provider re-encodes the body and rewrites
# headers, which would break our signature, and signs with the keys of the domain set up with
# it (a failing signature next to a good one only adds noise to receivers' verdicts).
PASSED_HEADERS = (
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "List-Id",
    "Feedback-ID",
    "Message-ID",
)


def to_email_message(data: bytes, recipient: str) -> EmailMultiAlternatives:
    """The engine's finished message as a Django message for anymail.

    Subject, From, Reply-To, the text and HTML parts and the list headers (`PASSED_HEADERS`,
    in ``extra_headers``) are taken from ``data``; the recipient is the envelope's (with the
    To header's display name when it is the same address). DKIM-Signature and the rest stay
    behind. Raises ValueError (or LookupError, TypeError) for bytes it cannot read.
    """
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    senders = _addresses(parsed, "From")
    if len(senders) != 1:
        raise ValueError("the message needs exactly one From address")
    to = recipient
    for address in _addresses(parsed, "To"):
        if address.addr_spec.lower() == recipient.lower() and address.display_name:
            to = str(Address(address.display_name, addr_spec=recipient))
    # The values as written (unfolded), not decoded: the builder already put RFC 2047 words
    # where they belong (in List-Id, around the description only). Decoded, the whole value
    # would be encoded again as one word, <list-id> included, which no reader can parse.
    wanted = {name.lower(): name for name in PASSED_HEADERS}
    headers = {
        wanted[name.lower()]: " ".join(value.split())
        for name, value in parsed.raw_items()
        if name.lower() in wanted
    }
    # The parts as written have CRLF line ends (the wire's); APIs take text with LF ends and
    # write CRLF themselves, and Django's MIME (for Amazon SES) would double the CR.
    text = _content(parsed.get_body(preferencelist=("plain",)))
    html = _content(parsed.get_body(preferencelist=("html",)))
    message = EmailMultiAlternatives(
        subject=str(parsed.get("Subject", "")),
        body=text or "",
        from_email=str(senders[0]),
        to=[to],
        reply_to=[str(address) for address in _addresses(parsed, "Reply-To")],
        headers=headers,
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message


def _content(part: Any) -> str | None:
    if part is None:
        return None
    return part.get_content().replace("\r\n", "\n")


def _addresses(message: EmailMessage, name: str) -> list[Address]:
    header = message.get(name)
    if header is None:
        return []
    return list(getattr(header, "addresses", ()))
