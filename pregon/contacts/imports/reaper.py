"""Recovery: requeue the imports whose worker died, and delete the files nobody needs.

``reap_stale_imports`` runs in the scheduler's tick every few seconds.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pregon.contacts.imports import progress
from pregon.contacts.imports.run import LEASE, enqueue, report_path
from pregon.contacts.models import Import, ImportStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# An upload nobody started, and the file of a finished import, are deleted after this.
KEEP_FILES_FOR = datetime.timedelta(days=1)


def reap_stale_imports() -> int:
    """Requeue imports whose worker died (three attempts at most) and tidy old files.

    A running import is stale when its lease has run out; a queued one when its task is
    gone, finished or stuck although the import was never claimed. Returns the number of
    imports requeued or failed.
    """
    now = timezone.now()
    touched = 0
    stale = Import.objects.filter(
        status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING], leased_until__lt=now
    )
    for imp in stale:
        if imp.status == ImportStatus.QUEUED and not _task_lost(imp):
            continue
        touched += _retry(imp, now)
    _delete_old_files(now)
    return touched


def _task_lost(imp: Import) -> bool:
    from django_tasks import TaskResultStatus
    from django_tasks.exceptions import TaskResultDoesNotExist

    from pregon.contacts.tasks import import_contacts

    if not imp.task_id:
        return True
    try:
        result = import_contacts.get_result(imp.task_id)
    except TaskResultDoesNotExist:
        return True
    if result.status == TaskResultStatus.READY:
        return False  # Waiting for a free worker, which is no fault.
    if result.status == TaskResultStatus.RUNNING:
        # A worker took it; it claims the import within milliseconds unless it died.
        return result.started_at is None or result.started_at < timezone.now() - LEASE
    return True


def _retry(imp: Import, now: datetime.datetime) -> int:
    same = Import.objects.filter(
        pk=imp.pk, status=imp.status, attempts=imp.attempts, leased_until__lt=now
    )
    with transaction.atomic():
        if imp.attempts >= MAX_ATTEMPTS:
            with translation.override(imp.language):
                message = _(
                    "The import was interrupted %(count)s times, and nothing was imported. "
                    "Try again later; if it happens again, tell your administrator."
                ) % {"count": imp.attempts}
            failed = same.update(
                status=ImportStatus.FAILED, error=message, leased_until=None, finished_at=now
            )
            if failed:  # The dead worker may have begun a report; nothing will point to it.
                report_path(imp).unlink(missing_ok=True)
                progress.forget(imp)
            return failed
        requeued = same.update(
            status=ImportStatus.QUEUED,
            attempts=F("attempts") + 1,
            leased_until=now + LEASE,
            task_id="",
        )
        if requeued:
            progress.forget(imp)  # The dead worker's (SQLite), of no use to the next one.
            attempt = imp.attempts + 1
            log.warning("import %s: requeued for attempt %s", imp.pk, attempt)
            transaction.on_commit(lambda: enqueue(imp.pk, attempt))
        return requeued


def _delete_old_files(now: datetime.datetime) -> None:
    """Delete uploads nobody started and the source files of finished imports after a day.

    The uploaded files hold personal data and can be hundreds of megabytes; the reports of
    rejected rows stay for as long as the import does.
    """
    old = Import.objects.filter(created_at__lt=now - KEEP_FILES_FOR)
    for imp in old.filter(status=ImportStatus.UPLOADED):
        imp.file.delete(save=False)
        imp.delete()
    finished = old.filter(status__in=[ImportStatus.DONE, ImportStatus.FAILED]).exclude(file="")
    for imp in finished:
        imp.file.delete(save=False)
        Import.objects.filter(pk=imp.pk).update(file="")
