"""The foreign keys of an import's list memberships and tags, checked once, not per row.

PostgreSQL checks a foreign key with a row trigger: at COMMIT (Django's keys are
``DEFERRABLE INITIALLY DEFERRED``), one ``SELECT … FOR KEY SHARE`` of the referenced row per
key of each new row. A membership and a tag have two keys each, so an import of a million
contacts into a list with a tag ran four million such queries, half of what PostgreSQL did
for the whole import. ``checked_once`` does the same work with a few set-based statements:
it locks the list and the tags as those queries would, the caller locks the contacts in
the statement that finds them (``sql.find_contact_ids(lock=True)``), and the membership
inserts run with ``session_replication_role = replica``, which leaves the key triggers out.

That setting is the superuser's, or a role's after ``GRANT SET ON PARAMETER
session_replication_role TO <role>`` (PostgreSQL 15). Without it, on SQLite, or if anyone
has put triggers of their own on those tables (replica mode would silence them too), the
keys are checked per row as before.
"""

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction

from pregon.contacts.models import Contact, MailingList, Subscription, Tag

SUBSCRIPTION = Subscription._meta.db_table
CONTACT_TAG = Contact.tags.through._meta.db_table


@contextlib.contextmanager
def checked_once(cursor: Any, list_id: int | None, tag_ids: list[int]) -> Iterator[bool]:
    """Yield whether the membership inserts inside run without per-row key checks.

    If it yields True, the list and tags are locked, and the caller must lock the contacts
    it links (``FOR KEY SHARE``) before inserting. On leaving, the triggers are back on.
    An error inside rolls the transaction back, and the setting with it.
    """
    if not _may_skip_key_triggers(cursor):
        yield False
        return
    _lock(cursor, MailingList._meta.db_table, [list_id] if list_id else [])
    _lock(cursor, Tag._meta.db_table, tag_ids)
    yield True
    cursor.execute("SET LOCAL session_replication_role = origin")


def _may_skip_key_triggers(cursor: Any) -> bool:
    if connection.vendor != "postgresql":
        return False
    cursor.execute(
        "SELECT count(*) FROM pg_trigger"
        " WHERE NOT tgisinternal AND tgrelid IN (%s::regclass, %s::regclass)",
        [SUBSCRIPTION, CONTACT_TAG],
    )
    if cursor.fetchone()[0]:
        return False
    try:
        # SET LOCAL lasts until the transaction ends, savepoint released or not.
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:  # Not allowed for this role.
        return False
    return True


def _lock(cursor: Any, table: str, ids: list[int]) -> None:
    """Lock rows that new rows will point to, as a key check would; they must all exist."""
    if not ids:
        return
    cursor.execute(
        f"SELECT id FROM {table} WHERE id = ANY(%s) FOR KEY SHARE",  # noqa: S608
        [ids],
    )
    if len(cursor.fetchall()) != len(set(ids)):
        raise IntegrityError(f"{table}: a row the import links to was deleted")
