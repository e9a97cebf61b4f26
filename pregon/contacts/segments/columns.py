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

The column and its index are made with the field (``Field.save``) and dropped with it
(``Field.delete``); a field's key and type never change. Adding a stored column rewrites
the contacts' table (seconds at a million contacts, during which it waits to be read or
written). Rules read the column through ``Stored``; yes/no fields have none (three values:
an index would not narrow a count), and neither has SQLite, where ``Stored`` computes the
expression (an index on ``pregon_fold`` would need that function in every program that
writes to the file, and the targets are PostgreSQL's).

Nothing else sees the columns: the ORM names the columns it reads and writes, as the
imports' and bulk SQL do, and ``pg_dump`` dumps a generated column's definition, not its
values.
"""

from typing import Any

from django.db import connection, transaction
from django.db.models import Expression
from django.db.models.sql import Query

from pregon.contacts.models import Contact, Field, FieldType
from pregon.contacts.segments.sql import Fold, JsonValue

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


def add_field_column(field: Field, editor: Any = None) -> None:
    """Give ``field`` its column and index on PostgreSQL (through ``editor``, a schema
    editor, if given); nothing on SQLite."""
    column = field_column(field)
    if column is None or connection.vendor != "postgresql":
        return
    if editor is None:
        with connection.schema_editor() as editor:
            add_field_column(field, editor)
        transaction.on_commit(vacuum_contacts)
        return
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
