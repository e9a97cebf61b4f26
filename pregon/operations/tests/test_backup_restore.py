"""``pregon backup`` and ``pregon restore``, run as an administrator runs them: each install
(its own var folder and database) in processes of its own. A backup of an install with
contacts, templates, a sent campaign and DKIM keys, restored into a fresh install, gives
back every one of them, on SQLite and (when the tests run on it) PostgreSQL."""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import unittest
from pathlib import Path
from urllib.parse import quote

import psycopg
from django.conf import settings
from django.test import SimpleTestCase

from pregon.operations.tests import installs

PASSPHRASE = "caballo correcto batería grapa"


def environment(var_dir: Path, database_url: str = "", passphrase: str = "") -> dict[str, str]:
    """The environment of one install's processes: none of the test run's PREGON_ settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREGON_")}
    env.update(PREGON_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="pregon.settings")
    if database_url:
        env["PREGON_DATABASE_URL"] = database_url
    if passphrase:
        env["PREGON_BACKUP_PASSPHRASE"] = passphrase
    return env


def pregon(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [str(Path(sys.executable).with_name("pregon")), *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def run_installs(env: dict[str, str], action: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", installs.__name__, action],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(result.stderr)
    return result.stdout


class BackupRestoreTestCase(SimpleTestCase):
    """The install to back up is made once; each test restores its backup somewhere new."""

    database_url = ""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.folder = Path(tempfile.mkdtemp(prefix="pregon-backup-test-"))
        cls.addClassCleanup(shutil.rmtree, cls.folder)
        cls.source = environment(cls.folder / "source", cls.url("src"), PASSPHRASE)
        cls.check_command(pregon(cls.source, "migrate", "-v0"))
        run_installs(cls.source, "seed")
        cls.expected = json.loads(run_installs(cls.source, "summary"))
        made = pregon(cls.source, "backup", "--output", str(cls.folder / "backups"), "--encrypt")
        cls.check_command(made)
        cls.backup = Path(made.stdout.strip())

    @classmethod
    def url(cls, name: str) -> str:
        """The database URL of install ``name`` (empty: SQLite in its var folder)."""
        return ""

    @staticmethod
    def check_command(result: subprocess.CompletedProcess) -> None:
        if result.returncode != 0:
            raise AssertionError(result.stdout + result.stderr)

    def fresh_install(self, passphrase: str = PASSPHRASE) -> dict[str, str]:
        """A new install with nothing in it: a var folder and a database never used."""
        var_dir = Path(tempfile.mkdtemp(dir=self.folder, prefix="fresh-"))
        return environment(var_dir, self.url("dst"), passphrase)

    def test_a_fresh_install_gets_everything_back(self) -> None:
        self.assertTrue(self.backup.name.endswith(".tar.gz.enc"))
        self.assertEqual(self.backup.parent, self.folder / "backups")
        fresh = self.fresh_install()
        self.check_command(pregon(fresh, "restore", str(self.backup)))
        restored = json.loads(run_installs(fresh, "summary"))
        self.assertEqual(restored, self.expected)
        self.assertEqual(len(restored["contacts"]), 11)
        self.assertEqual(restored["figures"]["delivered"], 6)
        self.assertEqual(restored["figures"]["human"]["clicked_total"], 4)
        self.assertEqual(restored["ana"][2:6][0], "form")
        self.assertEqual(restored["dkim_verified"], [True, True])
        self.assertEqual(restored["asset"], self.expected["asset"])
        # The backup and the restored secret key: readable by their user alone.
        self.assertEqual(self.backup.stat().st_mode & 0o777, 0o600)
        key = Path(fresh["PREGON_VAR_DIR"]) / "secret_key"
        self.assertEqual(key.stat().st_mode & 0o777, 0o600)
        # Restoring again over the same data needs --force, and the processes stopped.
        again = pregon(fresh, "restore", str(self.backup))
        self.assertEqual(again.returncode, 1)
        self.assertIn("--force", again.stderr)
        # A sender heard from "now" for the next hour, however slow this machine is.
        beat = (
            "import datetime; from django.utils import timezone; "
            "from pregon.sending.models import Heartbeat; Heartbeat.objects.create("
            "name='sender@test', kind='sender', "
            "seen_at=timezone.now() + datetime.timedelta(hours=1))"
        )
        self.check_command(pregon(fresh, "shell", "-c", beat))
        running = pregon(fresh, "restore", str(self.backup), "--force")
        self.assertEqual(running.returncode, 1)
        self.assertIn("funcionando aquí (sender)", running.stderr)
        stopped = "from pregon.sending.models import Heartbeat; Heartbeat.objects.all().delete()"
        self.check_command(pregon(fresh, "shell", "-c", stopped))
        self.check_command(pregon(fresh, "restore", str(self.backup), "--force"))
        self.assertEqual(json.loads(run_installs(fresh, "summary")), self.expected)

    def crafted_manifest(self) -> dict:
        """A manifest of the shape ``backup`` writes, for a backup of this install's kind."""
        return {
            "format": 1,
            "pregon": "0",
            "database": {"engine": "postgresql" if self.url("dst") else "sqlite"},
            "migrations": [],
            "encryption_key": "",
            "files": {},
        }

    def assertCraftedRefused(self, manifest: object) -> None:
        """A backup holding only ``manifest`` is refused as damaged, and nothing restored."""
        crafted = self.folder / "crafted.tar.gz"
        data = json.dumps(manifest).encode()
        with tarfile.open(crafted, "w:gz") as tar:
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        fresh = self.fresh_install()
        result = pregon(fresh, "restore", str(crafted))
        self.assertEqual(result.returncode, 1)
        self.assertIn("dañado o fue alterado", result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertFalse(self.restored_anything(fresh))

    def test_a_manifest_naming_another_file_as_the_database_is_refused(self) -> None:
        decoy = self.folder / "decoy.sqlite3"
        with sqlite3.connect(decoy) as db:
            db.execute("CREATE TABLE decoy (id integer)")
        manifest = self.crafted_manifest()
        manifest["database"]["file"] = str(decoy)
        self.assertCraftedRefused(manifest)

    def test_a_manifest_missing_keys_or_of_another_shape_is_refused(self) -> None:
        without_database = self.crafted_manifest()
        del without_database["database"]
        migrations_not_pairs = self.crafted_manifest()
        migrations_not_pairs["migrations"] = [["contacts"]]
        for manifest in (without_database, migrations_not_pairs, [1, 2], {"format": 1}):
            with self.subTest(manifest=manifest):
                self.assertCraftedRefused(manifest)

    def test_an_altered_file_is_refused_before_anything_changes(self) -> None:
        altered = self.folder / "altered.tar.gz.enc"
        data = bytearray(self.backup.read_bytes())
        data[len(data) // 2] ^= 0x01
        altered.write_bytes(bytes(data))
        fresh = self.fresh_install()
        result = pregon(fresh, "restore", str(altered))
        self.assertEqual(result.returncode, 1)
        self.assertIn("dañado o fue alterado", result.stderr)
        self.assertFalse(self.restored_anything(fresh))

    def test_a_file_cut_short_is_refused(self) -> None:
        cut = self.folder / "cut.tar.gz.enc"
        cut.write_bytes(self.backup.read_bytes()[:-100])
        fresh = self.fresh_install()
        result = pregon(fresh, "restore", str(cut))
        self.assertIn("dañado o fue alterado", result.stderr)
        self.assertFalse(self.restored_anything(fresh))

    def test_a_wrong_passphrase_is_refused(self) -> None:
        fresh = self.fresh_install(passphrase="caballo correcto batería grapas")
        result = pregon(fresh, "restore", str(self.backup))
        self.assertEqual(result.returncode, 1)
        self.assertIn("no abre este respaldo", result.stderr)
        self.assertFalse(self.restored_anything(fresh))

    def restored_anything(self, env: dict[str, str]) -> bool:
        """True if the install of ``env`` has any of the backup's files or tables."""
        var_dir = Path(env["PREGON_VAR_DIR"])
        return (var_dir / "media" / "assets").exists() or bool(self.tables(var_dir))

    def tables(self, var_dir: Path) -> list[str]:
        """The tables of the fresh install's database."""
        path = var_dir / "pregon.sqlite3"
        if not path.exists():
            return []
        with sqlite3.connect(path) as db:
            return [row[0] for row in db.execute("SELECT name FROM sqlite_master")]


class BackupRestorePostgresTestCase(BackupRestoreTestCase):
    """The same on PostgreSQL, in two databases of this test's own on the tests' server
    (created here and dropped after; no other database is touched)."""

    @classmethod
    def setUpClass(cls) -> None:
        if connection_settings()["ENGINE"] != "django.db.backends.postgresql":
            raise unittest.SkipTest("the tests run on SQLite")
        for name in ("src", "dst"):
            recreate(database_name(name))
            cls.addClassCleanup(drop, database_name(name))
        super().setUpClass()

    @classmethod
    def url(cls, name: str) -> str:
        config = connection_settings()
        password = f":{quote(config['PASSWORD'])}" if config.get("PASSWORD") else ""
        host = f"{config.get('HOST') or '127.0.0.1'}:{config.get('PORT') or 5432}"
        return f"postgresql://{quote(config['USER'])}{password}@{host}/{database_name(name)}"

    def fresh_install(self, passphrase: str = PASSPHRASE) -> dict[str, str]:
        recreate(database_name("dst"))
        return super().fresh_install(passphrase)

    def tables(self, var_dir: Path) -> list[str]:
        with _server(database_name("dst")) as server:
            query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            return [row[0] for row in server.execute(query)]


def connection_settings() -> dict:
    return settings.DATABASES["default"]


def database_name(name: str) -> str:
    """A database of this test run's own: named after its test database, so that two runs
    on one server (SQLite's and PostgreSQL's, or two checkouts) never share one."""
    return f"{connection_settings()['NAME']}_data_{name}"


def _server(dbname: str = "postgres") -> psycopg.Connection:
    config = connection_settings()
    return psycopg.connect(
        dbname=dbname,
        user=config["USER"],
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        autocommit=True,
    )


def drop(name: str) -> None:
    with _server() as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def recreate(name: str) -> None:
    drop(name)
    with _server() as server:
        server.execute(f'CREATE DATABASE "{name}"')
