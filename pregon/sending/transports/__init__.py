"""Delivery transports: where the sending engine hands a finished message, and the transport a
worker sends through, made from the delivery backends set up in the UI (`Backend` rows).

The package holds one module per kind of transport, all of one shape (`base.Transport`):

- ``base``: the `Transport` protocol and the `Result` (with its `Outcome`) of each message;
- ``smtp``: SMTP relays (`SmtpTransport`, one kept connection; `SmtpPool`, several);
- ``pipelining``: `PipeliningSmtp`, an SMTP relay that takes a batch pipelined (RFC 2920);
- ``outbox``: the test mailbox (`FileSink`), which keeps messages on this server;
- ``providers``: provider APIs through django-anymail, one module per provider.

Here: with several backends in use, each message goes to one chosen by weight, and to the
next if that one defers it without having taken it (failover): `Relays`. A worker sends
through a backend only while it holds one of the backend's ``max_connections`` slots, shared
in the database by every sender on every machine. With no backend in use, messages go to the
test mailbox under var/outbox (``make run``'s default), so a trial sends nothing to anybody.
"""

import datetime
import random
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import replace

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.sending.models import PROVIDER_KINDS, Backend, BackendKind
from pregon.sending.transports import pipelining, providers, smtp
from pregon.sending.transports.base import Envelope, Outcome, Result, Transport
from pregon.sending.transports.outbox import outbox
from pregon.sending.transports.slots import SLOT_LEASE, release_slots, take_slot

__all__ = [
    "Envelope",
    "Outcome",
    "Relays",
    "Result",
    "Transport",
    "check_backend",
    "configuration",
    "in_use",
    "open_transport",
    "outbox",
    "transport_for",
]


def transport_for(backend: Backend) -> Transport:
    """A connection to one backend (opened lazily by the transport itself)."""
    if backend.kind in PROVIDER_KINDS:
        return providers.transport_for(backend)
    if backend.kind == BackendKind.FILE:
        return outbox()
    return pipelining.PipeliningSmtp(smtp.settings_for(backend))


def configuration() -> list[tuple]:
    """What the backends in use are set to: when it changes, workers open new transports."""
    fields = ("pk", "kind", "host", "port", "security", "username", "password", "options")
    backends = Backend.objects.filter(is_active=True).order_by("pk")
    return list(backends.values_list(*fields, "weight", "max_connections"))


def in_use() -> QuerySet[Backend]:
    """The backends messages go out through; with none, they go to the test mailbox."""
    return Backend.objects.filter(is_active=True).exclude(kind=BackendKind.FILE)


def open_transport(for_tests: bool = False) -> Transport:
    """What a worker sends through: the backends in use, or the test mailbox.

    ``for_tests``: a person's test send, which takes no connection slot, so that it goes
    out at once even while a campaign's senders hold them all.
    """
    backends = list(in_use())
    if not backends:
        return outbox()
    return Relays(backends, use_slots=not for_tests)


# Seconds a connection test waits for each answer: a relay that works answers in far less.
CHECK_TIMEOUT = 10


def check_backend(backend: Backend) -> Result:
    """Connect, log in and leave: what the "Test connection" button shows."""
    if backend.kind == BackendKind.FILE:
        reply = _("Messages are kept in the test mailbox, %(folder)s; none goes out.") % {
            "folder": outbox().directory
        }
        return Result(Outcome.SENT, None, reply)
    if backend.kind in PROVIDER_KINDS:
        return providers.check(backend)
    return smtp.SmtpTransport(replace(smtp.settings_for(backend), timeout=CHECK_TIMEOUT)).check()


