"""The background run of an import (``run_import``, in a worker), and its lease.

A run checks and applies the rows so that a failure leaves nothing behind:

- Check. Stream the file, validate each row, write the bad ones to the report CSV, and
  hand the good ones on in chunks. The reading and checking, pure Python, run in a forked
  process (``lib.forked``) that hands this one each chunk ready to write (on PostgreSQL,
  in ``COPY``'s binary format), so that they use one core and the database's work another.
- Apply. Merge each chunk into contacts, list memberships and tags with a handful of
  set-based statements (``sql``: straight in when every address is new, else through a
  staging temporary table), and mark the import done, all in one transaction that
  commits all of it or nothing. That transaction applies each chunk as soon as it is
  checked, while the forked process checks the next ones (``_check_and_apply``). On
  PostgreSQL the progress and the lease are committed meanwhile through a second
  connection, so that the web and the reaper see them. On SQLite the transaction holds
  the database's write lock from the first chunk to the last, so nobody could commit
  anything meanwhile: the lease is taken long enough beforehand, and the progress goes to
  a file that the screens and the API read (``progress``). Other writers (the web, the
  senders) wait for the whole import, up to SQLite's busy timeout.

django-tasks-db never retries a task whose worker died, so the import leases its own row:
``leased_until`` is renewed with every chunk, and the reaper requeues an import whose lease
ran out. Each attempt only writes while ``attempts`` still holds its number, so a stale
worker that wakes up again cannot apply anything twice.

Suppressed addresses are imported like any other: suppression is checked when sending, and
keeping the contact lets staff see why a person gets no mail.
"""

import contextlib
import csv
import datetime
import gc
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pregon.contacts import changes
from pregon.contacts.imports import keys, progress, sql
from pregon.contacts.imports.rows import Row, data_rows, row_cleaner
from pregon.contacts.models import Field, Import, ImportStatus, MailingList
from pregon.lib import events
from pregon.lib.csvfile import UnreadableFile, neutralise
from pregon.lib.forked import forked
from pregon.lib.sideconnection import side_connection

log = logging.getLogger(__name__)

CHUNK_ROWS = 20_000
# The first chunk is smaller, so that the database starts on it while the forked process
# checks the rest (PostgreSQL, a million rows: the database's first wait 0.22-0.27 s).
FIRST_CHUNK_DIVISOR = 10
LEASE = datetime.timedelta(seconds=60)
# On SQLite the run cannot renew its lease (its transaction holds the write lock, so nobody
# else would see the renewal before the end), so it takes one long enough for the rows the
# upload expects at this slow a rate.
APPLY_ROWS_PER_SECOND = 5_000


class LeaseLost(Exception):
    """Another attempt owns the import now; this one must stop without writing."""


def enqueue(import_id: int, attempt: int) -> None:
    """Queue the task that runs attempt number ``attempt`` of an import; note its id."""
    # tasks.py imports this package, so this import has to wait until it is needed.
    from pregon.contacts.tasks import import_contacts

    result = import_contacts.enqueue(import_id, attempt)
    Import.objects.filter(pk=import_id, attempts=attempt).update(task_id=result.id)


def run_import(import_id: int, attempt: int) -> None:
    """Run attempt number ``attempt`` of an import from start to finish.

    Returns quietly if the import is not queued for this attempt (a duplicate or stale
    task). A failure marks the import failed, with nothing imported.
    """
    now = timezone.now()
    claimed = Import.objects.filter(
        pk=import_id, status=ImportStatus.QUEUED, attempts=attempt
    ).update(
        status=ImportStatus.RUNNING,
        started_at=now,
        leased_until=now + LEASE,
        processed_rows=0,
        rejected_count=0,
        error="",
    )
    if not claimed:
        log.info("import %s attempt %s: not queued for this attempt, skipped", import_id, attempt)
        return
    imp = Import.objects.get(pk=import_id)
    with translation.override(imp.language), _forgetting_progress(imp):
        try:
            _run(imp, attempt)
        except LeaseLost:
            log.warning("import %s attempt %s lost its lease; stopped", import_id, attempt)
        except UnreadableFile as error:
            _fail(imp, attempt, str(error))
        except Exception:
            log.exception("import %s attempt %s failed", import_id, attempt)
            _fail(
                imp,
                attempt,
                _(
                    "The import stopped because of an unexpected error, and nothing was "
                    "imported. Try again; if it happens again, tell your administrator."
                ),
            )


def _run(imp: Import, attempt: int) -> None:
    fields = list(Field.objects.all())
    clean = row_cleaner(imp.mapping, fields)
    path = report_path(imp)
    path.parent.mkdir(parents=True, exist_ok=True)
    with sql.staging_table():
        rejected = _check_and_apply(imp, attempt, clean, path)
    if not rejected:
        path.unlink()


@contextlib.contextmanager
def _forgetting_progress(imp: Import) -> Iterator[None]:
    """Delete the attempt's progress file when its run ends, whichever way."""
    try:
        yield
    finally:
        progress.forget(imp)


