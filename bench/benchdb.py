"""The database a benchmark builds for itself: never the one the settings point at.

Imported by the benchmark scripts (not a benchmark itself: `run.py` skips it).
"""

import os
from urllib.parse import urlsplit, urlunsplit


def database_url(name: str) -> tuple[str, str]:
    """The URL of database ``name`` on PREGON_DATABASE_URL's server, and the engine.

    Returns ("", "sqlite") when PREGON_DATABASE_URL is not PostgreSQL: the script then
    makes a new SQLite file of its own.
    """
    url = os.environ.get("PREGON_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return "", "sqlite"
    return urlunsplit(urlsplit(url)._replace(path="/" + name)), "postgresql"


def recreate_postgres(url: str) -> None:
    """Drop and create the database ``url`` names, connected to the server's `postgres`."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
