"""`pregon migrate` refuses a PostgreSQL database that does not keep text as UTF-8."""

import os
import subprocess
import sys
import uuid
from unittest import skipUnless

import psycopg
from django.db import connection
from django.test import TestCase

from pregon.contacts.system_checks import check_text_encoding


@skipUnless(connection.vendor == "postgresql", "a PostgreSQL database's encoding")
class DatabaseEncodingTests(TestCase):
    def test_the_test_database_passes(self) -> None:
        self.assertEqual(check_text_encoding(None, databases=["default"]), [])

    def test_migrate_stops_on_an_sql_ascii_database(self) -> None:
        settings = connection.settings_dict
        name = f"pregon_ascii_{uuid.uuid4().hex[:8]}"
        host, port, user = (
            settings["HOST"] or "127.0.0.1",
            settings["PORT"] or 5432,
            settings["USER"],
        )
        server = f"host={host} port={port} user={user}"
        with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
            admin.execute(
                f"CREATE DATABASE {name} ENCODING 'SQL_ASCII' TEMPLATE template0"
                " LC_COLLATE 'C' LC_CTYPE 'C'"
            )
        try:
            env = {**os.environ, "PREGON_DATABASE_URL": f"postgresql://{user}@{host}:{port}/{name}"}
            env.pop("PREGON_DATABASE_URL_FILE", None)
            result = subprocess.run(
                [sys.executable, "-m", "pregon", "migrate", "--no-input"],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("pregon.E020", result.stderr)
            self.assertIn("SQL_ASCII, not UTF-8", result.stderr)
            with psycopg.connect(f"{server} dbname={name}") as database:
                tables = database.execute(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                ).fetchone()[0]
            self.assertEqual(tables, 0)
        finally:
            with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