def _check_and_apply(
    imp: Import, attempt: int, clean: Callable[[list[str]], Row | str], report_path: Path
) -> int:
    """One transaction applies each chunk to contacts, lists and tags as soon as it is
    staged, while the forked child checks the next ones: the database's apply and
    Python's checking run on two cores at once. The progress is noted meanwhile where
    others see it (``_progress``); a failure anywhere undoes all of it."""
    total = rejected = 0
    # The time of the import's changes: its new contacts' creation and consent.
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    with (
        _progress(imp, attempt) as note_progress,
        transaction.atomic(),
        connection.cursor() as cursor,
        contextlib.closing(forked(lambda: _staged_chunks(imp, clean, report_path, at))) as chunks,
    ):
        applied = Applied(imp, at)
        sql.prepare_chunked_apply(cursor)
        for rows, count, total, rejected in chunks:
            if count:
                applied.apply_chunk(cursor, rows, count)
            note_progress(total, rejected)
        _finish(imp, attempt, applied, total, rejected)
    return rejected


@contextlib.contextmanager
def _progress(imp: Import, attempt: int) -> Iterator[Callable[[int, int], None]]:
    """Yield the function that notes the rows checked and rejected so far, and keeps the
    lease, while the import's transaction stays open.

    PostgreSQL: it commits them to the import's row, renewing the lease, through a second
    connection (``side_connection``), so that the web and the reaper see them.

    SQLite: the import's transaction holds the database's write lock until it ends, so
    nobody could commit through another connection; nor could anyone take the import over
    meanwhile. The lease, which cannot be renewed then, is taken first for the rows the
    upload expects at ``APPLY_ROWS_PER_SECOND``, and the progress goes to a file
    (``progress``) that the screens and the API read.
    """
    if connection.vendor == "postgresql":
        with side_connection() as side:
            if side != DEFAULT_DB_ALIAS:
                # Each commit would wait for the WAL to reach the disk, the import's own
                # included (about 10 ms a chunk, while the import waits). A crash loses
                # the import's transaction anyway, and an older lease only lets the
                # reaper requeue it sooner.
                with connections[side].cursor() as cursor:
                    cursor.execute("SET synchronous_commit = off")
            yield lambda total, rejected: _renew_lease(
                imp, attempt, using=side, processed_rows=total, rejected_count=rejected
            )
        return
    lease = LEASE + datetime.timedelta(seconds=imp.total_rows / APPLY_ROWS_PER_SECOND)
    _renew_lease(imp, attempt, lease)
    yield lambda total, rejected: progress.note(imp, total, rejected)


class Applied:
    """What applying an import's staged rows did so far, chunk after chunk: the contacts
    updated, unsubscribed and created, those skipped, the list's new members and each
    tag's new holders (ids)."""

    def __init__(self, imp: Import, at: object) -> None:
        self.imp = imp
        self.at = at
        self.mailing_list = MailingList.objects.filter(pk=imp.mailing_list_id).first()
        self.tag_ids = list(imp.tags.values_list("pk", flat=True))
        self.updated_ids: list[int] = []
        self.unsubscribed_ids: list[int] = []
        self.created_ids: list[int] = []
        self.skipped = 0
        self.joined: list[int] = []
        self.tagged: dict[int, list[int]] = {tag_id: [] for tag_id in self.tag_ids}

    def apply_chunk(self, cursor: Any, rows: bytes | list[tuple], count: int) -> None:
        """Merge a chunk's ``count`` rows (as ``sql.staged`` made them) into contacts, the
        list and the tags."""
        imp, at = self.imp, self.at
        # The rows are first inserted as they are: the unique index of emails refuses
        # them if any address is a contact's already, and then the general statements
        # below apply them from staging.
        created_ids = sql.insert_all_new(cursor, rows, count, at, imp.consent_text)
        if created_ids is not None:
            updated_ids, skipped = [], 0
        else:
            if imp.update_existing:
                self.unsubscribed_ids += sql.unsubscribe_existing(cursor, at)
                updated_ids, skipped = sql.update_existing(cursor, at), 0
            else:
                updated_ids, skipped = [], sql.count_existing(cursor)
            created_ids = sql.insert_new(cursor, at, imp.consent_text)
        self.updated_ids += updated_ids
        self.created_ids += created_ids
        self.skipped += skipped
        if self.mailing_list or self.tag_ids:
            list_id = self.mailing_list.pk if self.mailing_list else None
            with keys.checked_once(cursor, list_id, self.tag_ids) as checked:
                # Every row's contact, if the apply wrote them all.
                written = updated_ids + created_ids
                known = written if len(written) == count else None
                all_new = len(created_ids) == count
                ids = sql.find_contact_ids(cursor, lock=checked, known=known, all_new=all_new)
                new_contacts = created_ids if all_new else None
                if list_id:
                    self.joined += sql.subscribe(cursor, ids, list_id, at, new_contacts)
                for tag_id in self.tag_ids:
                    self.tagged[tag_id] += sql.tag(cursor, ids, tag_id, new_contacts)

    def announce(self) -> None:
        """Emit the events of all the chunks applied (in batches, ``contacts.changes``)."""
        with _without_cycle_collection():
            changes.announce(events.CONTACT_UPDATED, self.updated_ids)
            changes.announce(events.CONTACT_UNSUBSCRIBED, self.unsubscribed_ids)
            changes.announce(events.CONTACT_CREATED, self.created_ids)
            if self.mailing_list:
                changes.announce(events.LIST_JOINED, self.joined, list=self.mailing_list.pk)
            for tag_id, ids in self.tagged.items():
                changes.announce(events.TAG_ADDED, ids, tag=tag_id)


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Keep Python's cycle collector off inside, and on again after if it was.

    An import announces a few million payloads, small dicts, a batch of thousands alive at
    a time: each batch outlives the collector's young generations, and the collector then
    walks every object of the process again and again (0.5 s of the worker's CPU at the end
    of a million rows into a list with a tag, while the database waits). The payloads hold
    no cycles: reference counting frees them as before.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _finish(imp: Import, attempt: int, applied: Applied, total: int, rejected: int) -> None:
    """Announce what the import did and mark it done, in its transaction."""
    applied.announce()
    done = Import.objects.filter(pk=imp.pk, status=ImportStatus.RUNNING, attempts=attempt).update(
        status=ImportStatus.DONE,
        total_rows=total,
        processed_rows=total,
        created_count=len(applied.created_ids),
        updated_count=len(applied.updated_ids),
        skipped_count=applied.skipped,
        rejected_count=rejected,
        report=_report_name(imp) if rejected else "",
        leased_until=None,
        finished_at=timezone.now(),
    )
    if not done:
        raise LeaseLost


