"""Benchmark: count Moodle segment rules over 1,000,000 contacts and 5,000,000 enrolments
(target: < 300 ms on PostgreSQL, the segment builder's live count).

    .venv/bin/python bench/moodle_segments.py [--contacts 1000000] [--per-contact 5]
        [--courses 5000] [--runs 7] [--explain] [--database NAME] [--reuse]

Builds its own database (bench/benchdb.py: pregon_bench_moodle_segments, or NAME, on
PREGON_DATABASE_URL's PostgreSQL server, or a new SQLite file) with set-based SQL: 50
categories (10 at the top, 40 under them), 5,000 courses spread over them, and every
contact enrolled in ``--per-contact`` courses, one from each band of courses, picked with
a skew (random()² over the band) so that a band's first courses are the most followed, as
in a real classroom: the most followed course has about 3 % of the contacts, a middling
one about 0.05 %. 30 % of enrolments have a date in the last 365 days (the others came
with the first sync: none), 30 % are completed. 70 % of contacts are subscribed.
Then who is in each category (``pregon.moodle.members.rebuild``, as the migration that
created them does): a row per category and person enrolled in it or in a subcategory.

Then it (VACUUM) ANALYZEs and times ``count_contacts`` with "status is subscribed" and each
rule, as staff build segments, one line each: ``BENCH moodle_segment_<rule>_<engine>
<median> ms``, then for combinations of rules. ``--explain`` prints PostgreSQL's plans, with
the pages each step read; ``--reuse`` times again the data an earlier run left on
PostgreSQL, without filling it (migrated first: a database of an older version gets its
category members from the migration, and then wants a ``VACUUM ANALYZE``).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

# Run from anywhere: import this checkout's pregon, whatever the venv's install points at.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import earlier_database, own_database

BENCH_DATABASE = "pregon_bench_moodle_segments"
TOP_CATEGORIES = 10
SUBCATEGORIES = 40


def fill_postgres(cursor: object, contacts: int, courses: int, per_contact: int) -> None:
    cursor.execute("SELECT setseed(0.42)")
    cursor.execute(
        """
        INSERT INTO contacts_contact (code, email, first_name, last_name, phone, status,
            attributes, consent_source, consent_at, consent_text, consent_form,
            consent_ip_hash, created_at, updated_at)
        SELECT gen_random_uuid(), 'persona' || i || '@example.pe', 'Nombre', 'Apellido', '',
            CASE WHEN random() < 0.70 THEN 'subscribed' ELSE 'unsubscribed' END,
            '{}', 'import', now(), '', '', '', now(), now()
        FROM generate_series(1, %s) AS i
        """,
        [contacts],
    )
    # Categories 1..10 at the top ("/1"), 11..50 under them ("/1/11").
    cursor.execute(
        """
        INSERT INTO moodle_category (moodle_id, name, parent_moodle_id, path, visible,
            time_modified, synced_at)
        SELECT m, 'Categoría ' || m, CASE WHEN m > %(top)s THEN (m - 1) %% %(top)s + 1 ELSE 0 END,
            CASE WHEN m > %(top)s THEN '/' || ((m - 1) %% %(top)s + 1) || '/' || m
                 ELSE '/' || m END,
            true, 0, now()
        FROM generate_series(1, %(all)s) AS m
        """,
        {"top": TOP_CATEGORIES, "all": TOP_CATEGORIES + SUBCATEGORIES},
    )
    cursor.execute(
        """
        INSERT INTO moodle_course (moodle_id, category_id, fullname, shortname, visible,
            completion_enabled, time_modified, synced_at)
        SELECT 1000 + n, category.id, 'Curso ' || n, 'C' || n, true, true, 0, now()
        FROM generate_series(0, %s - 1) AS n
        JOIN moodle_category AS category ON category.moodle_id = n %% %s + 1
        """,
        [courses, TOP_CATEGORIES + SUBCATEGORIES],
    )
    # Band k holds the courses moodle_id 1000 + k * band .. 1000 + (k + 1) * band - 1; one
    # enrolment per band and contact keeps (course, contact) unique.
    cursor.execute(
        """
        INSERT INTO moodle_enrolment (course_id, contact_id, roles, enrolled_at, completed_at,
            completion_checked_access, synced_at)
        SELECT course.id, picked.contact_id, 'student',
            CASE WHEN random() < 0.30 THEN now() - make_interval(secs => random() * 365 * 86400)
            END,
            CASE WHEN random() < 0.30 THEN now() - make_interval(secs => random() * 365 * 86400)
            END,
            0, now()
        FROM (
            SELECT contact.id AS contact_id,
                1000 + k * %(band)s + floor(power(random(), 2) * %(band)s)::int AS moodle_id
            FROM contacts_contact AS contact CROSS JOIN generate_series(0, %(bands)s - 1) AS k
        ) AS picked
        JOIN moodle_course AS course ON course.moodle_id = picked.moodle_id
        """,
        {"band": courses // per_contact, "bands": per_contact},
    )


def fill_sqlite(cursor: object, contacts: int, courses: int, per_contact: int) -> None:
    # SQLite's random() is a 64-bit integer; (abs(random()) % 1000000) / 1e6 is in [0, 1).
    draw = "((abs(random()) %% 1000000) / 1000000.0)"
    cursor.execute(
        f"""
        WITH RECURSIVE numbers(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM numbers WHERE i < %s)
        INSERT INTO contacts_contact (code, email, first_name, last_name, phone, status,
            attributes, consent_source, consent_at, consent_text, consent_form,
            consent_ip_hash, created_at, updated_at)
        SELECT lower(hex(randomblob(16))), 'persona' || i || '@example.pe', 'Nombre',
            'Apellido', '', CASE WHEN {draw} < 0.70 THEN 'subscribed' ELSE 'unsubscribed' END,
            '{{}}', 'import', datetime('now'), '', '', '', datetime('now'), datetime('now')
        FROM numbers
        """,  # noqa: S608 (only the constant above is formatted in)
        [contacts],
    )
    cursor.execute(
        """
        WITH RECURSIVE numbers(m) AS (SELECT 1 UNION ALL SELECT m + 1 FROM numbers WHERE m < %s)
        INSERT INTO moodle_category (moodle_id, name, parent_moodle_id, path, visible,
            time_modified, synced_at)
        SELECT m, 'Categoría ' || m, CASE WHEN m > %s THEN (m - 1) %% %s + 1 ELSE 0 END,
            CASE WHEN m > %s THEN '/' || ((m - 1) %% %s + 1) || '/' || m ELSE '/' || m END,
            1, 0, datetime('now')
        FROM numbers
        """,
        [TOP_CATEGORIES + SUBCATEGORIES, *[TOP_CATEGORIES] * 4],
    )
    cursor.execute(
        """
        WITH RECURSIVE numbers(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM numbers WHERE n < %s)
        INSERT INTO moodle_course (moodle_id, category_id, fullname, shortname, visible,
            completion_enabled, time_modified, synced_at)
        SELECT 1000 + n, category.id, 'Curso ' || n, 'C' || n, 1, 1, 0, datetime('now')
        FROM numbers JOIN moodle_category AS category ON category.moodle_id = n %% %s + 1
        """,
        [courses - 1, TOP_CATEGORIES + SUBCATEGORIES],
    )
    dated = f"""CASE WHEN {draw} < 0.30
        THEN datetime('now', '-' || (abs(random()) %% (365 * 86400)) || ' seconds') END"""
    cursor.execute(
        f"""
        WITH RECURSIVE bands(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM bands WHERE k < %s),
        -- Materialised, so that the draw is made once and squared (PostgreSQL's skew).
        drawn AS MATERIALIZED (
            SELECT contact.id AS contact_id, k, {draw} AS r
            FROM contacts_contact AS contact CROSS JOIN bands
        )
        INSERT INTO moodle_enrolment (course_id, contact_id, roles, enrolled_at, completed_at,
            completion_checked_access, synced_at)
        SELECT course.id, drawn.contact_id, 'student', {dated}, {dated}, 0, datetime('now')
        FROM drawn JOIN moodle_course AS course
            ON course.moodle_id = 1000 + k * %s + CAST(r * r * %s AS INTEGER)
        """,  # noqa: S608 (only the constants above are formatted in)
        [per_contact - 1, courses // per_contact, courses // per_contact],
    )


def explain(connection: object, queryset: object) -> None:
    """Print PostgreSQL's plan of counting ``queryset`` as ``count_contacts`` prices it, with
    the time and the pages read of each step."""
    from pregon.contacts.segments.costs import priced_for_memory

    sql, params = queryset.query.sql_with_params()
    counting = f"EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM ({sql}) AS counted"  # noqa: S608

    def plan() -> list[tuple[str]]:
        with connection.cursor() as cursor:
            cursor.execute(counting, params)
            return cursor.fetchall()

    print("\n".join(row[0] for row in priced_for_memory(plan)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--per-contact", type=int, default=5)
    parser.add_argument("--courses", type=int, default=5_000)
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
        return run(engine, args)


def again(args: argparse.Namespace) -> int:
    """Point the settings at the database an earlier run filled, and time its rules."""
    with earlier_database(args.database):
        return run("postgresql", args, fill=False)


def run(engine: str, args: argparse.Namespace, fill: bool = True) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from pregon.contacts.models import Contact
    from pregon.contacts.segments import count_contacts, filter_contacts
    from pregon.moodle import members
    from pregon.moodle.models import CategoryMember, Enrolment

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if fill:
        fill_rows = fill_postgres if engine == "postgresql" else fill_sqlite
        with transaction.atomic(), connection.cursor() as cursor:
            fill_rows(cursor, args.contacts, args.courses, args.per_contact)
        filled = time.perf_counter()
        # Who is in each category, as the sync keeps it and the migration wrote it.
        members.rebuild()
        print(f"# members of each category written in {time.perf_counter() - filled:.1f} s")
        with connection.cursor() as cursor:
            # VACUUM too on PostgreSQL: it sets the visibility map (index-only scans) as
            # autovacuum soon would, and keeps autovacuum from starting mid-timings.
            cursor.execute("VACUUM ANALYZE" if engine == "postgresql" else "ANALYZE")
    enrolments = Enrolment.objects.count()
    print(
        f"# {engine}: {Contact.objects.count():,} contacts, {enrolments:,} enrolments and "
        f"{CategoryMember.objects.count():,} category members, "
        f"{'filled' if fill else 'left by an earlier run, read'} in "
        f"{time.perf_counter() - started:.1f} s"
    )

    band = args.courses // args.per_contact
    popular, middling = 1000, 1000 + band // 2  # Moodle ids: a band's first, and its middle.
    subscribed = {"field": "status", "operator": "is", "value": ["subscribed"]}

    def condition(field: str, operator: str, value: object) -> dict:
        return {"field": field, "operator": operator, "value": value}

    single = {
        "enrolled_course": condition("moodle_enrolled", "in_courses", [middling]),
        "enrolled_popular_course": condition("moodle_enrolled", "in_courses", [popular]),
        "not_enrolled_popular_course": condition("moodle_enrolled", "not_in_courses", [popular]),
        "completed_popular_course": condition("moodle_completed", "in_courses", [popular]),
        "enrolled_last_30_days": condition("moodle_enrolled", "in_last_days", 30),
        # A top category and its four subcategories: a tenth of the courses.
        "category_with_subcategories": condition("moodle_category", "in_categories", [1]),
        "subcategory": condition("moodle_category", "in_categories", [TOP_CATEGORIES + 1]),
        "not_in_category": condition("moodle_category", "not_in_categories", [1]),
    }
    segments = {name: [rule] for name, rule in single.items()}
    # Students of a course who have not completed it yet; a category's people not yet in
    # the course announced (a campaign's "leave out those already enrolled"); either of
    # two rules.
    segments["enrolled_not_completed"] = [
        single["enrolled_popular_course"],
        condition("moodle_completed", "not_in_courses", [popular]),
    ]
    segments["category_not_enrolled_course"] = [
        single["category_with_subcategories"],
        single["not_enrolled_popular_course"],
    ]
    segments["category_or_last_30_days"] = [
        {"match": "any", "rules": [single["subcategory"], single["enrolled_last_30_days"]]}
    ]

    print("# load average before (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))
    figures = []
    for name, conditions in segments.items():
        rules = {"match": "all", "rules": [subscribed, *conditions]}
        count = count_contacts(rules)  # Warm-up: caches, and the answer to print.
        timings = []
        for _run in range(args.runs):
            started = time.perf_counter()
            count_contacts(rules)
            timings.append((time.perf_counter() - started) * 1000)
        print(
            f"# {name}: {count:,} contacts match; runs (ms): "
            + ", ".join(f"{t:.0f}" for t in timings)
        )
        if args.explain and engine == "postgresql":
            explain(connection, filter_contacts(rules).order_by().values("pk"))
        figures.append(f"BENCH moodle_segment_{name}_{engine} {statistics.median(timings):.0f} ms")
    # Other work on the machine shows up in the timings; say how busy it was.
    print("# load average after (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))
    print("\n".join(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
