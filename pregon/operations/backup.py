"""``pregon backup``: one file holding the whole install, from which ``pregon restore``
makes it again.

The file is a gzipped tar (``pregon-<date>.tar.gz``), or that tar encrypted
(``.tar.gz.enc``, see pregon.operations.encryption). It holds:

- ``spool/``: opens and clicks not yet written to the database. They are copied *before* the
  database: a spool file the scheduler writes to the database meanwhile is then in both, and
  the restored install's flusher knows it by name (``SpoolFile``) and skips it; copied after,
  it could be in neither.
- ``database.sqlite3`` (SQLite's online backup) or ``database.pgdump`` (``pg_dump`` custom).
- ``var/``: what the var folder holds that cannot be made again: ``secret_key`` (which also
  derives the key of the secrets stored encrypted, DKIM keys among them, unless
  ``PREGON_ENCRYPTION_KEY`` is set), ``media/`` (images, brand assets, imported files,
  support attachments) and ``tutorials/`` (videos, some recorded by hand). Not the cache,
  collected static files, the test mailbox, test databases or PDFs made on demand.
- ``manifest.json``, last: the version, date, engine, applied migrations, a fingerprint of
  the encryption key and each file's SHA-256 and size.
"""

import hashlib
import hmac
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from pregon.operations import database
from pregon.operations.encryption import EncryptingWriter

FORMAT = 1
MANIFEST = "manifest.json"
SPOOL = "spool"
DATABASE_PREFIX = "database."
SUFFIX = ".tar.gz"
ENCRYPTED_SUFFIX = ".tar.gz.enc"


def kept_paths() -> dict[str, Path]:
    """The archive's name -> this install's path, for every file or folder of the var
    folder (and the spool, which may live elsewhere) that a backup holds."""
    return {
        SPOOL: Path(settings.TRACKING_SPOOL_DIR),
        "var/secret_key": Path(settings.VAR_DIR) / "secret_key",
        "var/media": Path(settings.MEDIA_ROOT),
        "var/tutorials": Path(settings.VAR_DIR) / "tutorials",
    }


def key_fingerprint(key: str) -> str:
    """A short value that tells whether two installs encrypt their secrets with the same
    key, without revealing it."""
    return hmac.new(key.encode(), b"pregon backup key fingerprint", hashlib.sha256).hexdigest()[:16]


def applied_migrations() -> list[list[str]]:
    """``[app, name]`` of every migration applied to the configured database, sorted."""
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted([app, name] for app, name in applied)


def default_folder() -> Path:
    return Path(settings.VAR_DIR) / "backups"


class _Hashing:
    """Reads through ``file`` and keeps the SHA-256 of what was read: the sum of exactly the
    bytes the archive holds, even of a file that grows while it is copied."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _files_under(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
    elif path.is_dir():
        for folder, _dirs, names in sorted(os.walk(path)):
            for name in sorted(names):
                yield Path(folder) / name


class _Archive:
    def __init__(self, tar: tarfile.TarFile) -> None:
        self.tar = tar
        self.files: dict[str, dict[str, object]] = {}

    def add(self, name: str, path: Path) -> None:
        try:
            file = path.open("rb")
        except FileNotFoundError:
            return  # A spool file flushed, or an upload deleted, since the folder was listed.
        with file:
            info = self.tar.gettarinfo(fileobj=file, arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            hashing = _Hashing(file)
            self.tar.addfile(info, hashing)
        self.files[name] = {"sha256": hashing.sha256.hexdigest(), "size": info.size}

    def add_tree(self, name: str, path: Path) -> None:
        for file in _files_under(path):
            relative = file.relative_to(path).as_posix()
            self.add(name if relative == "." else f"{name}/{relative}", file)

    def add_bytes(self, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o600
        info.mtime = int(timezone.now().timestamp())
        self.tar.addfile(info, io.BytesIO(data))


def backup(folder: Path, passphrase: str = "") -> Path:
    """Write a backup of this install into ``folder`` (encrypted with ``passphrase`` if
    one is given) and return its path. A backup that fails leaves no file behind."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = folder / f"pregon-{stamp}{ENCRYPTED_SUFFIX if passphrase else SUFFIX}"
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("wb") as output:
            sink: BinaryIO | EncryptingWriter = (
                EncryptingWriter(output, passphrase) if passphrase else output
            )
            with tarfile.open(fileobj=sink, mode="w|gz") as tar:
                _write(_Archive(tar), folder)
            if isinstance(sink, EncryptingWriter):
                sink.close()
            output.flush()
            os.fsync(output.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def _write(archive: _Archive, folder: Path) -> None:
    kept = kept_paths()
    archive.add_tree(SPOOL, kept.pop(SPOOL))
    engine = database.engine()
    dump_name = database.DUMP_NAMES[engine]
    with tempfile.TemporaryDirectory(dir=folder, prefix=".dump-") as work:
        dump_path = Path(work) / dump_name
        database.dump(dump_path)
        archive.add(dump_name, dump_path)
    for name, path in kept.items():
        archive.add_tree(name, path)
    manifest = {
        "format": FORMAT,
        "pregon": version("pregon"),
        "created_at": timezone.now().isoformat(),
        "database": {"engine": engine, "file": dump_name},
        "migrations": applied_migrations(),
        "encryption_key": key_fingerprint(settings.ENCRYPTION_KEY),
        "files": archive.files,
    }
    archive.add_bytes(MANIFEST, json.dumps(manifest, indent=1).encode())
