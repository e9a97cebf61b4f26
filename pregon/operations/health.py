"""Whether this install can do its work: the checks behind /readyz.

Each check is a few indexed queries on small tables (the heartbeats, the migrations' record),
so that systemd, nginx and a monitoring system may ask every few seconds.
"""

import logging

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from pregon.sending import heartbeats

# The kinds of process that must be running somewhere for mail to go out: the scheduler
# (starts scheduled campaigns, flushes opens and clicks, reaps stale work) and a sender.
REQUIRED_KINDS = ("scheduler", "sender")

# The migrations' record the last time every migration on disk was found applied. Asking the
# migration executor loads every migration module and costs ~20 ms; reading the record costs
# ~1 ms, so the executor is asked again only when the record changed since.
_complete_record: frozenset[tuple[str, str]] | None = None
log = logging.getLogger(__name__)


def failing_check() -> str | None:
    """The short name of the first check that fails ("database", "migrations",
    "scheduler", "sender"), or None when the install is ready."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not migrations_applied():
            return "migrations"
        alive = heartbeats.alive()
    except DatabaseError as error:
        # Why, for the journal; the answer names the check only.
        log.warning("Not ready: the database did not answer (%s).", error)
        return "database"
    for kind in REQUIRED_KINDS:
        if not alive.get(kind):
            return kind
    return None


def migrations_applied() -> bool:
    """Whether the database has every migration of the code this process runs."""
    global _complete_record
    record = frozenset(MigrationRecorder(connection).applied_migrations())
    if record == _complete_record:
        return True
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return False
    _complete_record = record
    return True
