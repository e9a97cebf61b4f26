"""Benchmark: count engagement segments over 50,000 contacts who got 10 campaigns each.

    .venv/bin/python bench/segment_engagement.py [--contacts 50000] [--campaigns 10] [--runs 5]
    .venv/bin/python bench/segment_engagement.py --explain   # and print PostgreSQL's plans

Builds its own database (bench/benchdb.py: pregon_bench_engagement on PREGON_DATABASE_URL's
PostgreSQL server, or a new SQLite file). Every contact got every campaign (500,000 sent
messages by default); per message, 30 % were opened by a person and 10 % by a privacy proxy,
6 % clicked; events are spread over the last 90 days. Contacts' last open and click
(``Contact.last_opened_at``, ``last_clicked_at``) are filled from them as migration
``contacts/0010`` does, and timed (``# last open and click filled in``). Then it times
``count_contacts`` for each kind of engagement rule, one line each:
``BENCH segment_<rule>_<engine> <median> ms``.
"""

import argparse
import importlib
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database

BENCH_DATABASE = "pregon_bench_engagement"


def fill(cursor: object, engine: str, mailings: list[int], contacts: int) -> None:
    postgres = engine == "postgresql"
    # A number in [0, 1000) per row, and "now less a number of days", in each dialect.
    draw = "floor(random() * 1000)" if postgres else "(abs(random()) %% 1000)"
    now = "now()" if postgres else "datetime('now')"
    series = (
        "generate_series(1, %s) AS numbers(i)"
        if postgres
        else "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)"
        " SELECT i FROM n) AS numbers"
    )

    # Only the constants above are put into the SQL text; values go as parameters.
    def days_ago(expression: str) -> str:
        if postgres:
            return f"now() - make_interval(days => ({expression})::int)"
        return f"datetime('now', '-' || ({expression}) || ' days')"

    cursor.execute(
        f"""INSERT INTO contacts_contact (code, email, first_name, last_name, phone, status,
            attributes, consent_source, consent_at, consent_text, created_at, updated_at)
        SELECT {"gen_random_uuid()" if postgres else "lower(hex(randomblob(16)))"},
            'persona' || i || '@example.pe', 'Nombre', 'Apellido', '', 'subscribed', '{{}}',
            'import', {now}, '', {now}, {now}
        FROM {series}""",  # noqa: S608
        [contacts],
    )
    for mailing in mailings:
        cursor.execute(
            f"""INSERT INTO sending_message (mailing_id, contact_id, email, status, attempts,
                send_after, sent_at, reply, provider_message_id)
            SELECT %s, id, email, 'sent', 1, {now}, {now}, '', '' FROM contacts_contact""",  # noqa: S608
            [mailing],
        )
    for kind, low, high, machine in (
        ("opened", 0, 300, ""),
        ("opened", 300, 400, "apple_mpp"),
        ("clicked", 0, 60, ""),
    ):
        cursor.execute(
            f"""INSERT INTO tracking_event (kind, message_id, at, user_agent, client, device,
                machine, ip_hash, detail, method)
            SELECT %s, id, {days_ago("id %% 90")}, '', '', '', %s, '', '', ''
            FROM (SELECT id, {draw} AS r FROM sending_message) AS drawn
            WHERE r >= %s AND r < %s""",  # noqa: S608
            [kind, machine, low, high],
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=50_000)
    parser.add_argument("--campaigns", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    with own_database(BENCH_DATABASE) as (engine, _var_dir):
        return run(engine, args)


def run(engine: str, args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection, transaction

    from pregon.campaigns.models import Campaign
    from pregon.contacts.models import Contact
    from pregon.contacts.segments import count_contacts, filter_contacts
    from pregon.sending.models import Mailing, SenderIdentity

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        sender = SenderIdentity.objects.create(from_name="Escuela", from_email="a@escuela.pe")
        campaigns = []
        for number in range(args.campaigns):
            mailing = Mailing.objects.create(
                subject="Hola", html="", text="", sender=sender, list_id="l", feedback_id="f"
            )
            campaigns.append(
                Campaign.objects.create(name=f"Curso {number}", subject="Hola", mailing=mailing)
            )
        with connection.cursor() as cursor:
            fill(cursor, engine, [c.mailing_id for c in campaigns], args.contacts)
    print(f"# {engine}: filled in {time.perf_counter() - started:.1f} s")
    if hasattr(Contact, "last_opened_at"):
        # The events went in by SQL, around the flush that keeps contacts' last open and
        # click: fill those as the migration that made them did.
        started = time.perf_counter()
        migration = importlib.import_module(
            "pregon.contacts.migrations.0010_segment_indexes_engagement"
        )
        with transaction.atomic():
            migration.backfill_engagement(apps, SimpleNamespace(connection=connection))
        print(f"# last open and click filled in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if engine == "postgresql" else "ANALYZE")

    first = campaigns[0].pk

    def rule(field: str, operator: str, value: object = None) -> dict:
        return {"match": "all", "rules": [{"field": field, "operator": operator, "value": value}]}

    segments = {
        "opened_campaign": rule("opened", "in_campaigns", [first]),
        "not_opened_campaign": rule("opened", "not_in_campaigns", [first]),
        "clicked_campaign": rule("clicked", "in_campaigns", [first]),
        "opened_last_30_days": rule("opened", "any_in_last_days", 30),
        "clicked_last_30_days": rule("clicked", "any_in_last_days", 30),
        "never_opened": rule("opened", "never"),
    }
    figures = []
    print("# load average before (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))
    for name, rules in segments.items():
        count = count_contacts(rules)
        timings = []
        for _run in range(args.runs):
            started = time.perf_counter()
            count_contacts(rules)
            timings.append((time.perf_counter() - started) * 1000)
        print(f"# {name}: {count:,} contacts; runs (ms): " + ", ".join(f"{t:.0f}" for t in timings))
        if args.explain and engine == "postgresql":
            print(filter_contacts(rules).explain(analyze=True))
        figures.append(f"BENCH segment_{name}_{engine} {statistics.median(timings):.0f} ms")
    print("# load average after (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))
    print("\n".join(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
