"""Syncs with the fake classroom (pregon.testing.moodle_ws) for the tests: a connection to
it, and a sync run from start to finish as the screens queue it and the worker runs it."""

from django.utils import timezone

from pregon.accounts.models import User
from pregon.moodle import sync
from pregon.moodle.models import Connection, SyncKind, SyncRun
from pregon.testing.moodle_ws import FakeMoodle


def connect(moodle: FakeMoodle, token: str | None = None, **options: object) -> Connection:
    """The account's connection to ``moodle`` (its own token unless ``token``), with the
    Connection's ``options``, created or changed."""
    connection = Connection.current() or Connection()
    connection.url = moodle.url
    connection.set_token(moodle.token if token is None else token)
    for name, value in options.items():
        setattr(connection, name, value)
    connection.updated_at = timezone.now()
    connection.save()
    return connection


def sync_now(kind: SyncKind = SyncKind.INCREMENTAL, user: User | None = None) -> SyncRun:
    """Queue a sync as "Sync now" does and run it as the worker does; return it, ended."""
    sync_run = sync.request_sync(kind, user)
    sync.run(sync_run.pk)
    sync_run.refresh_from_db()
    return sync_run
