"""Opens and clicks reach the database in batches, through a spool of files.

The tracking views answer without touching the database: each event becomes one JSON line
appended to a file of the web process's own for the current second
(``<second>-<host>-<pid>-<random>.events`` in ``settings.TRACKING_SPOOL_DIR``), by a single
``os.write`` on an ``O_APPEND`` descriptor. The line is in the kernel's hands before the
answer goes out, so a web process that dies loses nothing.

``flush`` (run by the scheduler's tick, or ``pregon flushevents`` on a web machine of its own)
takes the files whose second ended ``GRACE`` ago, so that no process still writes to them,
and inserts their events with one ``bulk_create`` per batch. The file's name is stored in the
same transaction, so a flusher that dies between the commit and deleting the file does not
count its events twice. While flushing it adds what needs the database: the mail program and
device (ua-parser), clicks too soon after delivery, and scanners that clicked every link.

The file mechanics (``append_row``, ``flush_rows``) serve every kind of spooled row: each
kind has files of its own suffix and a function that stores its rows (pop-ups' beacons use
them too, pregon.popups.spool).
"""

import datetime
import json
import os
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from pregon.lib import events as bus
from pregon.sending import announce
from pregon.sending.models import Mailing, Message
from pregon.tracking import engagement
from pregon.tracking.models import Event, EventKind, SpoolFile

SUFFIX = ".events"
# Links clicked this close together, all of them, were clicked by a scanner.
ALL_AT_ONCE = datetime.timedelta(seconds=2)
# Spool files remembered as written; older names are forgotten.
REMEMBER = datetime.timedelta(days=2)
BATCH = 5000
# Spooled events of one kind are rows of this many values.
WIDTH = 7

# This process's open spool files, by folder, suffix and second (the folder changes in tests
# only).
_open_files: dict[tuple[str, str, int], int] = {}


def append(
    kind: str, message_id: int, link: int | None, user_agent: str, machine: str, ip_hash: str
) -> None:
    """Spool one event; the flusher writes it to the database a few seconds later."""
    now = time.time()
    append_row(SUFFIX, now, [kind, message_id, link, now, user_agent, machine, ip_hash])


def flush() -> int:
    """Write every finished spool file of opens and clicks to the database; the number of
    events written."""
    return flush_rows(SUFFIX, WIDTH, _write_events)


def append_row(suffix: str, now: float, row: list) -> None:
    """Append ``row`` (JSON values) to this process's ``suffix`` file for the second ``now``.

    Opens and clicks use it, and so do other public addresses that record what visitors do
    (pop-ups' beacons): one file mechanism, each kind of row in files of its own suffix."""
    line = json.dumps(row, separators=(",", ":")) + "\n"
    os.write(_descriptor(suffix, int(now)), line.encode())


