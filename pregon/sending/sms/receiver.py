"""Receiver binds to carriers' SMSCs: their delivery receipts and the replies from phones.

The SMPP gateway sends over short transmitter binds (``gateways.smpp.send``); an SMSC sends
what comes back (deliver_sm PDUs) over a bind the client keeps open. ``Listener`` keeps one
receiver bind to each SMPP gateway in use, in one thread: ``listen`` waits on all their
sockets at once, answers each deliver_sm after recording it (receipts through
``replies.apply_receipts``, replies through ``replies.handle_reply``), answers the SMSC's
enquire_link, and asks its own when the link has been quiet for ``ENQUIRE_EVERY`` seconds.
A bind that drops, is refused or goes unanswered is opened again after 1, 2, 5, 10, 30 and
then every 60 seconds while it keeps failing. Gateways added, changed, paused or deleted
are noticed within seconds. ``pregon runsmpp`` (started by ``pregon run``) loops over
``listen`` and unbinds on SIGTERM.

A receiver bind, not a transceiver: sending stays on its own short binds, so a stuck
submission never holds up receipts, and an SMSC that limits binds per system id counts one
long-lived bind.
"""

import logging
import select
import socket
import time

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.smpp
from django.db import DatabaseError

from pregon.lib import vault
from pregon.sending.models import GatewayKind, SmsGateway
from pregon.sending.sms import replies
from pregon.sending.sms.gateways import Inbound, Receipt, smpp
from pregon.sending.sms.gateways.common import TIMEOUT

log = logging.getLogger(__name__)

# Seconds of silence on a bind before we ask the SMSC whether it is still there; an answer
# that takes longer than TIMEOUT means the link is dead.
ENQUIRE_EVERY = 30.0
# Seconds to wait before binding again, by how many times in a row it failed.
BACKOFF = (1, 2, 5, 10, 30, 60)
# Seconds between looks at which gateways are in use, while some are.
SYNC_EVERY = 5.0
ANSWERED = {"deliver_sm", "enquire_link", "unbind"}
BROKEN = (OSError, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError)


def handle(gateway: SmsGateway, pdu: object) -> int:
    """Record a deliver_sm from ``gateway``'s SMSC; return the status to answer it with: OK,
    or a temporary error, so that the SMSC sends it again later, when the database failed
    or the receipt came before its SMS was recorded as sent (``replies.early``)."""
    found = smpp.read(pdu)
    try:
        if isinstance(found, Receipt):
            if not replies.apply_receipts(gateway, [found]) and replies.early(gateway, found):
                return smpplib.consts.SMPP_ESME_RX_T_APPN
        elif isinstance(found, Inbound):
            replies.handle_reply(found)
    except DatabaseError:
        log.exception("SMPP gateway %s: a deliver_sm could not be recorded", gateway.pk)
        return smpplib.consts.SMPP_ESME_RX_T_APPN
    return smpplib.consts.SMPP_ESME_ROK


def _answer(client: smpplib.client.Client, request: object, status: int = 0) -> None:
    """Send the response to ``request`` (deliver_sm_resp to a deliver_sm…) with ``status``."""
    name = "generic_nack" if request.command not in ANSWERED else f"{request.command}_resp"
    response = smpplib.smpp.make_pdu(name, client=client, status=status)
    response.sequence = request.sequence
    client.send_pdu(response)


def _settings(gateway: SmsGateway) -> tuple:
    """What a bind depends on: a change to any of it opens a new bind."""
    options = gateway.options
    return (
        options.get("host", ""),
        int(options.get("port") or 2775),
        options.get("system_type", ""),
        gateway.username,
        gateway.secret,
    )


