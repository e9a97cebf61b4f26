"""Why a message did not arrive, and what that means for its recipient: the one classifier
of the relay's SMTP reply, the bounce mailbox's notices and the providers' webhooks.

Each failure gets a cause (``BounceCause``, after sisimai's reason taxonomy) and, from the
cause, a kind: a dead address is a hard bounce and is suppressed at once; passing trouble is
a soft bounce, counted towards the soft-bounce limit; a refusal for something on our side (a
block of our IP, SPF/DKIM/DMARC, the content) is never held against the recipient.
"""

from dataclasses import dataclass

from pregon.sending.models import BounceCause, BounceKind

KIND_OF_CAUSE = {
    BounceCause.USER_UNKNOWN: BounceKind.HARD,
    BounceCause.HOST_UNKNOWN: BounceKind.HARD,
    BounceCause.HAS_MOVED: BounceKind.HARD,
    BounceCause.NOT_ACCEPT: BounceKind.HARD,
    BounceCause.SUSPENDED: BounceKind.HARD,
    BounceCause.MAILBOX_FULL: BounceKind.SOFT,
    BounceCause.EXPIRED: BounceKind.SOFT,
    BounceCause.SYSTEM_ERROR: BounceKind.SOFT,
    BounceCause.NETWORK_ERROR: BounceKind.SOFT,
    BounceCause.TOO_MANY_CONNECTIONS: BounceKind.SOFT,
    BounceCause.RATE_LIMITED: BounceKind.SOFT,
    BounceCause.UNDEFINED: BounceKind.SOFT,
    BounceCause.BLOCKED: BounceKind.SENDER,
    BounceCause.POLICY_VIOLATION: BounceKind.SENDER,
    BounceCause.SPAM_DETECTED: BounceKind.SENDER,
    BounceCause.SECURITY_ERROR: BounceKind.SENDER,
    BounceCause.REJECTED_SENDER: BounceKind.SENDER,
    BounceCause.CONTENT_ERROR: BounceKind.SENDER,
    BounceCause.COMPLAINT: BounceKind.COMPLAINT,
}


@dataclass(frozen=True)
class Diagnosis:
    cause: BounceCause

    @property
    def kind(self) -> BounceKind:
        return KIND_OF_CAUSE[self.cause]


def classify(status: str = "", diagnostic: str = "", code: int | None = None) -> Diagnosis:
    """The cause of one failed delivery, from what the receiving side said about it.

    ``status`` is the enhanced status code (RFC 3463) where one was given apart (a DSN's
    Status field), ``diagnostic`` the server's words (a DSN's Diagnostic-Code, an SMTP reply's
    text, a provider's description), ``code`` the SMTP reply code where known.
    """
    raise NotImplementedError
