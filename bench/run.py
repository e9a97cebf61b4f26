"""Run every benchmark in this folder, one after another (`make bench`).

Each benchmark is a script that sets up its own database and prints lines
`BENCH <name> <value> <unit>`. They run once on the embedded default (SQLite) and, when
PostgreSQL answers at PREGON_BENCH_POSTGRES_URL's server, once on PostgreSQL. Each script
makes and drops a database of its own there (pregon_bench_imports, pregon_bench_segments,
pregon_bench_send, pregon_bench_tracking, pregon_bench_engagement, pregon_bench_popups,
pregon_bench_automation, pregon_bench_received, pregon_bench_transactional,
pregon_bench_moodle_sync); the database the URL names is only a place to connect to. A
script that needs a program the machine lacks (send_campaign.py and automation.py: Postfix's
smtp-sink; tracking_endpoints.py, popups.py and transactional.py: wrk) is skipped, saying so.

    .venv/bin/python bench/run.py                                # all of them
    .venv/bin/python bench/run.py send_campaign segment_count   # only these
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
# Scripts that run more than once, with these arguments each time.
VARIANTS = {"import_contacts.py": [[], ["--list-and-tag"]]}
# Scripts that touch no database: they run once, not once per engine. scaleout.py runs once
# too, on a PostgreSQL cluster it makes for itself, and build_message.py on SQLite, which it
# only reads the campaign from.
NO_DATABASE = {"render_message.py", "bounce_corpus.py", "scaleout.py", "build_message.py"}
# Scripts that need a program beside Python, and where it comes from.
NEEDS = {
    "send_campaign.py": ("smtp-sink", "install Debian's postfix package"),
    "tracking_endpoints.py": ("wrk", "install Debian's wrk package"),
    "popups.py": ("wrk", "install Debian's wrk package"),
    "automation.py": ("smtp-sink", "install Debian's postfix package"),
    "transactional.py": ("wrk", "install Debian's wrk package"),
    "scaleout.py": ("smtp-sink", "install Debian's postfix package"),
}
POSTGRES = os.environ.get(
    "PREGON_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/pregon_bench"
)


def postgres_answers(url: str) -> bool:
    import psycopg

    try:
        admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin, connect_timeout=5):
            return True
    except psycopg.Error as error:
        reason = str(error).splitlines()[0]
        print(f"# PostgreSQL does not answer ({reason}); its runs are skipped", flush=True)
        return False


def main() -> int:
    scripts = sorted(
        script for script in HERE.glob("*.py") if script.name not in ("run.py", "benchdb.py")
    )
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "names",
        nargs="*",
        metavar="name",
        help="run only these benchmarks (a script's name without .py); all by default",
    )
    names = parser.parse_args().names
    if unknown := set(names) - {script.stem for script in scripts}:
        known = ", ".join(script.stem for script in scripts)
        parser.error(f"no benchmark {', '.join(sorted(unknown))}; there are: {known}")
    engines = [("sqlite", "")]
    if postgres_answers(POSTGRES):
        engines.append(("postgresql", POSTGRES))
    failed = []
    for script in scripts:
        if names and script.stem not in names:
            continue
        if script.name in NEEDS:
            program, source = NEEDS[script.name]
            # Postfix's tools live in /usr/sbin, often not on a user's PATH.
            if not (shutil.which(program) or shutil.which(program, path="/usr/sbin")):
                print(f"# {script.name} skipped: no {program} ({source})", flush=True)
                continue
        for engine, url in engines[:1] if script.name in NO_DATABASE else engines:
            for arguments in VARIANTS.get(script.name, [[]]):
                env = {**os.environ, "PREGON_DATABASE_URL": url}
                env.pop("PREGON_DATABASE_URL_FILE", None)
                command = " ".join([script.name, *arguments])
                print(f"# {command} on {engine}", flush=True)
                result = subprocess.run(  # noqa: S603
                    [sys.executable, str(script), *arguments], env=env, check=False
                )
                if result.returncode != 0:
                    failed.append(f"{command} ({engine})")
    if failed:
        print("failed:", ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
