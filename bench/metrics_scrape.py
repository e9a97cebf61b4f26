"""Benchmark: one /metrics scrape (every figure, read from the database) on a big install.

    .venv/bin/python bench/metrics_scrape.py [--messages 1000000] [--runs 7]

Builds its own database (bench/benchdb.py: pregon_bench_metrics_ops on PREGON_DATABASE_URL's
PostgreSQL server, or a new SQLite file) holding ``--messages`` messages of two mailings:
a finished one (96 % sent, 2 % failed, half of them with a bounce, 1 % skipped) and a
sending one (the last 1 % still queued), a debit per 100 sent, and an open for every third
sent message. Times the scrape twice (``BENCH metrics_scrape_<state>_<engine> <median> ms``):
in that steady state, and at the start of a campaign as big as the table (every message
queued), the worst case of the queue's count.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database

BENCH_DATABASE = "pregon_bench_metrics_ops"


def fill(cursor: object, engine: str, done: int, sending: int, messages: int) -> None:
    postgres = engine == "postgresql"
    now = "now()" if postgres else "datetime('now')"
    series = (
        "generate_series(1, %s) AS numbers(i)"
        if postgres
        else "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)"
        " SELECT i FROM n) AS numbers"
    )
    # Only the constants above are put into the SQL text; values go as parameters.
    cursor.execute(
        f"""INSERT INTO sending_message (mailing_id, email, status, attempts, send_after,
            sent_at, reply, provider_message_id, skip_reason)
        SELECT CASE WHEN i > %s THEN %s ELSE %s END, 'persona' || i || '@example.pe',
            CASE WHEN i > %s THEN 'queued' WHEN i %% 100 IN (1, 2) THEN 'failed'
                 WHEN i %% 100 = 3 THEN 'skipped' ELSE 'sent' END,
            1, {now}, {now}, '', '',
            CASE WHEN i %% 100 = 3 THEN 'left' ELSE '' END
        FROM {series}""",  # noqa: S608
        [messages * 99 // 100, sending, done, messages * 99 // 100, messages],
    )
    cursor.execute(
        f"""INSERT INTO sending_bounce (kind, source, email, message_id, cause, reason, at)
        SELECT 'hard', 'smtp', email, id, 'user_unknown', '550 5.1.1', {now}
        FROM sending_message WHERE status = 'failed' AND id %% 2 = 0""",  # noqa: S608
        [],
    )
    cursor.execute(
        f"""INSERT INTO sending_quotadebit (at, count, mailing_id)
        SELECT {now}, 100, %s FROM {series}""",  # noqa: S608
        [done, messages * 96 // 100 // 100],
    )
    cursor.execute(
        f"""INSERT INTO tracking_event (kind, message_id, at, user_agent, client, device,
            machine, ip_hash, detail, method)
        SELECT 'opened', id, {now}, '', '', '', '', '', '', ''
        FROM sending_message WHERE status = 'sent' AND id %% 3 = 0""",  # noqa: S608
        [],
    )


def median_ms(function: object, runs: int) -> float:
    timings = []
    for _run in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with own_database(BENCH_DATABASE) as (engine, _var_dir):
        return run(engine, args)


def run(engine: str, args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from prometheus_client import CollectorRegistry, generate_latest

    from pregon.operations.metrics import Collector
    from pregon.sending import quota
    from pregon.sending.models import Mailing, MailingStatus, SenderIdentity

    call_command("migrate", verbosity=0)
    quota.ensure_plan()
    started = time.perf_counter()
    with transaction.atomic():
        sender = SenderIdentity.objects.create(from_name="Escuela", from_email="a@escuela.pe")
        mailings = [
            Mailing.objects.create(
                subject="Hola",
                html="",
                text="",
                sender=sender,
                list_id="l",
                feedback_id="f",
                status=status,
            )
            for status in (MailingStatus.DONE, MailingStatus.ACTIVE)
        ]
        with connection.cursor() as cursor:
            fill(cursor, engine, mailings[0].pk, mailings[1].pk, args.messages)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if engine == "postgresql" else "ANALYZE")
    print(f"# {args.messages} messages built in {time.perf_counter() - started:.0f} s")

    registry = CollectorRegistry(auto_describe=False)
    registry.register(Collector())

    def scrape() -> None:
        generate_latest(registry)

    print(f"# load {open('/proc/loadavg').read().strip()}")
    print(f"BENCH metrics_scrape_steady_{engine} {median_ms(scrape, args.runs):.1f} ms")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sending_message SET status = 'queued', mailing_id = %s", [mailings[1].pk]
        )
        cursor.execute("VACUUM ANALYZE" if engine == "postgresql" else "ANALYZE")
    print(f"# load {open('/proc/loadavg').read().strip()}")
    print(f"BENCH metrics_scrape_all_queued_{engine} {median_ms(scrape, args.runs):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
