"""What the screens and the API say of syncs: starting one, and a run's progress and counts."""

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pregon.moodle import sync
from pregon.moodle.models import Connection, SyncKind, SyncRun, SyncStatus

# What a sync copies, in the order it goes, as SyncRun.counts (pregon.moodle.sync.progress)
# and SyncRun.phase (pregon.moodle.sync.runs.PHASES) name it.
ITEM_LABELS = {
    "categories": gettext_lazy("Course categories"),
    "courses": gettext_lazy("Courses"),
    "contacts": gettext_lazy("Contacts"),
    "enrolments": gettext_lazy("Enrolments"),
    "completions": gettext_lazy("Completions"),
}
PHASE_LABELS = {
    "categories": gettext_lazy("Reading course categories"),
    "courses": gettext_lazy("Reading courses"),
    "enrolments": gettext_lazy("Reading each course's participants and completions"),
}
COUNT_KEYS = ("created", "updated", "unchanged", "removed", "skipped")


def describe(run: SyncRun) -> SyncRun:
    """``run`` with what the screens show of it: ``is_active``, ``phase_label``, ``percent``
    (None while the phase's total is unknown) and ``count_rows`` (label and counts per kind
    of item, in the order a sync goes)."""
    run.is_active = run.status in (SyncStatus.QUEUED, SyncStatus.RUNNING)
    run.phase_label = PHASE_LABELS.get(run.phase, run.phase)
    run.percent = min(100, run.done * 100 // run.total) if run.total else None
    counts = run.counts or {}
    order = [key for key in ITEM_LABELS if key in counts] + sorted(
        key for key in counts if key not in ITEM_LABELS
    )
    run.count_rows = [
        {
            "kind": key,
            "label": ITEM_LABELS.get(key, key),
            **{name: (counts[key] or {}).get(name, 0) for name in COUNT_KEYS},
        }
        for key in order
        if isinstance(counts[key], dict)
    ]
    return run


def start(kind: SyncKind, user: AbstractBaseUser | None) -> SyncRun:
    """Queue a sync of ``kind`` (``sync.request_sync``): the new run, or the one already
    queued or running. Raises ValueError, saying what to do, while no connection is saved."""
    connection = Connection.current()
    if connection is None or not connection.token:
        raise ValueError(_("Save the Moodle address and token first."))
    return sync.request_sync(kind, user=user)
