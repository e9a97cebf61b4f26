import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

# What a fresh install writes under var/ besides the database: the cache, the test mailbox,
# the tracking spool and an upload.
WRITE_EVERY_KIND_OF_FILE = """
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pregon.sending import transports
from pregon.tracking import spool

cache.set("greeting", "hola")
transports.outbox().send("a@example.org", "b@example.org", b"Subject: hola\\r\\n\\r\\nhola\\r\\n")
spool.append("opened", 1, None, "Mozilla/5.0", "", "")
default_storage.save("imports/contactos.csv", ContentFile(b"email\\na@example.org\\n"))
"""


def modes(root: Path) -> dict[str, str]:
    """Every folder and file under ``root`` (itself included), with its permission bits."""
    found = {".": oct(stat.S_IMODE(root.stat().st_mode))}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = oct(stat.S_IMODE(path.lstat().st_mode))
    return found


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="starts a fresh embedded (SQLite) install",
)
def test_a_fresh_install_keeps_var_to_its_user_under_any_umask(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = {**os.environ, "PREGON_VAR_DIR": str(var), "PREGON_ADMIN_EMAIL": "jefa@entidad.gob.pe"}
    for name in ("PREGON_DATABASE_URL", "PREGON_SECRET_KEY", "PREGON_TRACKING_SPOOL_DIR"):
        env.pop(name, None)
    pregon = [sys.executable, "-m", "pregon"]
    for command in (["setup"], ["shell", "-c", WRITE_EVERY_KIND_OF_FILE]):
        done = subprocess.run(
            [*pregon, *command], env=env, umask=0, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr

    found = modes(var)
    for name in ("secret_key", "pregon.sqlite3", "cache", "outbox", "spool", "media/imports"):
        assert name in found
    wrong = {
        name: mode
        for name, mode in found.items()
        if mode != ("0o700" if (var / name).is_dir() else "0o600")
    }
    assert wrong == {}
    assert len((var / "secret_key").read_text().strip()) > 50
