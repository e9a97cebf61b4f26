"""A minimal SMSC for tests: a real SMPP 3.4 server on 127.0.0.1, built on smpplib's own PDU
classes. It accepts transmitter and receiver binds, answers each submit_sm with a message id
(or with the status the test sets) and keeps what it received. To a receiver bind it pushes
deliver_sm and enquire_link PDUs when the test asks (``receipt``, ``reply``, ``enquire``),
and keeps their answers."""

import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from smpplib import consts, smpp
from smpplib.gsm import gsm_encode

SYSTEM_ID = "pregon"
PASSWORD = "s3cr3t"


@dataclass
class Smsc:
    """The server's state: the bound system ids (every bind), the submit_sm PDUs, the status
    to answer them with, the receiver binds open now, the answers to what it pushed (their
    statuses by sequence number) and the enquire_links it was sent."""

    binds: list[str] = field(default_factory=list)
    submitted: list = field(default_factory=list)
    # 0 accepts; anything else (0x58: throttled, 0x0B: bad destination) refuses.
    status: int = 0
    # Message ids given at submission: "smsc-1", or in hexadecimal ("3E9" for the first).
    hex_ids: bool = False
    receiver_binds: int = 0
    receivers: list = field(default_factory=list)
    answers: dict[int, int] = field(default_factory=dict)
    unbinds: int = 0
    enquire_links: int = 0

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.sequence = 1000
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.listener.close()
        self.drop_receivers()

    def message_id(self, number: int) -> str:
        """The id the SMSC gives the ``number``-th message it accepts (from 1)."""
        return format(1000 + number, "X") if self.hex_ids else f"smsc-{number}"

    def receipt(
        self, message_id: str, stat: str = "DELIVRD", err: str = "000", *, tlv: bool = True
    ) -> int:
        """Push a delivery receipt for ``message_id`` to the receiver bind: the standard text,
        with the receipted_message_id and message_state parameters when ``tlv``; return the
        deliver_sm's sequence number."""
        text = (
            f"id:{message_id} sub:001 dlvrd:{'001' if stat == 'DELIVRD' else '000'} "
            f"submit date:2612052300 done date:2612052301 stat:{stat} err:{err} text:Hola"
        )
        extra = {}
        if tlv:
            states = {"DELIVRD": 2, "EXPIRED": 3, "DELETED": 4, "UNDELIV": 5, "REJECTD": 8}
            extra = {"receipted_message_id": message_id, "message_state": states.get(stat, 7)}
        return self._push(
            source_addr="51987654321",
            destination_addr="PREGON",
            esm_class=0x04,  # An SMSC delivery receipt.
            data_coding=0,
            short_message=text.encode(),
            **extra,
        )

    def reply(self, phone: str, text: str, *, ucs2: bool = False) -> int:
        """Push a message from ``phone`` ("51987654321", international): ``text`` in UCS-2
        (data_coding 8) or in the GSM 7-bit default alphabet, a septet an octet."""
        return self._push(
            source_addr_ton=consts.SMPP_TON_INTL,
            source_addr_npi=consts.SMPP_NPI_ISDN,
            source_addr=phone,
            destination_addr="PREGON",
            esm_class=0,
            data_coding=8 if ucs2 else 0,
            short_message=text.encode("utf-16-be") if ucs2 else gsm_encode(text),
        )

    def enquire(self) -> int:
        """Push an enquire_link to the receiver bind; return its sequence number."""
        return self._push_pdu(smpp.make_pdu("enquire_link", client=_Numbers()))

    def drop_receivers(self) -> None:
        """Close every receiver connection, as an SMSC that restarts does."""
        with self.lock:
            receivers, self.receivers = self.receivers, []
        for connection in receivers:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _push(self, **fields: object) -> int:
        return self._push_pdu(smpp.make_pdu("deliver_sm", client=_Numbers(), **fields))

    def _push_pdu(self, pdu: object) -> int:
        with self.lock:
            if not self.receivers:
                raise AssertionError("no receiver is bound")
            connection = self.receivers[-1]
            self.sequence += 1
            pdu.sequence = self.sequence
            connection.sendall(pdu.generate())
            return self.sequence

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        try:
            while True:
                head = _read(connection, 4)
                if not head:
                    return
                data = head + _read(connection, struct.unpack(">L", head)[0] - 4)
                request = smpp.parse_pdu(data, client=_Numbers())
                answer = self._answer(request)
                if answer is None:
                    continue
                with self.lock:
                    connection.sendall(answer.generate())
                    # Pushed PDUs may follow only once the bind's answer has gone.
                    if request.command == "bind_receiver" and answer.status == 0:
                        self.receiver_binds += 1
                        self.receivers.append(connection)
                if request.command == "unbind":
                    self.unbinds += 1
                    return
        finally:
            with self.lock:
                if connection in self.receivers:
                    self.receivers.remove(connection)
            connection.close()

    def _answer(self, request: object) -> object | None:
        command = request.command
        if command in ("deliver_sm_resp", "enquire_link_resp"):
            self.answers[request.sequence] = request.status
            return None
        if command in ("bind_transmitter", "bind_receiver"):
            system_id = request.system_id.decode()
            ok = system_id == SYSTEM_ID and request.password.decode() == PASSWORD
            self.binds.append(system_id)
            answer = smpp.make_pdu(
                f"{command}_resp",
                status=0 if ok else 0x0E,  # ESME_RINVPASWD
                system_id="fakesmsc",
            )
        elif command == "submit_sm":
            self.submitted.append(request)
            answer = smpp.make_pdu(
                "submit_sm_resp",
                status=self.status,
                message_id=self.message_id(len(self.submitted)) if self.status == 0 else "",
            )
        elif command == "enquire_link":
            self.enquire_links += 1
            answer = smpp.make_pdu("enquire_link_resp")
        elif command == "unbind":
            answer = smpp.make_pdu("unbind_resp")
        else:
            return None
        answer.sequence = request.sequence
        return answer


class _Numbers:
    """What smpplib's PDU classes ask of a client while parsing: a sequence number (the
    parsed PDU's own replaces it)."""

    sequence = 0

    def next_sequence(self) -> int:
        return 0


def _read(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        try:
            chunk = connection.recv(size - len(data))
        except OSError:
            return b""
        if not chunk:
            return b""
        data += chunk
    return data


def pump(work: Callable[[], object], done: Callable[[], bool], seconds: float = 15) -> None:
    """Call ``work`` (a listener's step) until ``done``; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        work()
