"""A consistent copy of the database, and putting one back: SQLite through its online backup
API (consistent while the platform writes), PostgreSQL through ``pg_dump``/``pg_restore``.

The PostgreSQL password reaches the client programs in ``PGPASSWORD``, never on a command
line that ``ps`` shows.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.db import connection
from django.utils.translation import gettext as _

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
DUMP_NAMES = {SQLITE: "database.sqlite3", POSTGRESQL: "database.pgdump"}
# pg_restore writes the SQL that replaces the database's objects, for psql to run.
# Connection options of PREGON_DATABASE_URL's query, and libpq's variables for them.
LIBPQ_TLS_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}
RESTORE_SCRIPT = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-"]


class DatabaseToolError(Exception):
    """A database program is missing, too old, or failed; the message says what to do."""


def engine() -> str:
    """``sqlite`` or ``postgresql``: the engine of the configured database."""
    return SQLITE if connection.vendor == "sqlite" else POSTGRESQL


def dump(path: Path) -> None:
    """Write a consistent copy of the configured database to ``path``."""
    if engine() == SQLITE:
        _sqlite_dump(path)
    else:
        _pg_dump(path)


def _sqlite_dump(path: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        # Page by page under SQLite's own locking: writers may go on meanwhile, and the copy
        # is the database as it was at one moment.
        connection.connection.backup(target)
    finally:
        target.close()


def sqlite_path() -> Path:
    return Path(connection.settings_dict["NAME"])


def _client_environment() -> dict[str, str]:
    config = connection.settings_dict
    env = dict(os.environ)
    for name, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if config.get(key):
            env[name] = str(config[key])
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    # The connection's TLS options (?sslmode=require… in PREGON_DATABASE_URL, which the
    # scale-out layout asks for): without them the programs would use libpq's default,
    # "prefer", and copy the whole database in clear text to whoever answers without TLS.
    options = config.get("OPTIONS", {})
    for option, name in LIBPQ_TLS_VARIABLES.items():
        if options.get(option):
            env[name] = str(options[option])
    env["PGDATABASE"] = str(config["NAME"])
    return env


def _program(name: str) -> str:
    """The path of the PostgreSQL client program ``name``, as new as the server."""
    path = shutil.which(name)
    if path is None:
        raise DatabaseToolError(
            _(
                "%(program)s is not installed. Install PostgreSQL's client programs of the "
                "server's version (apt install postgresql-client-%(major)s) and try again."
            )
            % {"program": name, "major": _server_major()}
        )
    output = subprocess.run(  # noqa: S603
        [path, "--version"], capture_output=True, text=True, check=False
    ).stdout
    found = re.search(r"(\d+)(?:\.\d+)?", output)
    major = int(found.group(1)) if found else 0
    if major < _server_major():
        raise DatabaseToolError(
            _(
                "%(program)s is version %(client)s, older than the database server "
                "(%(server)s), and cannot copy its database. Install "
                "postgresql-client-%(server)s and try again."
            )
            % {"program": name, "client": major, "server": _server_major()}
        )
    return path


def _server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def _run(command: list[str], **kwargs: object) -> None:
    result = subprocess.run(  # noqa: S603
        command, env=_client_environment(), capture_output=True, check=False, **kwargs
    )
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip()[-2000:]
        raise DatabaseToolError(
            _("%(program)s failed: %(detail)s")
            % {"program": Path(command[0]).name, "detail": detail}
        )


def _pg_dump(path: Path) -> None:
    # pg_dump reads in one repeatable-read transaction: a consistent snapshot while the
    # platform goes on writing.
    _run([_program("pg_dump"), "--format=custom", "--no-owner", f"--file={path}"])


def load(path: Path) -> None:
    """Replace the configured database's content with the copy at ``path`` (which ``dump``
    wrote). On PostgreSQL all of it happens in one transaction, or none of it."""
    if engine() == SQLITE:
        _sqlite_load(path)
    else:
        _pg_load(path)


def _sqlite_load(path: Path) -> None:
    target = sqlite_path()
    staged = target.with_name(target.name + ".restoring")
    shutil.copyfile(path, staged)
    connection.close()
    if target.exists():
        # The old database's write-ahead log must not be replayed onto the new file: fold it
        # into the old one, then remove it with its index.
        old = sqlite3.connect(target)
        try:
            old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            old.close()
        for suffix in ("-wal", "-shm"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
    os.replace(staged, target)


def _pg_load(path: Path) -> None:
    pg_restore = _program("pg_restore")
    psql = _program("psql")
    # The install's tables go first, those the copy lacks too (an install newer than the
    # copy has tables that migrating the copy will create), then pg_restore's own script:
    # psql runs the whole of it as a single transaction.
    tables = connection.introspection.table_names()
    connection.close()
    prelude = ""
    if tables:
        names = ", ".join(connection.ops.quote_name(table) for table in tables)
        prelude = f"DROP TABLE IF EXISTS {names} CASCADE;\n"
    # Errors go to files, not pipes: a pipe nobody reads while the script flows would
    # fill and stall both programs.
    with tempfile.TemporaryFile() as script_errors, tempfile.TemporaryFile() as restore_errors:
        script = subprocess.Popen(  # noqa: S603
            [pg_restore, *RESTORE_SCRIPT, str(path)],
            env=_client_environment(),
            stdout=subprocess.PIPE,
            stderr=script_errors,
        )
        restore = subprocess.Popen(  # noqa: S603
            [psql, "--quiet", "--no-psqlrc", "--single-transaction", "-v", "ON_ERROR_STOP=1"],
            env={**_client_environment(), "PGOPTIONS": "-c client_min_messages=warning"},
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=restore_errors,
        )
        try:
            restore.stdin.write(prelude.encode())
            shutil.copyfileobj(script.stdout, restore.stdin)
        except BrokenPipeError:
            pass  # psql stopped at an error: reported below.
        finally:
            restore.stdin.close()
            script.stdout.close()
        failed = {"psql": restore.wait() != 0, "pg_restore": script.wait() != 0}
        # psql's error first: pg_restore fails too when psql stops reading.
        for program, errors in (("psql", restore_errors), ("pg_restore", script_errors)):
            if failed[program]:
                errors.seek(0)
                detail = errors.read().decode(errors="replace").strip()[-2000:]
                raise DatabaseToolError(
                    _("%(program)s failed: %(detail)s") % {"program": program, "detail": detail}
                )
