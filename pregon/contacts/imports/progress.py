"""An import's progress while it runs, as the screens and the API show it
(``live_progress``).

The run applies every row in one transaction, which commits all of them or nothing
(``run``). On PostgreSQL it commits its progress to the import's row meanwhile, through a
second connection. On SQLite that transaction holds the database's write lock from the
first chunk to the last, so nobody can commit anything until it ends, the progress
included: the run writes its progress to a small file of the attempt instead (``note``),
which ``live_progress`` reads while the import runs. SQLite's web and worker share one
machine, and so one folder.
"""

import os
from pathlib import Path

from django.conf import settings

from pregon.contacts.models import Import, ImportStatus


def live_progress(imp: Import) -> Import:
    """``imp``, with the rows its run has checked so far if the run notes them in a file.

    The one reading of an import's progress for the screens and the API."""
    if imp.status == ImportStatus.RUNNING:
        for name, value in noted(imp).items():
            setattr(imp, name, value)
    return imp


def noted(imp: Import) -> dict[str, int]:
    """The progress that the run of ``imp``'s current attempt noted in its file, as the
    import's fields: empty if there is no such file (on PostgreSQL, or before the first
    chunk)."""
    try:
        processed, rejected = _path(imp).read_text().split()
    except (FileNotFoundError, ValueError):
        return {}
    return {"processed_rows": int(processed), "rejected_count": int(rejected)}


def note(imp: Import, processed_rows: int, rejected_count: int) -> None:
    """Write the progress of ``imp``'s current attempt to its file, replacing the file
    whole, so that a reader never sees half of it."""
    path = _path(imp)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = path.with_suffix(".new")
    written.write_text(f"{processed_rows} {rejected_count}")
    os.replace(written, path)


def forget(imp: Import) -> None:
    """Delete the progress file of ``imp``'s current attempt, when its run is over."""
    _path(imp).unlink(missing_ok=True)


def _path(imp: Import) -> Path:
    # One file per attempt, as the report: a stale worker never writes over the progress
    # of the attempt that replaced it.
    return Path(settings.MEDIA_ROOT) / f"imports/progress/{imp.code}-{imp.attempts}.txt"
