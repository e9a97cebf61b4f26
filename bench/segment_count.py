"""Benchmark: count 3-rule segments over 1,000,000 contacts (target: < 100 ms on PostgreSQL,
any 3 rules, tags and custom fields included).

    .venv/bin/python bench/segment_count.py [--contacts 1000000] [--runs 7] [--explain]
        [--database NAME] [--reuse]

Builds its own database from scratch: on PostgreSQL (when PREGON_DATABASE_URL points at
one) a database named pregon_bench_segments (or NAME) on that server, dropped and created
again; ``--reuse`` times again the data an earlier run left there, without filling it; else
a new SQLite file in a temporary folder. It never touches the database the URL names. Then
it migrates, fills the contacts with set-based SQL (70 % subscribed; lists of 40, 10 and 1 %;
tags of 20 and 5 %; a city and an age in the custom fields; 30 % opened a message in the
last 90 days, ``Contact.last_opened_at``, and 10 % clicked, ``last_clicked_at``), (VACUUM)
ANALYZEs, and times ``count_contacts`` for segments of three rules each, as staff build
them (``SEGMENTS``), one line each,
``BENCH segment_count_<name>_<engine> <median> ms``, and the slowest of them,
``BENCH segment_count_worst_<engine>``, the figure the target is about. ``--explain`` prints
PostgreSQL's plan of each (EXPLAIN ANALYZE, BUFFERS) after its timings.
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

from benchdb import earlier_database, own_database

BENCH_DATABASE = "pregon_bench_segments"
LISTS = [("Curso virtual A", 0.40), ("Boletín", 0.10), ("Curso B", 0.01)]
TAGS = [("egresado", 0.20), ("docente", 0.05)]
CITIES = ["Lima", "Cusco", "Arequipa", "Piura", "Trujillo"]
# 30 % opened a message in the last 90 days: drawn from the contact's number, not random(),
# so that the other draws are those of a tree from before contacts kept their last open
# (where it is left out): the same contacts, lists and tags, for before/after comparisons.
# A third of them (10 %) clicked an hour before their last open.
OPENED_COLUMN = ", last_opened_at, last_clicked_at"
OPENED_POSTGRES = (
    ", CASE WHEN i::bigint * 7919 %% 100 < 30"
    " THEN now() - make_interval(secs => i::bigint * 104729 %% (90 * 86400)) END"
    ", CASE WHEN i::bigint * 7919 %% 300 < 30"
    " THEN now() - make_interval(secs => i::bigint * 104729 %% (90 * 86400) + 3600) END"
)
OPENED_SQLITE = (
    ", CASE WHEN i * 7919 %% 100 < 30"
    " THEN datetime('now', '-' || (i * 104729 %% (90 * 86400)) || ' seconds') END"
    ", CASE WHEN i * 7919 %% 300 < 30"
    " THEN datetime('now', '-' || (i * 104729 %% (90 * 86400) + 3600) || ' seconds') END"
)


def fill_postgres(
    cursor: object, contacts: int, lists: list[int], tags: list[int], opened: bool
) -> None:
    column, value = (OPENED_COLUMN, OPENED_POSTGRES) if opened else ("", "")
    # A seq scan of a big table may start where an earlier one stopped: the lists and tags
    # drawn over contacts would then differ from run to run.
    cursor.execute("SET synchronize_seqscans = off")
    cursor.execute("SELECT setseed(0.42)")
    cursor.execute(
        f"""
        INSERT INTO contacts_contact (code, email, first_name, last_name, phone, status,
            attributes, consent_source, consent_at, consent_text, created_at, updated_at
            {column})
        SELECT gen_random_uuid(), 'persona' || i || '@example.pe', 'Nombre', 'Apellido', '',
            CASE WHEN r < 0.70 THEN 'subscribed' WHEN r < 0.90 THEN 'unsubscribed'
                 WHEN r < 0.98 THEN 'bounced' ELSE 'complained' END,
            jsonb_build_object('city', (%s::text[])[1 + floor(random() * 5)::int],
                               'age', 18 + floor(random() * 50)::int),
            'import', now() - make_interval(days => i %% 730), '',
            now() - make_interval(days => i %% 730), now() {value}
        FROM (SELECT i, random() AS r FROM generate_series(1, %s) AS i) AS numbers
        """,  # noqa: S608 (only the constants above are formatted in)
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


def fill_sqlite(
    cursor: object, contacts: int, lists: list[int], tags: list[int], opened: bool
) -> None:
    column, value = (OPENED_COLUMN, OPENED_SQLITE) if opened else ("", "")
    cursor.execute(
        f"""
        WITH RECURSIVE numbers(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM numbers WHERE i < %s)
        INSERT INTO contacts_contact (code, email, first_name, last_name, phone, status,
            attributes, consent_source, consent_at, consent_text, created_at, updated_at
            {column})
        SELECT lower(hex(randomblob(16))), 'persona' || i || '@example.pe', 'Nombre',
            'Apellido', '',
            CASE WHEN r < 70 THEN 'subscribed' WHEN r < 90 THEN 'unsubscribed'
                 WHEN r < 98 THEN 'bounced' ELSE 'complained' END,
            json_object('city', json_extract(%s, '$[' || (abs(random()) %% 5) || ']'),
                        'age', 18 + abs(random()) %% 50),
            'import', datetime('now', '-' || (i %% 730) || ' days'), '',
            datetime('now', '-' || (i %% 730) || ' days'), datetime('now') {value}
        FROM (SELECT i, abs(random()) %% 100 AS r FROM numbers)
        """,  # noqa: S608
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


def segments(course_code: str) -> dict[str, list[dict]]:
    """The segments timed: three rules each, on lists, tags, custom fields, the status, a
    date and engagement, by name."""
    status = {"field": "status", "operator": "is", "value": ["subscribed"]}
    in_course = {"field": "list", "operator": "is_in", "value": [course_code]}
    lima = {"field": "field:city", "operator": "equals", "value": "Lima"}
    graduate = {"field": "tag", "operator": "is_in", "value": [TAGS[0][0]]}
    teacher = {"field": "tag", "operator": "is_in", "value": [TAGS[1][0]]}
    return {
        # The two of earlier rounds, under their names then.
        "3rules": [status, in_course, lima],
        "3rules_tag": [status, in_course, graduate],
        "list_tag_city": [in_course, graduate, lima],
        "status_tag_age": [
            status,
            teacher,
            {"field": "field:age", "operator": "at_least", "value": 60},
        ],
        "status_city_created": [
            status,
            {"field": "field:city", "operator": "equals", "value": "Cusco"},
            {"field": "created_at", "operator": "in_last_days", "value": 365},
        ],
        "status_list_opened": [
            status,
            in_course,
            {"field": "opened", "operator": "any_in_last_days", "value": 30},
        ],
        "status_list_clicked": [
            status,
            in_course,
            {"field": "clicked", "operator": "any_in_last_days", "value": 30},
        ],
        "tag_not_list_city": [
            graduate,
            {"field": "list", "operator": "is_not_in", "value": [course_code]},
            lima,
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--database",
        default=BENCH_DATABASE,
        help="the PostgreSQL database to fill (dropped and created) or, with --reuse, to time",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="PostgreSQL only: time again on the data an earlier run left, without filling",
    )
    args = parser.parse_args()
    if args.reuse:
        return again(args)
    with own_database(args.database) as (engine, _var_dir):
        return run(engine, args.contacts, args.runs, args.explain)


def again(args: argparse.Namespace) -> int:
    """Point the settings at the database an earlier run filled, and time its segments."""
    with earlier_database(args.database):
        return run("postgresql", args.contacts, args.runs, args.explain, fill=False)


def run(engine: str, contacts: int, runs: int, explain: bool, fill: bool = True) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from pregon.contacts.models import Contact, Field, FieldType, MailingList, Tag
    from pregon.contacts.segments import count_contacts, filter_contacts

    call_command("migrate", verbosity=0)
    if fill:
        started = time.perf_counter()
        with transaction.atomic():
            lists = [MailingList.objects.create(name=name).id for name, _share in LISTS]
            tags = [Tag.objects.create(name=name).id for name, _share in TAGS]
            Field.objects.create(key="city", label="Ciudad", type=FieldType.TEXT)
            Field.objects.create(key="age", label="Edad", type=FieldType.NUMBER)
            with connection.cursor() as cursor:
                fill_rows = fill_postgres if engine == "postgresql" else fill_sqlite
                fill_rows(cursor, contacts, lists, tags, hasattr(Contact, "last_opened_at"))
        filled = f"filled {contacts:,} contacts in {time.perf_counter() - started:.1f} s"
    else:
        filled = f"{Contact.objects.count():,} contacts from an earlier run"
    with connection.cursor() as cursor:
        # VACUUM too on PostgreSQL: it sets the visibility map as autovacuum soon would,
        # and keeps autovacuum from starting on the new rows in the middle of the timings.
        # (Again on reuse: a migration since the fill may have added rows or indexes.)
        cursor.execute("VACUUM ANALYZE" if engine == "postgresql" else "ANALYZE")
    print(f"# {engine}: {filled}")

    course = MailingList.objects.get(name=LISTS[0][0])
    # Other work on the machine shows up in the timings; say how busy it was.
    print("# load average before (1, 5, 15 min): " + _load())
    figures = {}
    timed = segments(str(course.code))
    if not hasattr(Contact, "last_opened_at"):
        timed.pop("status_list_opened")
        timed.pop("status_list_clicked")
    for name, conditions in timed.items():
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
        if explain and engine == "postgresql":
            print(_plan(filter_contacts(rules), connection))
        figures[name] = statistics.median(timings)
    print("# load average after (1, 5, 15 min): " + _load())
    for name, median in figures.items():
        print(f"BENCH segment_count_{name}_{engine} {median:.0f} ms")
    print(f"BENCH segment_count_worst_{engine} {max(figures.values()):.0f} ms")
    return 0


def _plan(contacts: object, connection: object) -> str:
    """PostgreSQL's plan of counting ``contacts`` as ``count_contacts`` does: the same
    SQL, with the count's planner settings (``segments.costs``)."""
    from pregon.contacts.segments.costs import priced_for_memory

    sql, params = contacts.order_by().values("pk").query.sql_with_params()

    def plan() -> list[tuple[str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM ({sql}) AS counted",  # noqa: S608
                params,
            )
            return cursor.fetchall()

    return "\n".join(row[0] for row in priced_for_memory(plan))


def _load() -> str:
    return ", ".join(f"{n:.1f}" for n in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
