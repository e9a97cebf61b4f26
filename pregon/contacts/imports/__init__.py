"""Contact imports from CSV and XLSX files: upload, column mapping and the background run.

The package's modules, in the order an import goes through them:

- ``mapping``: the upload, its preview and the column mapping, and ``start_import``;
- ``rows``: reading the file row by row and checking each row against the mapping;
- ``run``: the background run (``run_import``): check the rows and apply them, chunk by
  chunk, in one transaction, under a lease of the import's row;
- ``progress``: the run's progress as the screens and the API show it (``live_progress``);
- ``sql``: the set-based statements of the run, one small function per statement;
- ``keys``: the foreign keys of the run's list memberships and tags, checked once on
  PostgreSQL instead of once per row, where the database role may;
- ``reaper``: ``reap_stale_imports``, which requeues imports whose worker died.
- ``forms``: the import screens' forms (upload, options and mapping, a new field).

Callers use the functions below, as ``imports.start_import(...)``.
"""

from pregon.contacts.imports.mapping import (
    create_import,
    last_list,
    original_of,
    preview,
    start_import,
    suggest_mapping,
    target_choices,
)
from pregon.contacts.imports.progress import live_progress
from pregon.contacts.imports.reaper import reap_stale_imports
from pregon.contacts.imports.rows import FIELD_PREFIX
from pregon.contacts.imports.run import LEASE, run_import

__all__ = [
    "FIELD_PREFIX",
    "LEASE",
    "create_import",
    "last_list",
    "live_progress",
    "original_of",
    "preview",
    "reap_stale_imports",
    "run_import",
    "start_import",
    "suggest_mapping",
    "target_choices",
]
