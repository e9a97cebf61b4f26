"""A fault-injecting SMTP proxy, on loopback, in front of a real SMTP server.

The scale-out harness (bench/scaleout.py) puts it between the senders and Postfix's
smtp-sink. It passes the SMTP dialogue through, line by line, and:

- refuses a share of transactions (``refuse``) at DATA, with 451 (the session goes on; the
  proxy resets the server's transaction) or 421 (the proxy closes the connection), as a
  busy relay does;
- drops a share of transactions' connections (``drop``) without a word, at a random moment:
  on the RCPT command, on DATA, or in the middle of the message's body (the server sees the
  body cut short and keeps nothing);
- records every transaction the server accepted, with its recipients and Message-ID, so
  that the harness counts what arrived twice and what never arrived.

A recipient meets at most ``max_faults`` faults: the platform retries a refused message a
few times (settings.SENDING_RETRY_DELAYS), and the harness proves that faults cost nothing,
not that bad luck six times in a row ends in a failure.

Run alone (by its path: it needs no Django):
``python pregon/testing/faults.py --upstream 2525 --port 2526 --record accepted.log``.
"""

import argparse
import asyncio
import random
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

HOST = "127.0.0.1"
# The largest message (and line) the proxy takes.
LIMIT = 64 * 1024 * 1024
_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*<([^>\r\n]+)>", re.IGNORECASE | re.MULTILINE)
_ADDRESS = re.compile(rb"<([^>]*)>")
DROP_MOMENTS = ("rcpt", "data", "body")


@dataclass
class Faults:
    """What the proxy injects, and what it counted."""

    refuse: float = 0.10
    drop: float = 0.02
    codes: tuple[int, ...] = (421, 451)
    max_faults: int = 3
    seed: int | None = None
    record: TextIO | None = None
    accepted: Counter[str] = field(default_factory=Counter)
    refused: Counter[int] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)  # Faults, not secrets.

    def may_fault(self, recipients: list[str]) -> bool:
        return all(self.faults[recipient] < self.max_faults for recipient in recipients)

    def charge(self, recipients: list[str]) -> None:
        for recipient in recipients:
            self.faults[recipient] += 1

    def note(self, line: str) -> None:
        if self.record is not None:
            self.record.write(line + "\n")
            self.record.flush()


class _Dropped(Exception):
    """The proxy closes the client's connection without a reply."""


