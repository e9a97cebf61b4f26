"""Leader election between schedulers: one lock holder at a time, on SQLite (a file lock)
and on PostgreSQL (an advisory lock on a session of its own)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from pregon import scheduler
from pregon.lib import leader
from pregon.sending.models import QuotaGrant

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's"
)


@pytest.mark.django_db
def test_one_holds_the_lock_the_other_takes_it_once_released() -> None:
    first, second = leader.for_database(), leader.for_database()
    try:
        assert first.hold()
        assert first.hold()  # Kept, not taken twice.
        assert not second.hold()
        first.release()
        assert second.hold()
        assert not first.hold()
    finally:
        first.release()
        second.release()


@postgres_only
@pytest.mark.django_db
def test_a_leader_whose_session_dies_steps_down() -> None:
    first, second = leader.AdvisoryLock(), leader.AdvisoryLock()
    try:
        assert first.hold()
        assert not second.hold()
        backend = first.session.info.backend_pid
        # As a PostgreSQL restart would: the server ends the lock's session.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
        for _ in range(50):
            if second.hold():
                break
            time.sleep(0.1)
        assert second.session is not None
        assert not first.hold()
        assert first.session is None
    finally:
        first.release()
        second.release()


@pytest.mark.django_db
def test_a_tick_stops_when_leadership_is_lost() -> None:
    assert not scheduler.tick(lambda: False)
    assert not QuotaGrant.objects.exists()  # ensure_plan did not run.
    assert scheduler.tick()
    assert QuotaGrant.objects.exists()


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
        return f"postgresql://{settings['USER']}@{host}:{port}/{settings['NAME']}"
    return f"sqlite:///{settings['NAME']}"


def ticks(log: Path) -> int:
    return log.read_text().count("ticked ") if log.exists() else 0


def wait_until(condition: object, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_only_one_ticks_and_the_other_takes_over_when_it_dies(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "PREGON_DATABASE_URL": database_url()}
    env.pop("PREGON_DATABASE_URL_FILE", None)
    command = [sys.executable, "-m", "pregon", "runscheduler", "--interval", "0.2", "-v", "2"]
    logs = [tmp_path / "scheduler-1.log", tmp_path / "scheduler-2.log"]
    processes = []
    for log in logs:
        with open(log, "wb") as output:
            processes.append(
                subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
            )
    try:
        wait_until(lambda: sum(ticks(log) for log in logs) >= 5)
        # Both had time to start: one process ticks, the other waits.
        wait_until(lambda: all("scheduler@" in log.read_text() for log in logs))
        time.sleep(1)
        counts = [ticks(log) for log in logs]
        assert sorted(count > 0 for count in counts) == [False, True], counts
        leading = counts.index(max(counts))
        processes[leading].send_signal(signal.SIGKILL)
        processes[leading].wait()
        other = logs[1 - leading]
        wait_until(lambda: ticks(other) >= 3)
        assert f"{processes[1 - leading].pid} leads" in other.read_text()
    finally:
        for process in processes:
            process.kill()
            process.wait()
