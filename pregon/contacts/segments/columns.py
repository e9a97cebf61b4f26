"""A column for each custom field on PostgreSQL, holding what its segment rules compare,
with an index, so that "city is Lima" reads an index alone instead of every contact.

Each text, number or date field gets a stored generated column of ``contacts_contact``
(``field_<id>``: keys can be longer than a name may be), computed by PostgreSQL from
``attributes`` whenever a row is written: ``GENERATED ALWAYS AS (…) STORED`` over
``field_expression``, the very SQL a rule compiled to before there was a column (a text
field's value folded, ``Fold``; a number's or a date's as ``JsonValue`` reads it). Its index
is ``(column, id, status)``: a count reads the contacts of a value from the index alone,
already in id order, checks the status (which most segments name) in the same entries, and
merges the ids with the lists' and tags'. (With the status before the id, a count without
one sorted the ids of the value: 15-20 ms of a "city is Lima" among a million.) The entries
also carry the contact's creation date (``INCLUDE (created_at)``, not ordered by it), so
"created in the last N days" next to a field's rule is checked in them too, not in every
row the value names (status, city and "created in the last year": 172 → 23 ms of CPU,
docs/benchmarks.md, "seg2"). An index on the expression alone could not do that:
PostgreSQL plans an index-only scan only when every column the query uses is in the index,
and the expression uses ``attributes``, so such a count read every page of the contacts
(docs/design.md, "Custom fields as columns").

The column and its index come with the field (``prepare_field_column``, from
``Field.save``) and are dropped with it (``Field.delete``); a field's key and type never
change. Adding a stored column rewrites the contacts' table, which meanwhile waits to be
read or written: under a second for the few contacts of ``FIELD_COLUMN_INLINE_CONTACTS``,
done in the request that creates the field, but about 16 s at a million contacts, longer
than a web server waits for a request, so a larger table gets it from a background task
(``build_field_column``). Until the column is there (``Field.column_ready``), the field's
rules compute its value from ``attributes``: the same answers, only slower. Rules read the
column through ``Stored``; yes/no fields have none (three values: an index would not narrow
a count), and neither has SQLite, where ``Stored`` computes the expression (an index on
``pregon_fold`` would need that function in every program that writes to the file, and the
targets are PostgreSQL's).

Nothing else sees the columns: the ORM names the columns it reads and writes, as the
imports' and bulk SQL do, and ``pg_dump`` dumps a generated column's definition, not its
values.
"""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Expression
from django.db.models.sql import Query
from django.utils import timezone

from pregon.contacts.models import Contact, Field, FieldType
from pregon.contacts.segments.sql import Fold, JsonValue

log = logging.getLogger(__name__)

# How long the task waits for the contacts' table to itself: every read and write of
# contacts queues behind an ALTER that waits (for an import's transaction, say), so it
# gives up soon and tries again later.
LOCK_WAIT = "2s"
RETRY_AFTER = datetime.timedelta(minutes=1)
LOCK_NOT_AVAILABLE = "55P03"
# "tables can have at most 1600 columns": dropped columns count too, so a database that has
# made about 1,570 fields in its life has no room for another column.
PROGRAM_LIMIT_EXCEEDED = "54011"

# A column's SQL type for each field type that has one.
COLUMN_TYPES = {
    FieldType.TEXT: "text",
    FieldType.NUMBER: "double precision",
    FieldType.DATE: "text",
}


def field_expression(key: str, field_type: str) -> Expression:
    """What the rules on a text, number or date field of ``key`` and ``field_type``
    compare (a text field's value folded), as its column stores it."""
    if field_type == FieldType.TEXT:
        return Fold(JsonValue(key, "text"))
    if field_type == FieldType.NUMBER:
        return JsonValue(key, "number")
    return JsonValue(key, "text")


def field_column(field: Field) -> str | None:
    """The name of ``field``'s column; None for yes/no fields, which have none."""
    return f"field_{field.pk}" if field.type in COLUMN_TYPES else None


def field_index_name(field: Field) -> str:
    """The name of ``field``'s index (on its column; on its expression before
    ``contacts/0013``)."""
    return f"contacts_field_{field.pk}"


def ready_column(field: Field) -> str | None:
    """The column ``field``'s rules read, if it has one and it is built."""
    return field_column(field) if field.column_ready else None


def prepare_field_column(field: Field) -> None:
    """Give a new ``field`` its column, in the transaction that creates it (PostgreSQL, a
    field that has one): at once if contacts are few and free within ``LOCK_WAIT``, else
    from a background task."""
    if field_column(field) is None or connection.vendor != "postgresql":
        return
    if not (_contacts_at_most(settings.FIELD_COLUMN_INLINE_CONTACTS) and _added(field)):
        _enqueue_build(field.pk)


