"""What the SMS gateways share: a receipt and a reply as they read them, and how an HTTP
provider's answer becomes a ``Result`` (the email transports' answer, so retries and
billing follow the same rules)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from pregon.sending.transports.base import Outcome, Result

# Seconds: a gateway slower than this is taken as down, and the SMS is tried again later.
TIMEOUT = 10


@dataclass(frozen=True)
class Receipt:
    """A delivery receipt: the gateway's id for the message, and whether it arrived.

    ``also`` holds other spellings of the same id, tried when no SMS has ``ref`` itself (an
    SMSC may give an id in hexadecimal when it accepts a message and in decimal in its
    receipt; see ``smpp.receipt_spellings``)."""

    ref: str
    delivered: bool
    reason: str = ""
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Inbound:
    """A reply from a phone."""

    phone: str
    text: str


def answer(status: int, body: str) -> Result:
    """A provider's HTTP answer: 2xx accepted; 5xx and 429 (too many requests) try again
    later; any other refusal is final for this message."""
    excerpt = " ".join(body.split())[:300]
    if 200 <= status < 300:
        return Result(Outcome.SENT, status, excerpt)
    reply = _("The gateway answered %(status)s: %(body)s") % {"status": status, "body": excerpt}
    if status >= 500 or status == 429:
        return Result(Outcome.RETRY, status, reply[:500])
    return Result(Outcome.FAILED, status, reply[:500])


def reached_nobody(error: Exception) -> Result:
    """The gateway could not be reached (refused, timed out): try again later."""
    reason = type(error).__name__
    return Result(
        Outcome.RETRY,
        None,
        _("The gateway could not be reached (%(reason)s).") % {"reason": reason},
    )
