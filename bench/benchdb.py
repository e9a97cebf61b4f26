"""The database a benchmark builds for itself: never the one the settings point at.

Imported by the benchmark scripts (not a benchmark itself: `run.py` skips it).
"""

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


@contextlib.contextmanager
def own_database(name: str) -> Iterator[tuple[str, Path]]:
    """Point the settings at a fresh database ``name`` and a temporary var folder.

    On PREGON_DATABASE_URL's PostgreSQL server the database ``name`` is dropped and made
    again; otherwise a new SQLite file in the temporary folder. Yields (engine, folder);
    the folder is deleted afterwards. Call before django.setup().
    """
    var_dir = tempfile.mkdtemp(prefix=f"{name}-")
    try:
        url = os.environ.get("PREGON_DATABASE_URL", "")
        if url.startswith("postgres"):
            engine, url = "postgresql", urlunsplit(urlsplit(url)._replace(path="/" + name))
            _recreate_postgres(url)
        else:
            engine, url = "sqlite", f"sqlite:///{var_dir}/{name}.sqlite3"
        # The settings would read a URL from PREGON_DATABASE_URL_FILE before this one.
        os.environ.pop("PREGON_DATABASE_URL_FILE", None)
        os.environ["PREGON_DATABASE_URL"] = url
        os.environ["PREGON_VAR_DIR"] = var_dir
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pregon.settings")
        yield engine, Path(var_dir)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


@contextlib.contextmanager
def earlier_database(name: str) -> Iterator[Path]:
    """Point the settings at ``name``, a database an earlier run filled (a script's
    ``--reuse``), on PREGON_DATABASE_URL's PostgreSQL server, and a temporary var folder,
    which it yields and deletes afterwards. Without such a URL it says so and exits (status
    2). Call before django.setup()."""
    url = urlsplit(os.environ.get("PREGON_DATABASE_URL", ""))
    if not url.scheme.startswith("postgres"):
        print("--reuse needs PREGON_DATABASE_URL on a PostgreSQL server", file=sys.stderr)
        raise SystemExit(2)
    # The settings would read a URL from PREGON_DATABASE_URL_FILE before this one.
    os.environ.pop("PREGON_DATABASE_URL_FILE", None)
    os.environ["PREGON_DATABASE_URL"] = urlunsplit(url._replace(path="/" + name))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pregon.settings")
    with tempfile.TemporaryDirectory(prefix=f"{name}-") as var_dir:
        os.environ["PREGON_VAR_DIR"] = var_dir
        yield Path(var_dir)


def _recreate_postgres(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
