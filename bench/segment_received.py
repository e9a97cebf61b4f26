"""Benchmark: count "received an email in the last N days" over 1,000,000 contacts (target:
< 300 ms on PostgreSQL, the segment builder's live count).

    .venv/bin/python bench/segment_received.py [--contacts 1000000] [--runs 7]

Builds its own database (bench/benchdb.py: pregon_bench_received on PREGON_DATABASE_URL's
PostgreSQL server, or a new SQLite file). The contacts are filled with set-based SQL: 70 %
subscribed; 80 % were sent an email at some time in the last 120 days
(``Contact.last_sent_at``, which the sending engine keeps), spread evenly, and 20 % never.
The rule reads that column alone, so how many messages each contact got makes no
difference, and none are made. Then it (VACUUM) ANALYZEs and times ``count_contacts`` for
segments as staff build them, with "status is subscribed":

- received one in the last 30 days (about a fifth match): ``BENCH
  segment_received_recent_<engine> <median> ms``, the figure the target is about;
- none in the last 30 days, or never: ``BENCH segment_received_not_recent_<engine>``;
- received one in the last 100 days (two thirds match: the most rows to count):
  ``BENCH segment_received_wide_<engine>``.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

# Run from anywhere: import this checkout's pregon, whatever the venv's install points at.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database

BENCH_DATABASE = "pregon_bench_received"


def fill_postgres(cursor: object, contacts: int) -> None:
    cursor.execute("SELECT setseed(0.42)")
    cursor.execute(
        """
        INSERT INTO contacts_contact (code, email, first_name, last_name, phone, status,
            attributes, consent_source, consent_at, consent_text, consent_form,
            consent_ip_hash, created_at, updated_at, last_sent_at)
        SELECT gen_random_uuid(), 'persona' || i || '@example.pe', 'Nombre', 'Apellido', '',
            CASE WHEN r < 0.70 THEN 'subscribed' WHEN r < 0.90 THEN 'unsubscribed'
                 WHEN r < 0.98 THEN 'bounced' ELSE 'complained' END,
            '{}', 'import', now(), '', '', '', now(), now(),
            CASE WHEN random() < 0.80
                 THEN now() - make_interval(secs => random() * 120 * 86400) END
        FROM (SELECT i, random() AS r FROM generate_series(1, %s) AS i) AS numbers
        """,
        [contacts],
    )


def fill_sqlite(cursor: object, contacts: int) -> None:
    cursor.execute(
        """
        WITH RECURSIVE numbers(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM numbers WHERE i < %s)
        INSERT INTO contacts_contact (code, email, first_name, last_name, phone, status,
            attributes, consent_source, consent_at, consent_text, consent_form,
            consent_ip_hash, created_at, updated_at, last_sent_at)
        SELECT lower(hex(randomblob(16))), 'persona' || i || '@example.pe', 'Nombre',
            'Apellido', '',
            CASE WHEN r < 70 THEN 'subscribed' WHEN r < 90 THEN 'unsubscribed'
                 WHEN r < 98 THEN 'bounced' ELSE 'complained' END,
            '{}', 'import', datetime('now'), '', '', '', datetime('now'), datetime('now'),
            CASE WHEN abs(random()) %% 100 < 80
                 THEN datetime('now', '-' || (abs(random()) %% (120 * 86400)) || ' seconds')
            END
        FROM (SELECT i, abs(random()) %% 100 AS r FROM numbers)
        """,
        [contacts],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    with own_database(BENCH_DATABASE) as (engine, _var_dir):
        return run(engine, args.contacts, args.runs)


def run(engine: str, contacts: int, runs: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from pregon.contacts.segments import count_contacts

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        (fill_postgres if engine == "postgresql" else fill_sqlite)(cursor, contacts)
    with connection.cursor() as cursor:
        # VACUUM too on PostgreSQL: it sets the visibility map as autovacuum soon would,
        # and keeps autovacuum from starting on the new rows in the middle of the timings.
        cursor.execute("VACUUM ANALYZE" if engine == "postgresql" else "ANALYZE")
    print(f"# {engine}: filled {contacts:,} contacts in {time.perf_counter() - started:.1f} s")

    status = {"field": "status", "operator": "is", "value": ["subscribed"]}
    segments = {
        "recent": {"field": "received", "operator": "in_last_days", "value": 30},
        "not_recent": {"field": "received", "operator": "not_in_last_days", "value": 30},
        "wide": {"field": "received", "operator": "in_last_days", "value": 100},
    }
    figures = []
    for name, condition in segments.items():
        rules = {"match": "all", "rules": [status, condition]}
        count = count_contacts(rules)  # Warm-up: caches, and the answer to print.
        timings = []
        for _run in range(runs):
            started = time.perf_counter()
            count_contacts(rules)
            timings.append((time.perf_counter() - started) * 1000)
        print(
            f"# {name}: {count:,} contacts match; runs (ms): "
            + ", ".join(f"{t:.0f}" for t in timings)
        )
        figures.append(
            f"BENCH segment_received_{name}_{engine} {statistics.median(timings):.0f} ms"
        )
    # Other work on the machine shows up in the timings; say how busy it was.
    print("# load average (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))
    print("\n".join(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