class Bind:
    """One receiver bind to one gateway's SMSC, opened again with backoff when it drops."""

    def __init__(self, gateway: SmsGateway, enquire_every: float = ENQUIRE_EVERY) -> None:
        self.gateway = gateway
        self.enquire_every = enquire_every
        self.settings = _settings(gateway)
        self.client: smpplib.client.Client | None = None
        self.failures = 0
        self.retry_at = 0.0
        self.heard_at = 0.0
        self.enquired_at: float | None = None

    @property
    def socket(self) -> socket.socket | None:
        # smpplib has no public accessor; the socket is what select() waits on.
        return self.client._socket if self.client is not None else None

    def open(self) -> None:
        """Connect and bind as a receiver; on failure, wait before the next try. A password
        that can no longer be read (the encryption key changed) fails this bind only: the
        other gateways' binds go on."""
        host, port, system_type, system_id, _secret = self.settings
        try:
            password = vault.decrypt(self.gateway.secret)
        except vault.InvalidToken:
            self._failed("its stored password can no longer be read; enter it again")
            return
        client = smpplib.client.Client(
            host,
            port,
            timeout=TIMEOUT,
            logger_name=smpp.WIRE_LOGGER,
            allow_unknown_opt_params=True,
        )
        try:
            client.connect()
            client.bind_receiver(
                system_id=system_id,
                password=password,
                system_type=system_type,
            )
        except smpplib.exceptions.PDUError as error:
            client.disconnect()
            status = error.args[1] if len(error.args) > 1 else None
            self._failed(f"the SMSC refused the bind ({status:#x})" if status else str(error))
            return
        except BROKEN as error:
            client.disconnect()
            self._failed(f"could not connect to {host}:{port} ({type(error).__name__})")
            return
        self.client = client
        self.heard_at = time.monotonic()
        self.enquired_at = None
        log.info(
            "SMPP gateway %s: receiver bound to %s:%s as %s", self.gateway.pk, host, port, system_id
        )

    def _failed(self, reason: str) -> None:
        delay = BACKOFF[min(self.failures, len(BACKOFF) - 1)]
        self.failures += 1
        self.retry_at = time.monotonic() + delay
        log.warning("SMPP gateway %s: %s; binding again in %s s", self.gateway.pk, reason, delay)

    def _drop(self, reason: str) -> None:
        if self.client is not None:
            self.client.disconnect()
            self.client = None
        self._failed(reason)

    def read(self) -> None:
        """Read one PDU (the socket is readable) and act on it."""
        try:
            pdu = self.client.read_pdu()
            self.heard_at = time.monotonic()
            if pdu.command == "deliver_sm":
                _answer(self.client, pdu, handle(self.gateway, pdu))
                self.failures = 0
            elif pdu.command == "enquire_link":
                _answer(self.client, pdu)
            elif pdu.command == "enquire_link_resp":
                self.enquired_at = None
                self.failures = 0
            elif pdu.command == "unbind":
                _answer(self.client, pdu)
                self._drop("the SMSC unbound")
            elif pdu.is_request():
                _answer(self.client, pdu, smpplib.consts.SMPP_ESME_RINVCMDID)
        except (*BROKEN, smpplib.exceptions.UnknownCommandError) as error:
            self._drop(f"the connection broke ({type(error).__name__})")

    def keep_alive(self, now: float) -> None:
        """Ask whether the SMSC is there after a quiet spell; drop a bind that does not answer."""
        if self.enquired_at is not None:
            if now - self.enquired_at > TIMEOUT:
                self._drop("no answer to enquire_link")
            return
        if now - self.heard_at >= self.enquire_every:
            try:
                self.client.send_pdu(smpplib.smpp.make_pdu("enquire_link", client=self.client))
            except BROKEN as error:
                self._drop(f"the connection broke ({type(error).__name__})")
                return
            self.enquired_at = now

    def close(self) -> None:
        """Unbind and disconnect. A deliver_sm that comes meanwhile is answered with a
        temporary error, so that the SMSC sends it again on the next bind."""
        client, self.client = self.client, None
        if client is None:
            return
        try:
            client.send_pdu(smpplib.smpp.make_pdu("unbind", client=client))
            deadline = time.monotonic() + TIMEOUT
            while time.monotonic() < deadline:
                pdu = client.read_pdu()
                if pdu.command == "unbind_resp":
                    break
                if pdu.command == "deliver_sm":
                    _answer(client, pdu, smpplib.consts.SMPP_ESME_RX_T_APPN)
                elif pdu.command == "enquire_link":
                    _answer(client, pdu)
        except (*BROKEN, smpplib.exceptions.UnknownCommandError):
            pass  # The SMSC went first; closing is all that is left.
        finally:
            client.disconnect()
        log.info("SMPP gateway %s: receiver unbound", self.gateway.pk)


class Listener:
    """Receiver binds to every SMPP gateway in use, each asking the SMSC whether it is
    still there after ``enquire_every`` seconds of silence."""

    def __init__(self, enquire_every: float = ENQUIRE_EVERY) -> None:
        self.enquire_every = enquire_every
        self.binds: dict[int, Bind] = {}
        self.synced_at = float("-inf")

    def listen(self, wait: float = 1.0) -> bool:
        """Open the binds that are due, wait up to ``wait`` seconds for PDUs and act on them.

        Returns False, having waited for nothing, when no SMPP gateway is in use: the loop
        then sleeps, and looks again when it wakes."""
        now = time.monotonic()
        if not self.binds or now - self.synced_at >= SYNC_EVERY:
            self._sync()
        if not self.binds:
            return False
        for bind in self.binds.values():
            if bind.client is None and now >= bind.retry_at:
                bind.open()
        bound = {bind.socket: bind for bind in self.binds.values() if bind.client is not None}
        if not bound:
            next_try = min(bind.retry_at for bind in self.binds.values())
            time.sleep(max(0.0, min(wait, next_try - time.monotonic())))
            return True
        readable, _writable, _errors = select.select(list(bound), [], [], wait)
        for ready in readable:
            bound[ready].read()
        now = time.monotonic()
        for bind in bound.values():
            if bind.client is not None:
                bind.keep_alive(now)
        return True

    def _sync(self) -> None:
        """Bind to the SMPP gateways in use; unbind from those paused, deleted or changed."""
        gateways = {
            gateway.pk: gateway
            for gateway in SmsGateway.objects.filter(kind=GatewayKind.SMPP, is_active=True)
        }
        for pk, bind in list(self.binds.items()):
            gateway = gateways.get(pk)
            if gateway is None or _settings(gateway) != bind.settings:
                bind.close()
                del self.binds[pk]
        for pk, gateway in gateways.items():
            if pk not in self.binds:
                self.binds[pk] = Bind(gateway, self.enquire_every)
        self.synced_at = time.monotonic()

    def close(self) -> None:
        """Unbind from every SMSC."""
        for bind in self.binds.values():
            bind.close()
        self.binds = {}
