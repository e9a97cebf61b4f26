"""Leader election: of several `pregon runscheduler` processes, one ticks at a time.

Scale-out runs a scheduler on more than one machine, so that one survives the other. Each
asks ``hold()`` before a tick and before each job; only the one holding the lock runs them.

- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) held on a dedicated
  session, apart from Django's connection. The server releases it when that session ends:
  the process died, the network went, or the server restarted. ``hold()`` checks the
  session each time; when it is gone the process stops leading at once, and leads again
  only once it holds the lock on a new session.
- SQLite (one machine): an exclusive ``flock`` on a file in the var folder, which the
  kernel releases when the process dies.
"""

import fcntl
import logging
import os
from pathlib import Path
from typing import Protocol

import psycopg
from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)

# The advisory lock's key: "pregon" in ASCII, so that it is recognisable in pg_locks.
LOCK_KEY = int.from_bytes(b"pregon", "big")
LOCK_FILE = "scheduler.lock"


class Leadership(Protocol):
    def hold(self) -> bool:
        """Whether this process leads now: keeps the lock it has, or tries to take it."""

    def release(self) -> None:
        """Give the lock up (the process is stopping)."""


def for_database(alias: str = "default") -> Leadership:
    """The kind of lock the database ``alias`` allows."""
    if connections[alias].vendor == "postgresql":
        return AdvisoryLock(alias)
    return FileLock(Path(settings.VAR_DIR) / LOCK_FILE)


class AdvisoryLock:
    """A PostgreSQL advisory lock held on a session of its own."""

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias
        self.session: psycopg.Connection | None = None

    def hold(self) -> bool:
        if self.session is not None:
            try:
                self.session.execute("SELECT 1")
                return True
            except psycopg.Error as error:
                log.warning("the scheduler's lock session ended (%s): not leading", error)
                self.release()
        return self._take()

    def _take(self) -> bool:
        try:
            session = psycopg.connect(**self._parameters(), autocommit=True)
        except psycopg.Error as error:
            log.warning("no session for the scheduler's lock: %s", error)
            return False
        try:
            (taken,) = session.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone()
        except psycopg.Error:
            taken = False
        if not taken:
            session.close()
            return False
        self.session = session
        return True

    def _parameters(self) -> dict:
        """Django's connection parameters, with TCP keepalives so that a session whose
        server vanished from the network is noticed within seconds, not hours."""
        parameters = connections[self.alias].get_connection_params()
        # Django's own cursor and its connection-pool settings are not psycopg's.
        parameters.pop("cursor_factory", None)
        return {
            **parameters,
            "connect_timeout": 5,
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 2,
            "tcp_user_timeout": 10_000,
        }

    def release(self) -> None:
        if self.session is not None:
            # Closing the session releases its advisory locks.
            self.session.close()
            self.session = None


class FileLock:
    """An exclusive flock on a file; the kernel drops it when the process dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def hold(self) -> bool:
        if self.fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
