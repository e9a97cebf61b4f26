"""``pregon restore``: make an install again from the file ``pregon backup`` wrote.

Everything is checked before anything is touched: the file is unpacked into a folder of its
own (decrypting it, when every chunk's tag is checked), each file's SHA-256 is compared
with the manifest, and the backup's migrations must be known to this version. Only then
are the database and the var folder's files replaced, and the database migrated if the
backup is older than this version.
"""

import hashlib
import json
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from pregon.operations import database
from pregon.operations.backup import FORMAT, MANIFEST, kept_paths, key_fingerprint
from pregon.operations.encryption import (
    DamagedFile,
    DecryptingReader,
    WrongPassphrase,
    is_encrypted,
)
from pregon.sending import heartbeats

BLOCK = 1 << 20


class RestoreError(Exception):
    """Why the backup was not restored; nothing was changed."""


def restore(path: Path, passphrase: str = "", force: bool = False) -> list[str]:
    """Restore the backup at ``path`` into this install; return warnings for the person
    restoring. Raises RestoreError, having changed nothing, if the file cannot be read or
    trusted, or if this install holds data and ``force`` is False."""
    if not path.is_file():
        raise RestoreError(_("There is no file at %(path)s.") % {"path": path})
    with tempfile.TemporaryDirectory(dir=settings.VAR_DIR, prefix=".restore-") as work:
        staging = Path(work)
        with _plain_stream(path, passphrase) as stream:
            sums = _unpack(stream, staging)
        manifest = _checked_manifest(staging, sums)
        _check_migrations(manifest)
        if not force and install_has_data():
            raise RestoreError(
                _(
                    "This install already holds contacts, templates or campaigns. Restoring "
                    "replaces all of them: run it again with --force if that is what you want."
                )
            )
        _check_stopped()
        warnings = _key_warnings(manifest, staging)
        database.load(staging / manifest["database"]["file"])
        _replace_files(staging)
        cache.clear()
        if _pending_migrations():
            call_command("migrate", interactive=False, verbosity=0)
            warnings.append(_("The backup was made by an older version: it was migrated."))
    return warnings


@contextmanager
def _plain_stream(path: Path, passphrase: str) -> Iterator[BinaryIO]:
    with path.open("rb") as file:
        if not is_encrypted(path):
            yield file
            return
        if not passphrase:
            raise RestoreError(
                _(
                    "This backup is encrypted. Put its passphrase in the environment variable "
                    "PREGON_BACKUP_PASSPHRASE and run the command again."
                )
            )
        try:
            yield DecryptingReader(file, passphrase)
        except DamagedFile:
            raise _damaged() from None
        except WrongPassphrase:
            raise RestoreError(
                _(
                    "The passphrase in PREGON_BACKUP_PASSPHRASE does not open this backup. "
                    "Check it (capitals, spaces) and try again."
                )
            ) from None


def _damaged() -> RestoreError:
    return RestoreError(
        _(
            "The backup file is damaged or was altered, so nothing was restored. Use another "
            "copy of the backup."
        )
    )


def _safe_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and ".." not in parts


def _unpack(stream: BinaryIO, staging: Path) -> dict[str, dict[str, object]]:
    """Unpack the tar read from ``stream`` into ``staging``; return each file's sum and size."""
    sums: dict[str, dict[str, object]] = {}
    try:
        with tarfile.open(fileobj=stream, mode="r|gz") as tar:
            for member in tar:
                if member.isdir():
                    continue
                if not member.isfile() or not _safe_name(member.name):
                    raise _damaged()
                target = staging / member.name
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                source = tar.extractfile(member)
                digest = hashlib.sha256()
                with target.open("wb") as output:
                    while block := source.read(BLOCK):
                        digest.update(block)
                        output.write(block)
                sums[member.name] = {"sha256": digest.hexdigest(), "size": member.size}
    except (DamagedFile, tarfile.TarError, zlib.error, EOFError):
        raise _damaged() from None
    return sums


