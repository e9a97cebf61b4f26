"""A minimal SMSC for tests: a real SMPP 3.4 server on 127.0.0.1, built on smpplib's own PDU
classes, that accepts a transmitter's bind, answers each submit_sm with a message id (or
with the status the test sets) and keeps what it received."""

import socket
import struct
import threading
from dataclasses import dataclass, field

from smpplib import smpp

SYSTEM_ID = "pregon"
PASSWORD = "s3cr3t"


@dataclass
class Smsc:
    """The server's state: the bound system ids, the submit_sm PDUs, the status to answer."""

    binds: list[str] = field(default_factory=list)
    submitted: list = field(default_factory=list)
    # 0 accepts; anything else (0x58: throttled, 0x0B: bad destination) refuses.
    status: int = 0

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            while True:
                head = _read(connection, 4)
                if not head:
                    return
                data = head + _read(connection, struct.unpack(">L", head)[0] - 4)
                request = smpp.parse_pdu(data, client=_Numbers())
                answer = self._answer(request)
                connection.sendall(answer.generate())
                if request.command == "unbind":
                    return

    def _answer(self, request: object) -> object:
        sequence = request.sequence
        if request.command == "bind_transmitter":
            system_id = request.system_id.decode()
            ok = system_id == SYSTEM_ID and request.password.decode() == PASSWORD
            self.binds.append(system_id)
            return smpp.make_pdu(
                "bind_transmitter_resp",
                sequence=sequence,
                status=0 if ok else 0x0E,  # ESME_RINVPASWD
                system_id="fakesmsc",
            )
        if request.command == "submit_sm":
            self.submitted.append(request)
            number = len(self.submitted)
            return smpp.make_pdu(
                "submit_sm_resp",
                sequence=sequence,
                status=self.status,
                message_id=f"smsc-{number}" if self.status == 0 else "",
            )
        if request.command == "enquire_link":
            return smpp.make_pdu("enquire_link_resp", sequence=sequence)
        return smpp.make_pdu("unbind_resp", sequence=sequence)


class _Numbers:
    """What smpplib's PDU classes ask of a client while parsing: a sequence number (the
    parsed PDU's own replaces it)."""

    sequence = 0

    def next_sequence(self) -> int:
        return 0


def _read(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            return b""
        data += chunk
    return data