def _staged_chunks(
    imp: Import, clean: Callable[[list[str]], Row | str], report_path: Path, at: object
) -> Iterator[tuple[bytes | list[tuple], int, int, int]]:
    """In the forked process: check the file's rows (``_checked_chunks``) and yield each
    chunk's good ones with their contacts' codes, ready for ``sql.insert_all_new`` (their
    contacts made at ``at``), with their number, the rows so far and the rejected rows so
    far."""
    codes = sql.AscendingCodes(imp.total_rows)
    for rows, total, rejected in _checked_chunks(imp, clean, report_path, CHUNK_ROWS):
        staged = sql.staged(rows, codes.take(len(rows)), at, imp.consent_text)
        yield staged, len(rows), total, rejected


def _checked_chunks(
    imp: Import, clean: Callable[[list[str]], Row | str], report_path: Path, chunk_rows: int
) -> Iterator[tuple[list[tuple], int, int]]:
    """Check the file's rows; yield (the good rows of the chunk, rows so far, rejected so
    far) every ``chunk_rows`` rows, after the first tenth of them, and at the end.
    Rejected rows go to the report."""
    # The uploaded file's delimiter, so that the report opens in the same Excel and can be
    # corrected and imported again.
    with open(report_path, "w", encoding="utf-8-sig", newline="") as file:
        report = csv.writer(file, delimiter=imp.delimiter or ",")
        report.writerow([_("Row"), *(neutralise(cell) for cell in imp.header), _("Reason")])
        duplicate = _("The same email address is on an earlier row of the file.")
        seen: set[str] = set()
        chunk: list[tuple] = []
        total = rejected = 0
        for row_no, cells in data_rows(imp):
            result = clean(cells)
            if result.__class__ is str:
                if not any(cell.strip() for cell in cells):
                    continue
                reason = result
            elif result[0] in seen:
                reason = duplicate
            else:
                seen.add(result[0])
                chunk.append((row_no, *result))
                reason = ""
            total += 1
            if reason:
                rejected += 1
                report.writerow([row_no, *(neutralise(cell) for cell in cells), neutralise(reason)])
            if total % chunk_rows == 0 or total == chunk_rows // FIRST_CHUNK_DIVISOR:
                yield chunk, total, rejected
                chunk = []
    yield chunk, total, rejected


def _renew_lease(
    imp: Import,
    attempt: int,
    lease: datetime.timedelta = LEASE,
    using: str = DEFAULT_DB_ALIAS,
    **progress: object,
) -> None:
    renewed = (
        Import.objects.using(using)
        .filter(pk=imp.pk, status=ImportStatus.RUNNING, attempts=attempt)
        .update(leased_until=timezone.now() + lease, **progress)
    )
    if not renewed:
        raise LeaseLost


def _fail(imp: Import, attempt: int, message: str) -> None:
    failed = Import.objects.filter(pk=imp.pk, status=ImportStatus.RUNNING, attempts=attempt).update(
        status=ImportStatus.FAILED,
        error=message,
        leased_until=None,
        finished_at=timezone.now(),
        # The rows checked before the failure, which on SQLite only the file knew.
        **progress.noted(imp),
    )
    if failed:
        report_path(imp).unlink(missing_ok=True)


def report_path(imp: Import) -> Path:
    """Where the report of rejected rows of the import's current attempt is written."""
    return Path(settings.MEDIA_ROOT) / _report_name(imp)


def _report_name(imp: Import) -> str:
    # One report per attempt: a stale worker that wakes up again never writes into, or
    # deletes, the report of the attempt that replaced it.
    return f"imports/reports/{imp.code}-{imp.attempts}.csv"
