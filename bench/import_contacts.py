"""Benchmark: import a generated 1,000,000-row CSV (targets: >= 100,000 rows/s on each engine;
>= 50,000 rows/s into a list with a tag on PostgreSQL).

    .venv/bin/python bench/import_contacts.py [--rows 1000000] [--list-and-tag] [--database NAME]

Builds its own database from scratch: on PostgreSQL (when PREGON_DATABASE_URL points at
one) a database named pregon_bench_imports (or NAME) on that server, dropped and created
again; else a new SQLite file in a temporary folder, which also holds the uploads.
Generates a CSV like the ones the training office gets (email, first name, two last names,
a phone for about half, a region, about 3 % bad rows), then times the whole path from the
file on disk to committed contacts: ``create_import`` (what the upload does), ``start_import`` and
``run_import`` (what the background task does). Prints ``BENCH import_rows_per_s_<engine>
<value> rows/s`` and the seconds it took. With ``--list-and-tag`` every contact also joins
a list and gets a tag, and the names start ``import_list_tag_``. The load average is printed
before and after the run: compare figures taken under the same load only.

On PostgreSQL, without ``--list-and-tag``, it then measures a yardstick, as
``smtp-source`` is the send's: PostgreSQL's own speed at the same rows, one binary ``COPY``
of every imported contact's columns into an empty table like contacts (the same columns,
defaults, stored columns and indexes), after a checkpoint. It prints that as
``BENCH import_copy_rows_per_s_postgresql`` and the import's rate as a share of it,
``BENCH import_ratio_to_copy_postgresql``: a figure that depends less on how fast the
machine is that day than the rate does.
"""

import argparse
import contextlib
import csv
import os
import random
import resource
import sqlite3
import sys
import threading
import time
import unicodedata
from pathlib import Path

# Run from anywhere: import this checkout's pregon, whatever the venv's install points at.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database

BENCH_DATABASE = "pregon_bench_imports"
FIRST = ["Ana", "Luis", "Rosa", "José", "María", "Carlos", "Lucía", "Jorge", "Elena", "Óscar"]
LAST = ["Quispe", "Mamani", "Flores", "Rodríguez", "García", "Huamán", "Chávez", "Peña"]
REGIONS = ["Lima", "Cusco", "Arequipa", "Piura", "Loreto", "Junín", "Puno", "Áncash"]
DOMAINS = ["gmail.com", "hotmail.com", "outlook.com", "yahoo.es", "minedu.gob.pe"]


def ascii_only(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def generate_csv(path: Path, rows: int) -> int:
    """Write ``rows`` contacts to ``path``; return how many of them are bad on purpose."""
    rng = random.Random(42)
    bad = 0
    previous = ""
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["Correo electrónico", "Nombres", "Apellidos", "Celular", "Región"])
        for n in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            email = ascii_only(f"{first}.{last}{n}@{rng.choice(DOMAINS)}")
            phone = ""
            dice = rng.random()
            if dice < 0.45:
                phone = f"9{rng.randrange(10**8):08d}"
            elif dice < 0.50:
                phone = (
                    f"9{rng.randrange(100):02d} {rng.randrange(1000):03d} {rng.randrange(1000):03d}"
                )
            elif dice < 0.51:
                phone = f"(01) {rng.randrange(2, 8)}{rng.randrange(10**6):06d}"
            dice = rng.random()
            good = False
            if dice < 0.015:
                email = email.replace("@", " ")
            elif dice < 0.020:
                email = ""
            elif dice < 0.025:
                phone = "12345"
            elif dice < 0.030 and previous:
                email = previous  # The same person twice in a row.
            else:
                good = True
            bad += not good
            # A repeat is only rejected as one if the row it repeats was taken.
            previous = email if good else ""
            writer.writerow(
                [email, first, f"{last} {rng.choice(LAST)}", phone, rng.choice(REGIONS)]
            )
    return bad


def load_average() -> str:
    return "# load average (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg())


