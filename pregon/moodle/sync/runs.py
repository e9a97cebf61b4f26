"""A sync's life: queued by a person or by the schedule, claimed by a task worker, running
with a heartbeat, done or failed, and audited; and failed as interrupted when its worker
died.

A run is never retried by itself. A failed run keeps its cursor (the phase it was in and
the last category or course it finished); the next run of the same kind, pressed by
someone or due by the schedule, continues from there (``resumed_from``) instead of starting
over. Whatever a failed run wrote stays, and is whole: each course's enrolments are written
in one transaction once its whole list was read, so a bad token, a function taken out of
the service or a time-out leaves every course either as the previous sync left it or fully
updated, never half.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pregon.accounts import audit
from pregon.accounts.models import AuditAction, User
from pregon.lib import vault
from pregon.moodle.client import Client, MoodleError
from pregon.moodle.models import Connection, SyncKind, SyncRun, SyncStatus
from pregon.moodle.sync import catalogue, enrolments
from pregon.moodle.sync.progress import Interrupted, Progress

log = logging.getLogger(__name__)

# A running sync saves its progress at least once a course (a page of 1,000 participants
# takes seconds); silent for this long, its worker died, and the scheduler fails it.
STALE_AFTER = datetime.timedelta(minutes=10)
# A queued sync no worker took in this long will not be taken: the worker is not running.
UNCLAIMED_AFTER = datetime.timedelta(hours=1)

# The phases of a run, in order; a resumed run skips those its predecessor finished.
PHASES = ("categories", "courses", "enrolments")


def request_sync(kind: SyncKind, user: User | None = None) -> SyncRun:
    """Queue a sync of ``kind`` started by ``user`` (None: the schedule), and its task.

    Returns the queued run, or the one already queued or running (only one runs at a
    time). A run of the same kind as a failed last run resumes from where it stopped.
    """
    with transaction.atomic():
        # The connection's row serialises two people pressing "Sync now" at once.
        list(Connection.objects.select_for_update().order_by("pk")[:1])
        active = SyncRun.objects.filter(status__in=[SyncStatus.QUEUED, SyncStatus.RUNNING])
        current = active.order_by("created_at", "pk").first()
        if current is not None:
            return current
        sync_run = SyncRun(kind=kind, started_by=user)
        last = SyncRun.objects.exclude(finished_at=None).order_by("-finished_at", "-pk").first()
        if _resumable(last, kind):
            sync_run.resumed_from = last
            sync_run.cursor = last.cursor
        sync_run.save()
        transaction.on_commit(lambda: _enqueue(sync_run.pk))
    return sync_run


def _resumable(last: SyncRun | None, kind: SyncKind) -> bool:
    """Whether a new run of ``kind`` continues the last finished run: one of the same kind
    that failed after the categories (which are one call: there is nothing to skip)."""
    return (
        last is not None
        and last.status == SyncStatus.FAILED
        and last.kind == kind
        and last.cursor.get("phase", "categories") != "categories"
    )


def _enqueue(sync_run_id: int) -> None:
    # tasks.py imports this package, so this import has to wait until it is needed.
    from pregon.moodle.tasks import sync_moodle

    sync_moodle.enqueue(sync_run_id)


def run(sync_run_id: int) -> None:
    """Run the queued sync ``sync_run_id`` to its end (the task's body).

    Returns quietly if it is not queued (a duplicate task). Any failure ends the run as
    failed, with Moodle's error explained in Spanish, and its cursor kept for the next.
    """
    now = timezone.now()
    claimed = SyncRun.objects.filter(pk=sync_run_id, status=SyncStatus.QUEUED).update(
        status=SyncStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        log.info("moodle sync %s: not queued, skipped", sync_run_id)
        return
    sync_run = SyncRun.objects.get(pk=sync_run_id)
    progress = Progress(sync_run)
    # Stored messages are read later by whoever opens the history: in the account's language.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            connection = Connection.current()
            if connection is None or not connection.token:
                raise MoodleError("connection", _("Set up the Moodle connection first."))
            client = connection.client()
            try:
                _sync(client, connection, sync_run, progress)
            finally:
                client.close()
        except Interrupted:
            log.warning("moodle sync %s was failed as interrupted while running", sync_run_id)
            return
        except MoodleError as error:
            log.warning("moodle sync %s failed: %s", sync_run_id, error)
            _finish(sync_run, progress, SyncStatus.FAILED, error.code, error.message)
        except vault.InvalidToken:
            message = _(
                "The token can no longer be read (the encryption key changed). Enter it "
                "again in the Moodle connection."
            )
            _finish(sync_run, progress, SyncStatus.FAILED, "token", message)
        except Exception:
            log.exception("moodle sync %s failed", sync_run_id)
            message = _(
                "The sync stopped because of an unexpected error. Try again; it continues "
                "where it stopped. If it happens again, tell your administrator."
            )
            _finish(sync_run, progress, SyncStatus.FAILED, "error", message)
        else:
            _finish(sync_run, progress, SyncStatus.DONE)


def _sync(client: Client, connection: Connection, sync_run: SyncRun, progress: Progress) -> None:
    """The phases, from the one the cursor names (the first, for a fresh run)."""
    start = PHASES.index(progress.cursor.get("phase", PHASES[0]))
    full = sync_run.kind == SyncKind.FULL
    # When the first of this sync's runs began (a resumed run carries it on): the courses
    # its catalogue saved since are this sync's, and, for a full sync, the users saved
    # since are fresh, so that each is asked once however many runs the sync takes.
    since = progress.cursor.setdefault("since", sync_run.started_at.isoformat())
    if start <= PHASES.index("categories"):
        catalogue.sync_categories(client, progress)
    if start <= PHASES.index("courses"):
        catalogue.sync_courses(client, progress)
    enrolments.sync_enrolments(
        client,
        connection,
        progress,
        fresh_since=datetime.datetime.fromisoformat(since) if full else None,
        full=full,
        # The first sync ever finds enrolments that are not new: they get no date.
        first=not SyncRun.objects.filter(status=SyncStatus.DONE).exists(),
        catalogued_since=datetime.datetime.fromisoformat(since),
    )


def _finish(
    sync_run: SyncRun, progress: Progress, status: SyncStatus, code: str = "", error: str = ""
) -> None:
    """End a running run as ``status``; a done run drops its cursor, a failed one keeps it."""
    changes = {
        "status": status,
        "finished_at": timezone.now(),
        "counts": progress.as_counts(),
        "error_code": code,
        "error": error[:1000],
        "cursor": {} if status == SyncStatus.DONE else progress.cursor,
    }
    with transaction.atomic():
        ended = SyncRun.objects.filter(pk=sync_run.pk, status=SyncStatus.RUNNING).update(**changes)
        if ended:
            for name, value in changes.items():
                setattr(sync_run, name, value)
            _audit(sync_run)


def _audit(sync_run: SyncRun) -> None:
    audit.record(
        None,
        AuditAction.MOODLE_SYNC,
        f"#{sync_run.pk}",
        actor=sync_run.started_by,
        kind=sync_run.kind,
        status=sync_run.status,
        resumed_from=sync_run.resumed_from_id,
        counts=sync_run.counts,
        error_code=sync_run.error_code,
    )


def run_due() -> bool:
    """The scheduler's job: fail runs whose worker died or never came, and queue the
    scheduled sync when ``sync_every_hours`` have passed since the last one finished.

    Returns whether it changed anything.
    """
    now = timezone.now()
    changed = _fail_abandoned(now)
    connection = Connection.current()
    if connection is None or not connection.token or not connection.sync_every_hours:
        return changed
    if SyncRun.objects.filter(status__in=[SyncStatus.QUEUED, SyncStatus.RUNNING]).exists():
        return changed
    last = SyncRun.objects.exclude(finished_at=None).order_by("-finished_at").first()
    every = datetime.timedelta(hours=connection.sync_every_hours)
    if last is not None and last.finished_at > now - every:
        return changed
    request_sync(SyncKind.INCREMENTAL)
    return True


def _fail_abandoned(now: datetime.datetime) -> bool:
    """Fail running runs silent since STALE_AFTER and queued ones nobody took."""
    with translation.override(settings.LANGUAGE_CODE):
        interrupted = _(
            "The sync was interrupted (its worker stopped). The next sync continues where "
            "it stopped."
        )
        unclaimed = _(
            "No worker took the sync within an hour: check that the task worker "
            "(pregon db_worker) is running, then sync again."
        )
    abandoned = [
        (sync_run, "interrupted", interrupted)
        for sync_run in SyncRun.objects.filter(
            status=SyncStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER
        )
    ] + [
        (sync_run, "unclaimed", unclaimed)
        for sync_run in SyncRun.objects.filter(
            status=SyncStatus.QUEUED, created_at__lt=now - UNCLAIMED_AFTER
        )
    ]
    changed = False
    for sync_run, code, message in abandoned:
        with transaction.atomic():
            failed = SyncRun.objects.filter(pk=sync_run.pk, status=sync_run.status).update(
                status=SyncStatus.FAILED, finished_at=now, error_code=code, error=message
            )
            if failed:
                sync_run.refresh_from_db()
                _audit(sync_run)
                changed = True
    return changed
