"""A running sync's progress, counts and cursor, saved on its ``SyncRun`` as it goes.

Each save is also the run's heartbeat, and a conditional update: if the run is no longer
running (the scheduler found it silent for too long and failed it as interrupted), the
save raises ``Interrupted`` and the worker stops, so that two workers never sync at once.
"""

from collections import defaultdict
from typing import Any

from django.utils import timezone

from pregon.moodle.models import SyncRun, SyncStatus

# The outcomes counted for each kind of item ("courses", "contacts"…), in this order.
OUTCOMES = ("created", "updated", "unchanged", "removed", "skipped")


class Interrupted(Exception):
    """The run was failed by someone else (the scheduler) while this worker ran it."""


class Progress:
    """What one run has done so far: its phase, items done out of total, its counts per
    kind of item and outcome, and its cursor (where a later run would resume)."""

    def __init__(self, sync_run: SyncRun) -> None:
        self.run = sync_run
        self.cursor: dict[str, Any] = dict(sync_run.cursor)
        self.counts: dict[str, dict[str, int]] = defaultdict(dict)
        for item, outcomes in (sync_run.counts or {}).items():
            self.counts[item].update(outcomes)

    def count(self, item: str, outcome: str, number: int = 1) -> None:
        """Add ``number`` items of kind ``item`` that ended as ``outcome`` (in OUTCOMES)."""
        if outcome not in OUTCOMES:
            raise ValueError(outcome)
        if number:
            self.counts[item][outcome] = self.counts[item].get(outcome, 0) + number

    def as_counts(self) -> dict[str, dict[str, int]]:
        """The counts as saved: every kind with created, updated and unchanged (0 if none),
        and removed or skipped only where there were any."""
        saved = {}
        for item, outcomes in self.counts.items():
            saved[item] = {
                outcome: outcomes.get(outcome, 0)
                for outcome in OUTCOMES
                if outcome in ("created", "updated", "unchanged") or outcomes.get(outcome)
            }
        return saved

    def save(self, phase: str, done: int, total: int, after: int | None = None) -> None:
        """Save the phase, ``done`` of ``total`` and the counts; with ``after`` (the Moodle
        id of the last item of the phase finished for good), the cursor too. Raise
        Interrupted if the run is no longer running."""
        if after is not None:
            self.cursor.update(phase=phase, after=after)
        saved = SyncRun.objects.filter(pk=self.run.pk, status=SyncStatus.RUNNING).update(
            phase=phase,
            done=done,
            total=total,
            counts=self.as_counts(),
            cursor=self.cursor,
            heartbeat_at=timezone.now(),
        )
        if not saved:
            raise Interrupted

    def hold(self) -> None:
        """Lock the run's row for the caller's transaction, and raise Interrupted if the run
        is no longer running: a worker whose run the scheduler failed (and which a new run
        may be resuming) writes nothing more, and the scheduler cannot fail the run while
        one of its courses is being written. Call it first inside the write's transaction."""
        running = SyncRun.objects.select_for_update().filter(
            pk=self.run.pk, status=SyncStatus.RUNNING
        )
        if not running.exists():
            raise Interrupted
