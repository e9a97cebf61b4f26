"""The test mailbox: a transport that keeps each message on this server instead of sending it.

With no delivery backend in use, messages go here (``make run``'s default), so a trial sends
nothing to anybody; the "Test mailbox" screens list and show what it kept.
"""

import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser
from pathlib import Path

from django.conf import settings

from pregon.sending.transports.base import Outcome, Result, Transport


@dataclass(frozen=True)
class SinkedMessage:
    """A message that `FileSink` kept instead of sending, as listed for the UI."""

    name: str
    path: Path
    sent_at: datetime
    mail_from: str
    recipient: str
    subject: str
    from_header: str
    to_header: str


# <UTC time to the microsecond>-<12 hex digits>.eml: sorting names sorts by time, and a name
# can't hold a path separator, which is what lets read() refuse everything else.
_SINK_NAME = re.compile(r"\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{12}\.eml")
_HEADER_BYTES = 64 * 1024


class FileSink(Transport):
    """Writes each message to `directory` instead of sending it, for trials without a relay.

    Each message is ``<time>-<random>.eml`` holding exactly the bytes that would have been
    sent, and the envelope (which is not part of those bytes) goes in a sidecar
    ``<time>-<random>.json``: ``{"mail_from": …, "recipient": …}``. The sidecar is written first
    and both by rename, so a listed ``.eml`` is always complete and has its envelope.
    """

    delivers = False

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def __repr__(self) -> str:
        return f"<FileSink {self.directory}>"

    def send(self, mail_from: str, recipient: str, data: bytes) -> Result:
        """Keep the message; SENT, or RETRY if the disk refused (full, permissions)."""
        now = datetime.now(UTC)
        stem = f"{now:%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(6)}"
        envelope = json.dumps({"mail_from": mail_from, "recipient": recipient}).encode()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            _write_atomically(self.directory / f"{stem}.json", envelope)
            _write_atomically(self.directory / f"{stem}.eml", data)
        except OSError as error:
            return Result(Outcome.RETRY, None, f"Could not write to {self.directory}: {error}")
        return Result(Outcome.SENT, None, f"Kept as {stem}.eml")

    def close(self) -> None:
        """Nothing to release; here for the `Transport` interface."""

    def messages(self, limit: int = 50) -> list[SinkedMessage]:
        """The newest `limit` kept messages, newest first, with envelope and main headers."""
        try:
            names = [e.name for e in os.scandir(self.directory) if _SINK_NAME.fullmatch(e.name)]
        except FileNotFoundError:
            return []
        names.sort(reverse=True)
        return [self._describe(name) for name in names[:limit]]

    def read(self, name: str) -> bytes:
        """The bytes of the kept message `name` (as listed by `messages`).

        Raises ValueError for a name this sink could not have written (such as a path that
        leads out of the directory) and FileNotFoundError for one that isn't there.
        """
        if not _SINK_NAME.fullmatch(name):
            raise ValueError(f"Not a message name: {name!r}")
        path = self.directory / name
        # The name can't contain a separator, but the file itself could be a symlink.
        if path.resolve().parent != self.directory.resolve():
            raise ValueError(f"Not a message in {self.directory}: {name!r}")
        return path.read_bytes()

    def _describe(self, name: str) -> SinkedMessage:
        path = self.directory / name
        try:
            envelope = json.loads(path.with_suffix(".json").read_bytes())
        except (OSError, ValueError):
            envelope = {}  # Written by something else, or its sidecar was deleted.
        try:
            with path.open("rb") as f:
                head = f.read(_HEADER_BYTES)
        except OSError:
            head = b""
        headers = BytesHeaderParser(policy=policy.default).parsebytes(head)
        return SinkedMessage(
            name=name,
            path=path,
            sent_at=datetime.strptime(name[:23], "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=UTC),
            mail_from=envelope.get("mail_from", ""),
            recipient=envelope.get("recipient", ""),
            subject=_header(headers, "subject"),
            from_header=_header(headers, "from"),
            to_header=_header(headers, "to"),
        )


def outbox() -> FileSink:
    """The test mailbox: what would have gone out."""
    return FileSink(settings.VAR_DIR / "outbox")


def _header(headers: Message, name: str) -> str:
    try:
        return str(headers.get(name, ""))
    except Exception:
        # The email package can still raise on some malformed headers; a listing must not.
        return ""


def _write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the whole file or none of it.

    Not fsynced: this is a trial mailbox, where losing the last messages in a power cut is
    acceptable and a disk flush per message is not.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
