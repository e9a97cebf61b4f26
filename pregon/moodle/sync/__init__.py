"""Syncs: copying the classroom's categories, courses, users and enrolments into Pregón.

A sync is a ``SyncRun`` that a person (``request_sync``) or the schedule (``run_due``)
queues, and that a task worker runs (``run``). The package's modules, in the order a run
goes through them:

- ``runs``: queueing, claiming, finishing and recovering runs, their progress and audit;
- ``catalogue``: the categories, then each category's courses;
- ``people``: Moodle users as contacts, matched by email;
- ``enrolments``: each course's participants, read page by page, then written at once;
- ``completions``: who completed a course, asked only where something may have changed.

Callers use the functions below, as ``sync.request_sync(...)``.
"""

from pregon.moodle.sync.runs import STALE_AFTER, request_sync, run, run_due

__all__ = ["STALE_AFTER", "request_sync", "run", "run_due"]
