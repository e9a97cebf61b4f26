"""Benchmark: sync a classroom of 200,000 users, 5,000 courses and about 1,000,000
enrolments from the fake Moodle, first in full, then incrementally (nothing changed).

    .venv/bin/python bench/moodle_sync.py [--users 200000] [--courses 5000]
        [--enrolments 1000000] [--database NAME]

The fake classroom (``pregon.testing.moodle_ws``, generated with seed 1: 80 % of courses
track completion, 80 % of participants went into their course, a fifth of students
completed it) is served by a forked process of its own on 127.0.0.1 (``apart``), so that
the figures of this process are the sync's: its time and its peak resident memory
(VmHWM). The sync runs as the worker runs it (``request_sync`` then ``run``), on a
database built from scratch: on PostgreSQL (when PREGON_DATABASE_URL points at one) a
database named pregon_bench_moodle_sync (or NAME) on that server, dropped and created
again; else a new SQLite file in a temporary folder. Prints ``BENCH
moodle_sync_full_seconds_<engine>``, ``moodle_sync_incremental_seconds_<engine>`` and
``moodle_sync_peak_rss_mb_<engine>``, with the runs' counts and the load average before
and after as context.
"""

import argparse
import os
import sys
import time
from pathlib import Path

# Run from anywhere: import this checkout's pregon, whatever the venv's install points at.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database

BENCH_DATABASE = "pregon_bench_moodle_sync"


def load_average() -> str:
    return "# load average (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg())


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200_000)
    parser.add_argument("--courses", type=int, default=5_000)
    parser.add_argument("--enrolments", type=int, default=1_000_000)
    parser.add_argument(
        "--database",
        default=BENCH_DATABASE,
        help="the PostgreSQL database to drop and create (two runs at once need two names)",
    )
    args = parser.parse_args()

    print(load_average())
    with own_database(args.database) as (engine, _var_dir):
        import django

        django.setup()
        from pregon.testing.moodle_ws import apart

        sizes = {"users": args.users, "courses": args.courses, "enrolments": args.enrolments}
        started = time.perf_counter()
        # Forked before this process opens its database or grows: its memory is the fake's.
        with apart(**sizes, seed=1) as (url, token):
            print(f"# the fake classroom served in {time.perf_counter() - started:.1f} s")
            return run(engine, url, token)


def run(engine: str, url: str, token: str) -> int:
    from django.core.management import call_command

    from pregon.moodle import sync
    from pregon.moodle.models import Connection, Enrolment, MoodleUser, SyncKind, SyncStatus

    call_command("migrate", verbosity=0)
    connection = Connection(url=url)
    connection.set_token(token)
    connection.save()
    seconds = {}
    for kind in (SyncKind.FULL, SyncKind.INCREMENTAL):
        started = time.perf_counter()
        sync_run = sync.request_sync(kind)
        sync.run(sync_run.pk)
        seconds[kind] = time.perf_counter() - started
        sync_run.refresh_from_db()
        if sync_run.status != SyncStatus.DONE:
            print(f"# the {kind} sync failed: {sync_run.error_code} {sync_run.error}")
            return 1
        print(f"# {kind} sync: {seconds[kind]:.1f} s; counts {sync_run.counts}")
    print(
        f"# {MoodleUser.objects.count():,} Moodle users, {Enrolment.objects.count():,} "
        f"enrolments, {Enrolment.objects.exclude(completed_at=None).count():,} completed"
    )
    print(load_average())
    print(f"BENCH moodle_sync_full_seconds_{engine} {seconds[SyncKind.FULL]:.1f} s")
    print(f"BENCH moodle_sync_incremental_seconds_{engine} {seconds[SyncKind.INCREMENTAL]:.1f} s")
    print(f"BENCH moodle_sync_peak_rss_mb_{engine} {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
