"""SQL that segment rules need and that reads the same on SQLite and PostgreSQL: a custom
field's value out of ``Contact.attributes`` (``JsonValue``) and text without accents or
case (``Fold``)."""

import json
from typing import Any

from django.db.models import BooleanField, Expression, F, FloatField, Func, TextField, Value
from django.db.models.expressions import Col


class JsonValue(Func):
    """``Contact.attributes[key]`` as SQL text, number or boolean, on SQLite and PostgreSQL.

    A number or yes/no read finds NULL where the stored value has another JSON type (say, a
    string kept from before the field's type changed), so such a contact simply does not
    match; a plain ``Cast`` would make PostgreSQL abort the whole query instead. Keys are
    passed as parameters and never parsed as lookups, so any slug works as a key.
    """

    OUTPUT = {"text": TextField, "number": FloatField, "bool": BooleanField}

    def __init__(self, key: str, json_type: str) -> None:
        super().__init__(F("attributes"), output_field=self.OUTPUT[json_type]())
        self.key = key
        self.json_type = json_type

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        column, params = compiler.compile(self.source_expressions[0])
        path = "$." + json.dumps(self.key)
        if self.json_type == "number":
            sql = (
                f"(CASE WHEN JSON_TYPE({column}, %s) IN ('integer', 'real')"
                f" THEN JSON_EXTRACT({column}, %s) END)"
            )
            return sql, [*params, path, *params, path]
        if self.json_type == "bool":
            sql = f"(CASE JSON_TYPE({column}, %s) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)"
            return sql, [*params, path]
        return f"JSON_EXTRACT({column}, %s)", [*params, path]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        column, params = compiler.compile(self.source_expressions[0])
        if self.json_type == "text":
            return f"({column} ->> %s)", [*params, self.key]
        json_type, cast = {
            "number": ("number", "double precision"),
            "bool": ("boolean", "boolean"),
        }[self.json_type]
        sql = (
            f"(CASE WHEN jsonb_typeof({column} -> %s) = '{json_type}'"
            f" THEN ({column} ->> %s)::{cast} END)"
        )
        return sql, [*params, self.key, *params, self.key]


# Accented letters as Spanish, Portuguese and French write them, upper and lower case, and
# the plain letter each folds to. Our constants, never user text: PostgreSQL gets them as
# literals in the SQL.
FOLD_FROM = "áàâäãåÁÀÂÄÃÅéèêëÉÈÊËíìîïÍÌÎÏóòôöõÓÒÔÖÕúùûüÚÙÛÜñÑçÇýÿÝ"
FOLD_TO = "aaaaaaaaaaaaeeeeeeeeiiiiiiiioooooooooouuuuuuuunnccyyy"
FOLD_TABLE = str.maketrans(FOLD_FROM, FOLD_TO)
SQLITE_FOLD = "pregon_fold"


def fold(text: str | None) -> str | None:
    """``text`` without accents and in lower case: "Junín" -> "junin". SQLite calls this."""
    return None if text is None else str(text).translate(FOLD_TABLE).lower()


def register_sqlite_fold(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give each new SQLite connection the ``pregon_fold`` function that ``Fold`` calls."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FOLD, 1, fold, deterministic=True)


class Fold(Func):
    """Text with accents removed and in lower case, so that "Junin" matches "Junín" and
    "LIMA" matches "Lima", on SQLite and PostgreSQL alike.

    PostgreSQL's ``unaccent`` needs an extension that only a superuser may create, and
    SQLite has nothing of the kind: PostgreSQL uses ``translate`` and SQLite our ``fold``,
    over the same table of letters (see docs/design.md).
    """

    output_field = TextField()

    def __init__(self, expression: Expression | str) -> None:
        if isinstance(expression, str):
            expression = Value(expression)
        super().__init__(expression)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{SQLITE_FOLD}({sql})", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        # TRANSLATE is most of a count's time (6 µs a value: each character is looked for
        # in the 53 of FOLD_FROM), and it changes nothing in plain ASCII, which most values
        # are: as many bytes as characters. Nor does LOWER need the database's collation
        # there, whose case mapping goes character by character through the C library (a
        # third of "email contains" on a million contacts): in collation "C" it maps A-Z
        # alone, which is all plain ASCII has, and the result goes back to the default
        # collation, so that it compares, and uses indexes, as before. The result is the
        # same either way, and Python's (SQLite's) too, in every character type but the
        # Turkic ones, where the database's LOWER('I') is a dotless i (U+0131; there a custom
        # field's column made before this SQL could miss an "I" that a rule folds now: a
        # database we do not expect, and the column's values are what SQLite gives). The
        # custom fields' columns (segments.columns) store this SQL as it was when each was
        # made.
        sql, params = compiler.compile(self.source_expressions[0])
        translated = f"TRANSLATE({sql}, '{FOLD_FROM}', '{FOLD_TO}')"
        return (
            f"CASE WHEN OCTET_LENGTH({sql}) = CHAR_LENGTH({sql})"
            f' THEN LOWER({sql} COLLATE "C") COLLATE "default" ELSE LOWER({translated}) END',
            [*params, *params, *params, *params],
        )


class Stored(Func):
    """``expression`` as the contacts' stored generated column ``column`` holds it
    (``segments.columns``): that column on PostgreSQL, where it has an index, and the
    expression itself on SQLite, which has no such column."""

    def __init__(self, expression: Expression, column: str) -> None:
        super().__init__(expression, output_field=expression.output_field)
        self.column = column

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        # The contacts' table as this query names it: the alias of the column the
        # expression reads (``attributes``), which follows the query's relabelling.
        read = next(part for part in self.flatten() if isinstance(part, Col))
        table = compiler.quote_name_unless_alias(read.alias)
        return f"{table}.{connection.ops.quote_name(self.column)}", []
