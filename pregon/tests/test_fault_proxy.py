"""The scale-out harness's fault-injecting SMTP proxy: what it does reaches the client as
the SMTP replies it should, and what the server accepted is what it records."""

import asyncio
import io
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller

from pregon.testing.faults import Faults, running
from pregon.testing.smtp import Mailbox, free_port

MESSAGE = b"From: a@example.pe\r\nTo: {to}\r\nMessage-ID: <{id}@example.pe>\r\n\r\nHola.\r\n"


@contextmanager
def proxied(faults: Faults) -> Iterator[tuple[Mailbox, smtplib.SMTP]]:
    """A real SMTP server behind the proxy, and a client connected to the proxy."""
    mailbox = Mailbox()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=free_port(), loop=asyncio.new_event_loop()
    )
    controller.start()
    try:
        with running(controller.port, faults) as port:
            client = smtplib.SMTP("127.0.0.1", port, timeout=10)
            client.ehlo()
            yield mailbox, client
            client.close()
    finally:
        controller.stop()


def send(client: smtplib.SMTP, recipient: str, number: int) -> None:
    data = MESSAGE.replace(b"{to}", recipient.encode()).replace(b"{id}", str(number).encode())
    client.sendmail("a@example.pe", [recipient], data)


def test_a_451_refusal_reaches_the_client_and_the_session_goes_on() -> None:
    faults = Faults(refuse=1.0, drop=0.0, codes=(451,), max_faults=1, record=io.StringIO())
    with proxied(faults) as (mailbox, client):
        with pytest.raises(smtplib.SMTPDataError) as refused:
            send(client, "ana@example.pe", 1)
        assert refused.value.smtp_code == 451
        # The same connection: the recipient had its one fault, so this one goes through.
        send(client, "ana@example.pe", 2)
    assert [message.recipient for message in mailbox.received] == ["ana@example.pe"]
    assert faults.refused == {451: 1}
    assert faults.accepted == {"ana@example.pe": 1}
    assert faults.record.getvalue().splitlines() == [
        "refused 451 ana@example.pe",
        "accepted ana@example.pe 2@example.pe",
    ]


def test_a_421_refusal_closes_the_connection() -> None:
    faults = Faults(refuse=1.0, drop=0.0, codes=(421,), max_faults=1)
    with proxied(faults) as (mailbox, client):
        with pytest.raises((smtplib.SMTPDataError, smtplib.SMTPServerDisconnected)) as refused:
            send(client, "luis@example.pe", 1)
        if isinstance(refused.value, smtplib.SMTPDataError):
            assert refused.value.smtp_code == 421
        with pytest.raises(smtplib.SMTPServerDisconnected):
            client.noop()
    assert mailbox.received == []
    assert faults.refused == {421: 1}


@pytest.mark.parametrize("moment", ["rcpt", "data", "body"])
def test_a_drop_cuts_the_connection_and_the_server_keeps_nothing(moment: str) -> None:
    faults = Faults(refuse=0.0, drop=1.0, max_faults=1)
    faults.random.choice = lambda moments: moment
    with proxied(faults) as (mailbox, client):
        with pytest.raises(smtplib.SMTPServerDisconnected):
            send(client, "rosa@example.pe", 1)
    assert mailbox.received == []
    assert faults.dropped == {moment: 1}
    assert faults.accepted == {}


def test_without_faults_every_message_is_passed_on_and_recorded() -> None:
    faults = Faults(refuse=0.0, drop=0.0)
    with proxied(faults) as (mailbox, client):
        for number in range(5):
            send(client, f"p{number}@example.pe", number)
    assert len(mailbox.received) == 5
    assert mailbox.received[0].data.endswith(b"Hola.\r\n")
    assert faults.accepted == {f"p{number}@example.pe": 1 for number in range(5)}