def _checked_manifest(staging: Path, sums: dict[str, dict[str, object]]) -> dict:
    try:
        manifest = json.loads((staging / MANIFEST).read_text())
    except (FileNotFoundError, ValueError):
        raise _damaged() from None
    if not _well_formed(manifest):
        raise _damaged()
    if manifest["format"] != FORMAT:
        raise RestoreError(
            _("This is not a backup this version of Pregón can read (format %(format)s).")
            % {"format": manifest.get("format")}
        )
    sums.pop(MANIFEST)
    if manifest.get("files") != sums:
        raise _damaged()
    if manifest["database"]["engine"] != database.engine():
        raise RestoreError(
            _(
                "This backup holds a %(backup)s database and this install uses %(install)s. "
                "Restore it into an install of the same kind."
            )
            % {"backup": manifest["database"]["engine"], "install": database.engine()}
        )
    # The database is loaded from the name the manifest gives: only the engine's own dump,
    # whose sum was checked above, never another file of this machine.
    dump_name = manifest["database"].get("file")
    if dump_name != database.DUMP_NAMES[database.engine()] or dump_name not in sums:
        raise _damaged()
    return manifest


def _well_formed(manifest: object) -> bool:
    """Whether the manifest has every key restore reads, of the type it reads, as ``backup``
    writes it: a hand-made or cut manifest is a damaged backup, not a traceback."""
    if not isinstance(manifest, dict):
        return False
    shapes = {
        "format": int,
        "pregon": str,
        "database": dict,
        "migrations": list,
        "encryption_key": str,
        "files": dict,
    }
    if not all(isinstance(manifest.get(key), kind) for key, kind in shapes.items()):
        return False
    if not isinstance(manifest["database"].get("engine"), str):
        return False
    return all(
        isinstance(item, list) and len(item) == 2 and all(isinstance(part, str) for part in item)
        for item in manifest["migrations"]
    )


def _check_migrations(manifest: dict) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [tuple(item) for item in manifest["migrations"] if tuple(item) not in known]
    if unknown:
        raise RestoreError(
            _(
                "This backup was made by a newer version of Pregón (%(version)s). Update this "
                "install first, then restore it."
            )
            % {"version": manifest["pregon"]}
        )


def _check_stopped() -> None:
    """Refuse while this install's senders, workers or scheduler run: they would write into
    the database being replaced (and on SQLite hold the file it renames over)."""
    try:
        running = heartbeats.alive()
    except DatabaseError:
        return  # No tables yet: nothing ever ran here.
    if running:
        raise RestoreError(
            _(
                "Pregón's processes are running here (%(kinds)s). Stop them first (systemctl "
                "stop 'pregon*'), wait half a minute, and run the restore again."
            )
            % {"kinds": ", ".join(sorted(running))}
        )


def install_has_data() -> bool:
    """True if this install's database holds contacts, templates or campaigns."""
    tables = set(connection.introspection.table_names())
    for table in ("contacts_contact", "content_emailtemplate", "campaigns_campaign"):
        if table in tables:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return True
    return False


def _key_after_restore(staging: Path) -> str:
    """The key the restored install will encrypt secrets with: from the environment if set
    there, else from the restored secret key file."""
    key_file = staging / "var" / "secret_key"
    own_key = settings.ENCRYPTION_KEY != settings.SECRET_KEY
    if settings.SECRET_KEY_FROM_ENV or own_key or not key_file.is_file():
        return settings.ENCRYPTION_KEY
    return key_file.read_text().strip()


def _key_warnings(manifest: dict, staging: Path) -> list[str]:
    if key_fingerprint(_key_after_restore(staging)) == manifest["encryption_key"]:
        return []
    return [
        _(
            "The backup's stored secrets (DKIM keys, relay passwords, provider keys) were "
            "encrypted with another key than this install's. Set PREGON_ENCRYPTION_KEY (or "
            "PREGON_SECRET_KEY) as the old install had it, or enter those secrets again."
        )
    ]


def _replace_files(staging: Path) -> None:
    """Put the backup's var files in place of this install's (kept aside until done)."""
    aside = staging / ".replaced"
    for name, target in kept_paths().items():
        restored = staging / name
        if not restored.exists() and target.is_file():
            continue  # A backup without a secret key file: this install's stays.
        if target.exists():
            aside.mkdir(exist_ok=True)
            shutil.move(target, aside / name.replace("/", "_"))
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if restored.exists():
            shutil.move(restored, target)
        else:
            target.mkdir(mode=0o700)


def _pending_migrations() -> bool:
    try:
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except DatabaseError:
        return True
