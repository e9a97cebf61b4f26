"""Benchmark: count a 3-rule segment over 1,000,000 contacts (target: < 300 ms on PostgreSQL).

    .venv/bin/python bench/segment_count.py [--contacts 1000000] [--runs 7]

Builds its own database from scratch: on PostgreSQL (when PREGON_DATABASE_URL points at
one) a database named pregon_bench_segments on that server, dropped and created again; else
a new SQLite file in a temporary folder. It never touches the database the URL names. Then
it migrates, fills the contacts with set-based SQL (70 % subscribed; lists of 40, 10 and 1 %;
tags of 20 and 5 %; a city and an age in the custom fields), (VACUUM) ANALYZEs, and times
``count_contacts`` for two segments of three rules each, as staff build them:

- "status is subscribed AND in list A AND city (custom field) is Lima", the figure the
  target is about: ``BENCH segment_count_3rules_<engine> <median> ms``;
- "status is subscribed AND in list A AND tagged egresado":
  ``BENCH segment_count_3rules_tag_<engine> <median> ms``.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

# Run from anywhere: import this checkout's pregon, whatever the venv's install points at.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database

BENCH_DATABASE = "pregon_bench_segments"
LISTS = [("Curso virtual A", 0.40), ("Boletín", 0.10), ("Curso B", 0.01)]
TAGS = [("egresado", 0.20), ("docente", 0.05)]
CITIES = ["Lima", "Cusco", "Arequipa", "Piura", "Trujillo"]


def fill_postgres(cursor: object, contacts: int, lists: list[int], tags: list[int]) -> None:
    cursor.execute("SELECT setseed(0.42)")
    cursor.execute(
        """
        INSERT INTO contacts_contact (code, email, first_name, last_name, phone, status,
            attributes, consent_source, consent_at, consent_text, created_at, updated_at)
        SELECT gen_random_uuid(), 'persona' || i || '@example.pe', 'Nombre', 'Apellido', '',
            CASE WHEN r < 0.70 THEN 'subscribed' WHEN r < 0.90 THEN 'unsubscribed'
                 WHEN r < 0.98 THEN 'bounced' ELSE 'complained' END,
            jsonb_build_object('city', (%s::text[])[1 + floor(random() * 5)::int],
                               'age', 18 + floor(random() * 50)::int),
            'import', now() - make_interval(days => i %% 730), '',
            now() - make_interval(days => i %% 730), now()
        FROM (SELECT i, random() AS r FROM generate_series(1, %s) AS i) AS numbers
        """,
        [CITIES, contacts],
    )
    for mailing_list, (_name, share) in zip(lists, LISTS, strict=True):
        cursor.execute(
            """INSERT INTO contacts_subscription (contact_id, mailing_list_id, created_at)
            SELECT id, %s, now() FROM contacts_contact WHERE random() < %s""",
            [mailing_list, share],
        )
    for tag, (_name, share) in zip(tags, TAGS, strict=True):
        cursor.execute(
            """INSERT INTO contacts_contact_tags (contact_id, tag_id)
            SELECT id, %s FROM contacts_contact WHERE random() < %s""",
            [tag, share],
        )


def fill_sqlite(cursor: object, contacts: int, lists: list[int], tags: list[int]) -> None:
    cursor.execute(
        """
        WITH RECURSIVE numbers(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM numbers WHERE i < %s)
        INSERT INTO contacts_contact (code, email, first_name, last_name, phone, status,
            attributes, consent_source, consent_at, consent_text, created_at, updated_at)
        SELECT lower(hex(randomblob(16))), 'persona' || i || '@example.pe', 'Nombre',
            'Apellido', '',
            CASE WHEN r < 70 THEN 'subscribed' WHEN r < 90 THEN 'unsubscribed'
                 WHEN r < 98 THEN 'bounced' ELSE 'complained' END,
            json_object('city', json_extract(%s, '$[' || (abs(random()) %% 5) || ']'),
                        'age', 18 + abs(random()) %% 50),
            'import', datetime('now', '-' || (i %% 730) || ' days'), '',
            datetime('now', '-' || (i %% 730) || ' days'), datetime('now')
        FROM (SELECT i, abs(random()) %% 100 AS r FROM numbers)
        """,
        [contacts, json.dumps(CITIES)],
    )
    for mailing_list, (_name, share) in zip(lists, LISTS, strict=True):
        cursor.execute(
            """INSERT INTO contacts_subscription (contact_id, mailing_list_id, created_at)
            SELECT id, %s, datetime('now') FROM contacts_contact
            WHERE abs(random()) %% 10000 < %s""",
            [mailing_list, int(share * 10000)],
        )
    for tag, (_name, share) in zip(tags, TAGS, strict=True):
        cursor.execute(
            """INSERT INTO contacts_contact_tags (contact_id, tag_id)
            SELECT id, %s FROM contacts_contact WHERE abs(random()) %% 10000 < %s""",
            [tag, int(share * 10000)],
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

    from pregon.contacts.models import Field, FieldType, MailingList, Tag
    from pregon.contacts.segments import count_contacts

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        lists = [MailingList.objects.create(name=name).id for name, _share in LISTS]
        tags = [Tag.objects.create(name=name).id for name, _share in TAGS]
        Field.objects.create(key="city", label="Ciudad", type=FieldType.TEXT)
        Field.objects.create(key="age", label="Edad", type=FieldType.NUMBER)
        with connection.cursor() as cursor:
            fill = fill_postgres if engine == "postgresql" else fill_sqlite
            fill(cursor, contacts, lists, tags)
    with connection.cursor() as cursor:
        # VACUUM too on PostgreSQL: it sets the visibility map as autovacuum soon would,
        # and keeps autovacuum from starting on the new rows in the middle of the timings.
        cursor.execute("VACUUM ANALYZE" if engine == "postgresql" else "ANALYZE")
    print(f"# {engine}: filled {contacts:,} contacts in {time.perf_counter() - started:.1f} s")

    course = MailingList.objects.get(name=LISTS[0][0])
    status = {"field": "status", "operator": "is", "value": ["subscribed"]}
    in_course = {"field": "list", "operator": "is_in", "value": [str(course.code)]}
    segments = {
        "3rules": [
            status,
            in_course,
            {"field": "field:city", "operator": "equals", "value": "Lima"},
        ],
        "3rules_tag": [
            status,
            in_course,
            {"field": "tag", "operator": "is_in", "value": [TAGS[0][0]]},
        ],
    }
    figures = []
    for name, conditions in segments.items():
        rules = {"match": "all", "rules": conditions}
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
        figures.append(f"BENCH segment_count_{name}_{engine} {statistics.median(timings):.0f} ms")
    # Other work on the machine shows up in the timings; say how busy it was.
    print("# load average (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))
    print("\n".join(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