def cpu_seconds() -> tuple[float, float]:
    """User and system CPU seconds of this process (the worker), and of its children that
    ended (the forked process that checks the rows)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


@contextlib.contextmanager
def longest_write_wait(database: str):
    """On SQLite, measure how long another writer waits at most, while the block runs, to
    take the database's write lock: a thread begins and commits an empty write
    transaction every 50 ms. Yields a list that holds the longest wait, in seconds, after
    the block."""
    longest = [0.0]
    done = threading.Event()

    def probe() -> None:
        other = sqlite3.connect(database, timeout=600, isolation_level=None)
        while not done.is_set():
            started = time.perf_counter()
            other.execute("BEGIN IMMEDIATE")
            other.execute("COMMIT")
            longest[0] = max(longest[0], time.perf_counter() - started)
            done.wait(0.05)
        other.close()

    thread = threading.Thread(target=probe)
    thread.start()
    try:
        yield longest
    finally:
        done.set()
        thread.join()


def copy_seconds(connection) -> float:
    """Seconds PostgreSQL takes to copy every contact's imported columns, in binary and in
    id order, into an empty table like contacts, after a checkpoint (so that the import's
    dirty pages are not this copy's to write)."""
    from django.db import DatabaseError

    from pregon.contacts.imports.sql import CONTACT, COPIED

    with connection.cursor() as cursor:
        raw = cursor.cursor
        query = f"COPY (SELECT {COPIED} FROM {CONTACT} ORDER BY id) TO STDOUT (FORMAT BINARY)"  # noqa: S608
        with raw.copy(query) as copy:
            rows = b"".join(copy)
        cursor.execute(f"CREATE TABLE import_copy (LIKE {CONTACT} INCLUDING ALL)")
        try:
            cursor.execute("CHECKPOINT")
        except DatabaseError:
            print("# no CHECKPOINT before the copy: it needs a superuser or pg_checkpoint")
        started = time.perf_counter()
        with raw.copy(f"COPY import_copy ({COPIED}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(rows)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE import_copy")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--list-and-tag", action="store_true")
    parser.add_argument(
        "--database",
        default=BENCH_DATABASE,
        help="the PostgreSQL database to drop and create (two runs at once need two names)",
    )
    args = parser.parse_args()

    print(load_average())
    with own_database(args.database) as (engine, var_dir):
        return run(engine, args.rows, var_dir, args.list_and_tag)


def run(engine: str, rows: int, var_dir: Path, list_and_tag: bool) -> int:
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command

    from pregon.contacts import imports
    from pregon.contacts.models import (
        Contact,
        Field,
        FieldType,
        ImportStatus,
        MailingList,
        Subscription,
    )

    call_command("migrate", verbosity=0)
    Field.objects.create(key="region", label="Región", type=FieldType.TEXT)
    course = MailingList.objects.create(name="Curso virtual 2025")
    path = var_dir / "contactos.csv"
    started = time.perf_counter()
    bad = generate_csv(path, rows)
    size = path.stat().st_size
    print(
        f"# {engine}: generated {rows:,} rows ({size / 1e6:.0f} MB, {bad:,} bad) in "
        f"{time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    with open(path, "rb") as file:
        imp = imports.create_import(File(file, name=path.name), user=None, language="es")
    uploaded = time.perf_counter()
    imports.start_import(
        imp,
        imports.suggest_mapping(imp),
        update_existing=True,
        mailing_list=course if list_and_tag else None,
        tags=["Importado"] if list_and_tag else [],
        consent_text="Acepto recibir información de los cursos.",
    )
    from django.db import connection

    probed = (
        longest_write_wait(connection.settings_dict["NAME"])
        if engine == "sqlite"
        else contextlib.nullcontext([None])
    )
    cpu, run_started = cpu_seconds(), time.perf_counter()
    with probed as longest_wait:
        imports.run_import(imp.pk, 1)
    elapsed = time.perf_counter() - started
    run_elapsed = time.perf_counter() - run_started
    worker_cpu, child_cpu = (
        after - before for after, before in zip(cpu_seconds(), cpu, strict=True)
    )

    imp.refresh_from_db()
    if imp.status != ImportStatus.DONE:
        print(f"# the import did not finish: {imp.status} {imp.error}", file=sys.stderr)
        return 1
    contacts = Contact.objects.count()
    members = Subscription.objects.filter(mailing_list=course).count()
    tagged = Contact.tags.through.objects.count()
    print(f"# mapping: {imp.mapping}")
    print(
        f"# upload {uploaded - started:.1f} s; created {imp.created_count:,}, rejected "
        f"{imp.rejected_count:,}; {contacts:,} contacts, {members:,} in the list, "
        f"{tagged:,} tagged"
    )
    joined = rows - bad if list_and_tag else 0
    if not (
        imp.rejected_count == bad
        and imp.created_count == contacts == rows - bad
        and members == tagged == joined
    ):
        print("# the counts do not add up", file=sys.stderr)
        return 1
    print(load_average())
    name = "import_list_tag" if list_and_tag else "import"
    print(f"BENCH {name}_rows_per_s_{engine} {rows / elapsed:.0f} rows/s")
    print(f"BENCH {name}_seconds_{engine} {elapsed:.1f} s")
    print(f"BENCH {name}_run_seconds_{engine} {run_elapsed:.1f} s")
    print(f"BENCH {name}_run_worker_cpu_seconds_{engine} {worker_cpu:.1f} s")
    print(f"BENCH {name}_run_child_cpu_seconds_{engine} {child_cpu:.1f} s")
    if engine == "postgresql" and not list_and_tag:
        copied = contacts / copy_seconds(connection)
        print(f"BENCH import_copy_rows_per_s_postgresql {copied:.0f} rows/s")
        print(f"BENCH import_ratio_to_copy_postgresql {100 * (rows / elapsed) / copied:.1f} %")
    if longest_wait[0] is not None:
        print(f"BENCH {name}_longest_write_wait_{engine} {longest_wait[0]:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
