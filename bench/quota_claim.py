"""Benchmark: the engine's quota check at each claim (``quota.available_for_claim``) in the
last month of a full term, under both expiry rules.

    .venv/bin/python bench/quota_claim.py [--runs 300]

Builds its own database from scratch (on PREGON_DATABASE_URL's PostgreSQL server a database
named pregon_bench_quota, dropped and made again; else a new SQLite file in a temporary
folder): the credentials delivered 340 days ago, so the term is in its last month, and
600,000 messages debited over it as the engine writes them (one debit row per mailing and
batch of 100: 6,000 rows), plus 12 credits. Under the term rule the balance sums the whole
term's debits; under the monthly rule, the month's. Times ``available_for_claim`` inside a
transaction, as the engine's claim calls it (it locks the term's first plan grant), and
counts its queries (BEGIN and COMMIT included).

Prints ``BENCH quota_claim_ms_<rule>_<engine>`` (the median) and
``BENCH quota_claim_queries_<rule>_<engine>``.
"""

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

# Run from anywhere: import this checkout's pregon, whatever the venv's install points at.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database

BENCH_DATABASE = "pregon_bench_quota"
DEBITED = 600_000
BATCH = 100


def setup() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from pregon.sending import quota, quota_settings
    from pregon.sending.models import QuotaDebit

    call_command("migrate", verbosity=0)
    quota_settings.deliver_credentials(timezone.localdate() - datetime.timedelta(days=340))
    term = quota.term()
    now = timezone.now()
    span = (now - term.start).total_seconds()
    rows = DEBITED // BATCH
    QuotaDebit.objects.bulk_create(
        (
            QuotaDebit(at=term.start + datetime.timedelta(seconds=span * n / rows), count=BATCH)
            for n in range(rows)
        ),
        batch_size=2000,
    )
    for n in range(12):
        with time_travel(term.months[n][0] + datetime.timedelta(days=2)):
            quota.credit(100, f"Incidente {n}", None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def time_travel(at: datetime.datetime) -> object:
    import time_machine

    return time_machine.travel(at, tick=False)


def measure(runs: int) -> dict[str, tuple[float, int]]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from pregon.sending import quota
    from pregon.sending.models import QuotaExpiry, QuotaSettings

    results = {}
    for rule in (QuotaExpiry.TERM, QuotaExpiry.MONTHLY):
        QuotaSettings.objects.filter(pk=1).update(expiry=rule)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            with transaction.atomic():
                available = quota.available_for_claim()
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            quota.available_for_claim()
        print(f"# {rule}: {available:,} available")
        results[rule] = (statistics.median(timings), len(queries))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    with own_database(BENCH_DATABASE) as (engine, _folder):
        import django

        django.setup()
        setup()
        for rule, (median, queries) in measure(args.runs).items():
            print(f"BENCH quota_claim_ms_{rule}_{engine} {median:.2f} ms")
            print(f"BENCH quota_claim_queries_{rule}_{engine} {queries} queries")


if __name__ == "__main__":
    main()
