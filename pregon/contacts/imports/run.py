"""The background run of an import (``run_import``, in a worker), and its lease.

A run has two phases, so that a failure leaves nothing behind:

1. Check. Stream the file, validate each row, write the good ones to a staging temporary
   table (in chunks, each committed with the progress and a renewed lease) and the bad
   ones to the report CSV. Contacts are not touched, so a crash here leaves no trace.
   The reading and checking, pure Python, run in a forked process (``lib.forked``) that
   hands this one the good rows chunk by chunk, so that they use one core and the staging
   (the database's work) another.
2. Apply. One transaction merges the staging table into contacts, list memberships and
   tags with a handful of set-based statements (``sql``) and marks the import done. It
   commits all of it or nothing. On SQLite this transaction holds the database's write
   lock, which is why the check phase, with its progress updates, runs before it and not
   inside it.

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
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pregon.contacts import changes
from pregon.contacts.imports import keys, sql
from pregon.contacts.imports.rows import Row, data_rows, row_cleaner
from pregon.contacts.models import Field, Import, ImportStatus, MailingList
from pregon.lib import events
from pregon.lib.csvfile import UnreadableFile, neutralise
from pregon.lib.forked import forked

log = logging.getLogger(__name__)

CHUNK_ROWS = 20_000
LEASE = datetime.timedelta(seconds=60)
# The apply phase cannot renew its lease (on SQLite nobody else sees its writes before it
# commits), so it takes one long enough for this slow a database.
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
    with translation.override(imp.language):
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
    report_name = _report_name(imp)
    path = report_path(imp)
    path.parent.mkdir(parents=True, exist_ok=True)
    with sql.staging_table():
        total, rejected, staged_ids = _check_rows(imp, attempt, clean, path)
        if not rejected:
            path.unlink()
            report_name = ""
        _apply(imp, attempt, total, rejected, report_name, staged_ids)


def _check_rows(
    imp: Import, attempt: int, clean: Callable[[list[str]], Row | str], report_path: Path
) -> tuple[int, int, list[int]]:
    """Phase 1: validate every row into the staging table or the report at ``report_path``.

    A forked process reads and checks the rows and writes the report (``_checked_chunks``),
    while this one stages each chunk it sends and commits the progress: Python's checking
    and the database's work run on two cores. Returns (rows, rejected rows, the ids staged
    with the rows: none on SQLite, see ``sql.stage_rows``); blank rows count as neither.
    """
    codes = sql.AscendingCodes(imp.total_rows)
    staged_ids: list[int] = []
    total = rejected = 0
    # Closed at once if this process stops (a lost lease): the reading stops with it.
    with contextlib.closing(
        forked(lambda: _checked_chunks(imp, clean, report_path, CHUNK_ROWS))
    ) as chunks:
        for chunk, total, rejected in chunks:
            staged_ids += _save_chunk(imp, attempt, chunk, codes, total, rejected)
    return total, rejected, staged_ids


def _checked_chunks(
    imp: Import, clean: Callable[[list[str]], Row | str], report_path: Path, chunk_rows: int
) -> Iterator[tuple[list[tuple], int, int]]:
    """Check the file's rows; yield (the good rows of the chunk, rows so far, rejected so
    far) every ``chunk_rows`` rows and at the end. Rejected rows go to the report."""
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
            if total % chunk_rows == 0:
                yield chunk, total, rejected
                chunk = []
    yield chunk, total, rejected


def _save_chunk(
    imp: Import,
    attempt: int,
    chunk: list[tuple],
    codes: sql.AscendingCodes,
    total: int,
    rejected: int,
) -> list[int]:
    """Stage a chunk's good rows and commit the progress with them; return the ids staged."""
    with transaction.atomic():
        staged_ids = sql.stage_rows(chunk, codes.take(len(chunk))) if chunk else []
        _renew_lease(imp, attempt, processed_rows=total, rejected_count=rejected)
    return staged_ids


def _renew_lease(
    imp: Import, attempt: int, lease: datetime.timedelta = LEASE, **progress: object
) -> None:
    renewed = Import.objects.filter(
        pk=imp.pk, status=ImportStatus.RUNNING, attempts=attempt
    ).update(leased_until=timezone.now() + lease, **progress)
    if not renewed:
        raise LeaseLost


def _apply(
    imp: Import, attempt: int, total: int, rejected: int, report_name: str, staged_ids: list[int]
) -> None:
    """Phase 2: merge the staging table into contacts, lists and tags in one transaction."""
    staged = total - rejected
    lease = LEASE + datetime.timedelta(seconds=staged / APPLY_ROWS_PER_SECOND)
    _renew_lease(imp, attempt, lease, total_rows=total, processed_rows=total)
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic(), connection.cursor() as cursor:
        sql.prepare_apply(cursor)
        unsubscribed_ids: list[int] = []
        if imp.update_existing:
            unsubscribed_ids = sql.unsubscribe_existing(cursor, at)
            updated_ids, skipped = sql.update_existing(cursor, at), 0
        else:
            updated_ids, skipped = [], sql.count_existing(cursor)
        # No staged address was a contact's (the statements above met none): all are new.
        all_new = not updated_ids and not skipped
        created_ids = sql.insert_new(cursor, at, imp.consent_text, staged_ids if all_new else None)
        # Announced in batches (contacts.changes), in the import's transaction.
        changes.announce(events.CONTACT_UPDATED, updated_ids)
        changes.announce(events.CONTACT_UNSUBSCRIBED, unsubscribed_ids)
        changes.announce(events.CONTACT_CREATED, created_ids)
        updated, created = len(updated_ids), len(created_ids)
        mailing_list = MailingList.objects.filter(pk=imp.mailing_list_id).first()
        tag_ids = list(imp.tags.values_list("pk", flat=True))
        if mailing_list or tag_ids:
            list_id = mailing_list.pk if mailing_list else None
            with keys.checked_once(cursor, list_id, tag_ids) as checked:
                # Every staged row's contact, if the apply wrote them all.
                written = updated_ids + created_ids
                known = written if len(written) == staged else None
                sql.find_contact_ids(cursor, lock=checked, known=known, all_new=created == staged)
                joined = sql.subscribe(cursor, list_id, at) if list_id else []
                tagged = {tag_id: sql.tag(cursor, tag_id) for tag_id in tag_ids}
            # Outside checked_once: the listeners' rows have their keys checked as usual.
            if list_id:
                changes.announce(events.LIST_JOINED, joined, list=list_id)
            for tag_id, ids in tagged.items():
                changes.announce(events.TAG_ADDED, ids, tag=tag_id)
        done = Import.objects.filter(
            pk=imp.pk, status=ImportStatus.RUNNING, attempts=attempt
        ).update(
            status=ImportStatus.DONE,
            created_count=created,
            updated_count=updated,
            skipped_count=skipped,
            rejected_count=rejected,
            report=report_name,
            leased_until=None,
            finished_at=timezone.now(),
        )
        if not done:
            raise LeaseLost


def _fail(imp: Import, attempt: int, message: str) -> None:
    failed = Import.objects.filter(pk=imp.pk, status=ImportStatus.RUNNING, attempts=attempt).update(
        status=ImportStatus.FAILED, error=message, leased_until=None, finished_at=timezone.now()
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
