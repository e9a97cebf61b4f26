"""What every delivery transport shares with the engine: the `Transport` protocol, and the
`Result` (with its `Outcome`) it answers for each message.

The engine builds every message itself (bytes, already DKIM-signed) and gives a transport the
envelope and those bytes. A transport answers with a `Result` that says exactly what happened,
because billing and retries follow from it: only `Outcome.SENT` is billed, `Outcome.RETRY` is
tried again later, and `Outcome.FAILED` is final for that recipient.

A transport never resends a message on its own: when a connection breaks after the message may
have reached the server, it reports RETRY and the engine decides. Secrets never appear in a
`Result`, a ``repr`` or an exception text raised by a transport.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol


class Outcome(StrEnum):
    """What became of one message handed to a transport."""

    SENT = "sent"  # The server accepted it (2xx after DATA): billed.
    RETRY = "retry"  # Temporary (4xx, connection or TLS trouble): try again later, not billed.
    FAILED = "failed"  # Permanent (5xx) for this recipient: not billed, not retried.


@dataclass(frozen=True)
class Result:
    """A transport's answer for one message (or for a connection check).

    ``code`` is the SMTP reply code, or None when no reply was had (refused, timeout, file
    sink). ``reply`` is the server's text (or our explanation when there was none), meant for
    the user's report. ``cause`` is why a FAILED message failed, as
    `pregon.sending.bounces.classifier` reads the reply (a ``BounceCause`` value), or empty
    when no one refused the recipient (a payload the provider could not take): the engine
    records the bounce from it. ``may_have_arrived`` is True
    for a RETRY after the whole message went out but before the reply: trying it through
    another relay now could deliver it twice. ``provider_id`` is the id a provider's API
    gave the accepted message, which its webhooks name it by.
    """

    outcome: Outcome
    code: int | None
    reply: str
    cause: str = ""
    may_have_arrived: bool = False
    provider_id: str = ""


@dataclass(frozen=True)
class Envelope:
    """One message to hand over: the return path, the recipient, the signed bytes, and
    ``ref``, the caller's own (the engine's ``Message``), which the results name it by."""

    mail_from: str
    recipient: str
    data: bytes
    ref: Any = None


class Transport(Protocol):
    """What the engine needs from a delivery transport, and all it asks of one.

    Transports subclass it for its defaults: a transport delivers for real and is always
    ready, unless it says otherwise.
    """

    # Whether a message it accepts is on its way to the recipient, and so billed: False for
    # the test mailbox, which keeps messages on this server.
    delivers: bool = True

    def ready(self) -> bool:
        """Whether it may send now. A worker whose transport is not ready (every backend at
        its connection limit) must not claim messages, or they would only wait for a retry."""
        return True

    def send(self, mail_from: str, recipient: str, data: bytes) -> Result:
        """Deliver `data` from the return path `mail_from` to `recipient`; never raises."""
        ...

    def close(self) -> None:
        """Release connections; the transport reconnects if it is used again."""
        ...

    def send_many(self, envelopes: Iterable[Envelope]) -> Iterator[tuple[Envelope, Result]]:
        """Deliver each of ``envelopes``, yielding it with its `Result`, in any order.

        ``envelopes`` may be lazy (the engine builds each message as it is taken), so a
        transport that overlaps the network with building takes the next one while the
        server answers. This default sends one after another; never raises for a message.
        """
        for envelope in envelopes:
            yield envelope, self.send(envelope.mail_from, envelope.recipient, envelope.data)