class Proxy:
    def __init__(self, upstream_port: int, faults: Faults) -> None:
        self.upstream_port = upstream_port
        self.faults = faults

    async def serve(self, port: int = 0) -> asyncio.Server:
        return await asyncio.start_server(self.session, HOST, port, limit=LIMIT)

    async def session(self, client: asyncio.StreamReader, out: asyncio.StreamWriter) -> None:
        try:
            server, upstream = await asyncio.open_connection(HOST, self.upstream_port, limit=LIMIT)
        except OSError:
            out.close()
            return
        try:
            out.write(await _reply(server))
            await self.dialogue(client, out, server, upstream)
        except (_Dropped, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            for writer in (out, upstream):
                writer.close()

    async def dialogue(
        self,
        client: asyncio.StreamReader,
        out: asyncio.StreamWriter,
        server: asyncio.StreamReader,
        upstream: asyncio.StreamWriter,
    ) -> None:
        faults = self.faults
        recipients: list[str] = []
        drop_at = ""
        while line := await client.readline():
            verb = line[:4].upper()
            if verb == b"MAIL":
                recipients, drop_at = [], ""
            elif verb == b"RCPT":
                match = _ADDRESS.search(line)
                recipients.append(match.group(1).decode(errors="replace") if match else "")
                if faults.random.random() < faults.drop and faults.may_fault(recipients):
                    drop_at = faults.random.choice(DROP_MOMENTS)
                    faults.charge(recipients)
                self.drop_if("rcpt", drop_at, recipients)
            elif verb == b"DATA":
                self.drop_if("data", drop_at, recipients)
                code = self.refusal(recipients) if not drop_at else None
                if code is not None:
                    await self.refuse(code, recipients, out, server, upstream)
                    continue
                upstream.write(line)
                reply = await _reply(server)
                out.write(reply)
                if reply.startswith(b"354"):
                    await self.body(client, out, server, upstream, recipients, drop_at)
                continue
            upstream.write(line)
            out.write(await _reply(server))
            if verb == b"QUIT":
                return

    def refusal(self, recipients: list[str]) -> int | None:
        faults = self.faults
        if faults.random.random() >= faults.refuse or not faults.may_fault(recipients):
            return None
        faults.charge(recipients)
        return faults.random.choice(faults.codes)

    async def refuse(
        self,
        code: int,
        recipients: list[str],
        out: asyncio.StreamWriter,
        server: asyncio.StreamReader,
        upstream: asyncio.StreamWriter,
    ) -> None:
        self.faults.refused[code] += 1
        self.faults.note(f"refused {code} {' '.join(recipients)}")
        if code == 421:
            out.write(b"421 4.3.2 Service shutting down (fault injection)\r\n")
            await out.drain()
            raise _Dropped
        out.write(b"451 4.3.0 Try again later (fault injection)\r\n")
        # The server took MAIL and RCPT: its transaction is undone, as the client's is.
        upstream.write(b"RSET\r\n")
        await _reply(server)

    async def body(
        self,
        client: asyncio.StreamReader,
        out: asyncio.StreamWriter,
        server: asyncio.StreamReader,
        upstream: asyncio.StreamWriter,
        recipients: list[str],
        drop_at: str,
    ) -> None:
        data = await client.readuntil(b"\r\n.\r\n")
        if drop_at == "body":
            # The server gets part of the body, then the connection ends: it keeps nothing.
            upstream.write(data[: self.faults.random.randrange(1, len(data) - 3)])
            await upstream.drain()
            self.drop_if("body", drop_at, recipients)
        upstream.write(data)
        reply = await _reply(server)
        if reply.startswith(b"250"):
            match = _MESSAGE_ID.search(data, 0, data.find(b"\r\n\r\n") + 2)
            message_id = match.group(1).decode(errors="replace") if match else "-"
            for recipient in recipients:
                self.faults.accepted[recipient] += 1
                self.faults.note(f"accepted {recipient} {message_id}")
        out.write(reply)

    def drop_if(self, moment: str, drop_at: str, recipients: list[str]) -> None:
        if moment == drop_at:
            self.faults.dropped[moment] += 1
            self.faults.note(f"dropped {moment} {' '.join(recipients)}")
            raise _Dropped


async def _reply(server: asyncio.StreamReader) -> bytes:
    """One SMTP reply, all its lines ("250-…" until "250 …")."""
    lines = b""
    while True:
        line = await server.readline()
        if not line:
            raise asyncio.IncompleteReadError(lines, None)
        lines += line
        if line[3:4] != b"-":
            return lines


@contextmanager
def running(upstream_port: int, faults: Faults) -> Iterator[int]:
    """Run the proxy in a thread of this process (for tests); yield its port."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, asyncio.Server] = {}

    async def start() -> None:
        holder["server"] = await Proxy(upstream_port, faults).serve()
        started.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=10)
    started.wait()
    try:
        yield holder["server"].sockets[0].getsockname()[1]
    finally:

        async def stop() -> None:
            holder["server"].close()
            sessions = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in sessions:
                task.cancel()
            await asyncio.gather(*sessions, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", type=int, required=True, help="the real server's port")
    parser.add_argument("--port", type=int, required=True, help="the port to listen on")
    parser.add_argument("--refuse", type=float, default=0.10)
    parser.add_argument("--drop", type=float, default=0.02)
    parser.add_argument("--max-faults", type=int, default=3)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--record", type=Path, required=True, help="file of accepted mail")
    args = parser.parse_args()

    async def serve() -> None:
        with args.record.open("a") as record:
            faults = Faults(args.refuse, args.drop, max_faults=args.max_faults, seed=args.seed)
            faults.record = record
            server = await Proxy(args.upstream, faults).serve(args.port)
            async with server:
                await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
