"""An index for each custom field on PostgreSQL, on the very expression its segment rules
compile to, so that "city is Lima" reads an index instead of every contact's JSON.

A field's index is made with the field (``Field.save``) and dropped with it
(``Field.delete``); migration ``contacts/0010`` made those of the fields that existed. It
serves a text field's "is" (the folded value, ``Fold``), and a number's or a date's
comparisons. Other operators ("contains", "is empty") still read every contact.

SQLite has none: an index on ``pregon_fold`` would need that function in every program that
writes to the file, and the targets are PostgreSQL's.

Such an index finds the contacts but cannot name them alone: PostgreSQL plans an
index-only scan only when every column the query uses is in the index, and the rule uses
``attributes``. So a count with a field rule still reads the rows the index points at,
which for a value a fifth of the contacts have is every page of the table (26,000 at a
million): most of such a count's time. An index with the id added would spare only a sort
of ids already nearly in order, and the planner does not choose it (docs/benchmarks.md,
"Segments (issue 19, fourth round)").
"""

from django.db import connection
from django.db.models import Expression, Index

from pregon.contacts.models import Contact, Field, FieldType
from pregon.contacts.segments.sql import Fold, JsonValue


def field_expression(field: Field) -> Expression | None:
    """What rules on ``field`` compare, as ``query.COMPILERS`` builds it; None for yes/no
    fields, which are not worth an index (three values)."""
    if field.type == FieldType.TEXT:
        return Fold(JsonValue(field.key, "text"))
    if field.type == FieldType.NUMBER:
        return JsonValue(field.key, "number")
    if field.type == FieldType.DATE:
        return JsonValue(field.key, "text")
    return None


def field_index(field: Field) -> Index | None:
    """The index of ``field`` (named by its id: keys can be longer than a name may be)."""
    expression = field_expression(field)
    if expression is None:
        return None
    return Index(expression, name=f"contacts_field_{field.pk}")


def add_field_index(field: Field) -> None:
    """Create ``field``'s index on PostgreSQL (a few seconds on a million contacts, which
    wait meanwhile to be written); nothing on SQLite."""
    index = field_index(field)
    if index is not None and connection.vendor == "postgresql":
        with connection.schema_editor() as editor:
            editor.add_index(Contact, index)


def remove_field_index(field: Field) -> None:
    """Drop ``field``'s index, if it has one."""
    index = field_index(field)
    if index is not None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP INDEX IF EXISTS "{index.name}"')