def _descriptor(suffix: str, second: int) -> int:
    """This process's ``suffix`` file for ``second``, opened once; the previous one is
    closed."""
    key = (str(settings.TRACKING_SPOOL_DIR), suffix, second)
    fd = _open_files.get(key)
    if fd is None:
        for old in [old for old in _open_files if old[1] == suffix]:
            os.close(_open_files.pop(old))
        directory = Path(key[0])
        directory.mkdir(parents=True, exist_ok=True)
        name = f"{second}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}{suffix}"
        fd = os.open(directory / name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        _open_files[key] = fd
    return fd


def _close() -> None:
    """Close this process's spool files. The flusher closes its own first, so that a process
    that both writes and flushes (a test) writes its next event to a new file."""
    for fd in _open_files.values():
        os.close(fd)
    _open_files.clear()


def flush_rows(suffix: str, width: int, write: Callable[[list[list]], int]) -> int:
    """Give the rows of every finished ``suffix`` file to ``write``, which stores them and
    returns how many it stored; the total stored.

    ``write`` runs in the transaction that remembers the files' names (``SpoolFile``), so a
    flusher that dies before deleting a file does not store its rows twice. A line that is
    not a JSON list of ``width`` values (cut short by a full disk, say) is skipped, so that
    one bad line does not stop every flush at its file.
    """
    _close()
    # Names start with their second (ten digits until the year 2286): the unique index on
    # the name finds the old ones, with no index of their own.
    forget_before = int(time.time() - REMEMBER.total_seconds())
    SpoolFile.objects.filter(name__lt=f"{forget_before}-").delete()
    directory = Path(settings.TRACKING_SPOOL_DIR)
    if not directory.is_dir():
        return 0
    # A file is taken once its second is this far in the past: no process writes to it then.
    before = int(time.time()) - settings.TRACKING_SPOOL_GRACE
    ready = sorted(
        path
        for path in directory.iterdir()
        if path.name.endswith(suffix) and int(path.name.split("-", 1)[0]) < before
    )
    written = 0
    for start in range(0, len(ready), 50):
        written += _write_files(ready[start : start + 50], width, write)
    return written


def _write_files(paths: list[Path], width: int, write: Callable[[list[list]], int]) -> int:
    names = [path.name for path in paths]
    done = set(SpoolFile.objects.filter(name__in=names).values_list("name", flat=True))
    rows = [
        row
        for path in paths
        if path.name not in done
        for line in path.read_text(errors="replace").splitlines()
        if (row := _row(line, width)) is not None
    ]
    with transaction.atomic():
        written = write(rows) if rows else 0
        SpoolFile.objects.bulk_create([SpoolFile(name=name) for name in names if name not in done])
    for path in paths:
        path.unlink()
    return written


def _row(line: str, width: int) -> list | None:
    try:
        row = json.loads(line)
    except ValueError:
        return None
    return row if isinstance(row, list) and len(row) == width else None


def _write_events(rows: list[list]) -> int:
    events = _events(rows)
    for start in range(0, len(events), BATCH):
        Event.objects.bulk_create(events[start : start + BATCH])
    if any(event.kind == EventKind.CLICKED for event in events):
        _flag_clicks_on_every_link(events)
    engagement.keep_up(events)  # Contacts' last open and click, for segments.
    _announce(events)
    return len(events)


def _announce(events: list[Event]) -> None:
    """Emit the opens and the clicks on the event bus: a batch of each, in this flush's
    transaction (never from the pixel or the redirect, which must not touch the database)."""
    for kind, name in (
        (EventKind.OPENED, bus.MESSAGE_OPENED),
        (EventKind.CLICKED, bus.MESSAGE_CLICKED),
    ):
        items = [(event.message_id, _facts(event)) for event in events if event.kind == kind]
        announce.messages(name, items)


def _facts(event: Event) -> dict:
    facts = {"at": event.at.isoformat(), "machine": event.machine}
    if event.kind == EventKind.CLICKED:
        facts["link"] = event.link
    return facts


def _events(rows: list[list]) -> list[Event]:
    """Events for the spooled rows whose message still exists, described and classified."""
    messages = {
        message.pk: message
        for message in Message.objects.filter(pk__in={row[1] for row in rows}).only("pk", "sent_at")
    }
    events = []
    for kind, message_id, link, at, user_agent, machine, ip_hash in rows:
        message = messages.get(message_id)
        if message is None:
            continue
        events.append(
            Event.described(
                kind=kind,
                message_id=message_id,
                sent_at=message.sent_at,
                at=datetime.datetime.fromtimestamp(at, tz=datetime.UTC),
                link=link,
                user_agent=user_agent,
                machine=machine,
                ip_hash=ip_hash,
            )
        )
    return events


def _flag_clicks_on_every_link(events: list[Event]) -> None:
    """A scanner follows every link of a message within a second or two: flag them all.

    Three queries whatever the number of messages clicked: their mailings, the mailings'
    links, and the clicks around the new ones (narrowed to each message's here).
    """
    clicked = defaultdict(list)
    for event in events:
        if event.kind == EventKind.CLICKED and not event.machine:
            clicked[event.message_id].append(event.at)
    mailing_of = dict(Message.objects.filter(pk__in=clicked).values_list("pk", "mailing_id"))
    links_of = dict(
        Mailing.objects.filter(pk__in=set(mailing_of.values())).values_list("pk", "links")
    )
    windows = {
        message_id: (min(times) - ALL_AT_ONCE, max(times) + ALL_AT_ONCE)
        for message_id, times in clicked.items()
        if len(links_of.get(mailing_of.get(message_id), [])) >= 2
    }
    if not windows:
        return
    nearby = defaultdict(list)
    rows = Event.objects.filter(
        message_id__in=windows,
        kind=EventKind.CLICKED,
        at__gte=min(start for start, _ in windows.values()),
        at__lte=max(end for _, end in windows.values()),
    ).values_list("pk", "message_id", "at", "link")
    for pk, message_id, at, link in rows:
        start, end = windows[message_id]
        if start <= at <= end:
            nearby[message_id].append((pk, at, link))
    flagged: set[int] = set()
    for message_id, clicks in nearby.items():
        link_count = len(links_of[mailing_of[message_id]])
        for _, at, _ in clicks:
            window = [(pk, link) for pk, when, link in clicks if at - ALL_AT_ONCE <= when <= at]
            if len({link for _, link in window}) == link_count:
                flagged.update(pk for pk, _ in window)
    Event.objects.filter(pk__in=flagged).update(machine="all_links")
    # As announced on the event bus: a scanner's clicks say so.
    for event in events:
        if event.pk in flagged:
            event.machine = "all_links"