class Relays(Transport):
    """The backends in use, as one transport: weighted choice, failover, shared slots.

    It delivers for real: the test mailbox is never one of them (see ``open_transport``).
    """

    def __init__(self, backends: list[Backend], use_slots: bool = True) -> None:
        self.backends = backends
        self.use_slots = use_slots
        self.holder = uuid.uuid4()
        self.transports: dict[int, Transport] = {}
        self.held_until: dict[int, datetime.datetime] = {}

    def _order(self) -> list[Backend]:
        """The backends, the first chosen at random in proportion to the weights."""
        weights = [max(backend.weight, 1) for backend in self.backends]
        first = random.choices(self.backends, weights=weights)[0]
        return [first, *(backend for backend in self.backends if backend is not first)]

    def _transport(self, backend: Backend) -> Transport | None:
        """The connection to ``backend``, if this worker holds (or gets) one of its slots."""
        held = self.held_until.get(backend.pk)
        if self.use_slots and (held is None or held - timezone.now() < SLOT_LEASE / 2):
            until = take_slot(backend, self.holder)
            if until is None:
                self._drop(backend)
                return None
            self.held_until[backend.pk] = until
        if backend.pk not in self.transports:
            self.transports[backend.pk] = transport_for(backend)
        return self.transports[backend.pk]

    def _drop(self, backend: Backend) -> None:
        self.held_until.pop(backend.pk, None)
        transport = self.transports.pop(backend.pk, None)
        if transport is not None:
            transport.close()

    def ready(self) -> bool:
        """True if this worker holds (or could take) a slot on some backend: a worker that
        cannot send must not claim messages, or they would only wait for a retry."""
        return any(self._transport(backend) is not None for backend in self._order())

    def send(self, mail_from: str, recipient: str, data: bytes) -> Result:
        return self._send_in_turn(self._order(), Envelope(mail_from, recipient, data))

    def _send_in_turn(self, backends: list[Backend], envelope: Envelope) -> Result:
        result = Result(
            Outcome.RETRY,
            None,
            "Every delivery backend is busy (at its connection limit) or failing.",
        )
        for backend in backends:
            transport = self._transport(backend)
            if transport is None:
                continue
            result = transport.send(envelope.mail_from, envelope.recipient, envelope.data)
            if not _may_go_elsewhere(result):
                return result
        return result

    def send_many(self, envelopes: Iterable[Envelope]) -> Iterator[tuple[Envelope, Result]]:
        """Each envelope to a backend chosen by weight, in one stream per backend (which
        pipelines where it can); one that backend deferred without having taken it goes to
        the others in turn, as with ``send``.

        With one backend the envelopes stream through (each built as its turn comes);
        with several they are built first and shared out, since each stream needs its own.
        """
        shares: dict[int, Iterable[Envelope]] = {}
        if len(self.backends) == 1:
            shares[self.backends[0].pk] = envelopes
        else:
            for envelope in envelopes:
                shares.setdefault(self._order()[0].pk, []).append(envelope)  # type: ignore[union-attr]
        for backend in self.backends:
            share = shares.get(backend.pk)
            if share is None:
                continue
            others = [other for other in self._order() if other is not backend]
            transport = self._transport(backend)
            if transport is None:
                # No slot on it now: the others take its share, one message at a time.
                for envelope in share:
                    yield envelope, self._send_in_turn(others, envelope)
                continue
            deferred = []
            for envelope, result in transport.send_many(share):
                if others and _may_go_elsewhere(result):
                    deferred.append(envelope)
                else:
                    yield envelope, result
            # Handed over once the stream is done: taking another backend's slot reads the
            # database, and an error there must not cut short a stream whose messages the
            # relay is still accepting (their outcomes would be lost, and they sent twice).
            for envelope in deferred:
                yield envelope, self._send_in_turn(others, envelope)

    def close(self) -> None:
        for backend in list(self.backends):
            self._drop(backend)
        release_slots(self.holder)


def _may_go_elsewhere(result: Result) -> bool:
    """Deferred without having been taken: another backend may take it now. A message that
    may have arrived waits for its retry instead, so as not to go twice."""
    return result.outcome == Outcome.RETRY and not result.may_have_arrived