def build_field_column(field_id: int) -> None:
    """Add the column of the field ``field_id`` and mark it ready, then vacuum contacts
    (the background task's work). Nothing if the field is gone or has its column; if
    contacts stay busy for ``LOCK_WAIT``, nothing either, and the task comes again
    ``RETRY_AFTER``."""
    with transaction.atomic():
        # Locked until the commit: a second task waits and then finds the column ready,
        # and the field's deletion waits for the column to drop it.
        field = Field.objects.select_for_update().filter(pk=field_id, column_ready=False).first()
        if field is None:
            return
        if not _added(field):
            log.info("field %s: contacts busy, its column comes later", field_id)
            _enqueue_build(field_id, after=RETRY_AFTER)


def _added(field: Field) -> bool:
    """Add ``field``'s column and index and mark it ready, in a savepoint, and vacuum the
    contacts once the transaction commits; False, with nothing done, if another
    transaction keeps the contacts for ``LOCK_WAIT``.

    True, with nothing done and the field left without a column for good, if contacts have
    no room for another column: its rules go on computing the value from ``attributes``
    (the same answers, slower), and the warning in the log says why."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        [waited] = cursor.fetchone()
        try:
            with connection.schema_editor() as editor:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_WAIT])
                add_field_column(field, editor)
        except OperationalError as error:
            sqlstate = getattr(error.__cause__, "sqlstate", None)
            if sqlstate == PROGRAM_LIMIT_EXCEEDED:
                log.warning(
                    "field %s: contacts have no room for another column (PostgreSQL allows"
                    " 1,600, dropped ones included); its rules read the values from the"
                    " contacts' attributes. A dump and restore of the database frees them.",
                    field.pk,
                )
                return True
            if sqlstate != LOCK_NOT_AVAILABLE:
                raise
            return False
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [waited])
    Field.objects.filter(pk=field.pk).update(column_ready=True)
    field.column_ready = True
    transaction.on_commit(vacuum_contacts)
    return True


def _contacts_at_most(limit: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {Contact._meta.db_table} LIMIT %s) AS c",  # noqa: S608
            [limit + 1],
        )
        return cursor.fetchone()[0] <= limit


def _enqueue_build(field_id: int, after: datetime.timedelta | None = None) -> None:
    # Imported here: the contacts' tasks import the imports, which import this package.
    from pregon.contacts.tasks import build_field_column as task

    if after is not None:
        task = task.using(run_after=timezone.now() + after)
    task.enqueue(field_id)


def add_field_column(field: Field, editor: Any) -> None:
    """Give ``field`` its column and index through ``editor``, a schema editor on
    PostgreSQL (a field that has a column)."""
    column = field_column(field)
    table = Contact._meta.db_table
    query = Query(Contact, alias_cols=False)
    compiler = query.get_compiler(connection=editor.connection)
    expression = field_expression(field.key, field.type).resolve_expression(
        query, allow_joins=False
    )
    sql, params = compiler.compile(expression)
    generated = sql % tuple(editor.quote_value(param) for param in params)
    quote = editor.quote_name
    _check_deferred_constraints()
    editor.execute(
        f"ALTER TABLE {quote(table)} ADD COLUMN {quote(column)}"
        f" {COLUMN_TYPES[field.type]} GENERATED ALWAYS AS ({generated}) STORED"
    )
    add_field_index(field, editor)


def add_field_index(field: Field, editor: Any) -> None:
    """Index ``field``'s column (which it must have) through ``editor``, a schema editor."""
    quote = editor.quote_name
    editor.execute(
        f"CREATE INDEX {quote(field_index_name(field))} ON {quote(Contact._meta.db_table)}"
        f" ({quote(field_column(field))}, id, status) INCLUDE (created_at)"
    )


def remove_field_column(field: Field) -> None:
    """Drop ``field``'s column and its index, if it has them."""
    column = field_column(field)
    if column is not None and connection.vendor == "postgresql":
        _check_deferred_constraints()
        with connection.cursor() as cursor:
            quote = connection.ops.quote_name
            cursor.execute(
                f"ALTER TABLE {quote(Contact._meta.db_table)} DROP COLUMN IF EXISTS {quote(column)}"
            )


def _check_deferred_constraints() -> None:
    """Check now the foreign keys that rows written earlier in this transaction wait to
    have checked at its commit: PostgreSQL alters no table with such checks pending."""
    connection.check_constraints()


def vacuum_contacts() -> None:
    """Vacuum and analyse the contacts, outside any transaction (0.4 s at a million).

    Adding a column rewrites the table, and the copy starts with an empty visibility map:
    until a vacuum marks its pages all-visible again, every index-only scan of contacts
    (the status, the last open, the fields' columns) reads the rows it names, and the
    planner, knowing it, turns to plans that read them all (a count of a tag, a city and
    "not in a list": 110 → 420 ms). Autovacuum would come only after enough rows change.
    The new column also has no statistics until an analyse."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(Contact._meta.db_table)}")
