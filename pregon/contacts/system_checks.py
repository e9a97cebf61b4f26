"""A database check: PostgreSQL must keep text as UTF-8.

Segment text rules fold accents in SQL (``segments.sql.Fold``), skipping the work for
values whose bytes are all characters, which holds for plain ASCII only in UTF-8. A
database made in SQL_ASCII (what ``createdb`` gives on a server set up under the C locale)
or LATIN1 would match "Junín" with neither "junin" nor "Junín". ``migrate`` runs database
checks, so an install stops there, with this message, before anything is stored.
"""

from django.core.checks import Error, Tags, register
from django.db import connections


@register(Tags.database)
def check_text_encoding(
    app_configs: object, databases: list[str] | None = None, **kwargs: object
) -> list[Error]:
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_encoding")
            (encoding,) = cursor.fetchone()
        if encoding.replace("-", "").upper() != "UTF8":
            errors.append(
                Error(
                    f"The PostgreSQL database {connection.settings_dict['NAME']!r} keeps text as "
                    f"{encoding}, not UTF-8: accents in names and custom fields would be stored "
                    "or compared wrongly.",
                    hint="Make it again with: createdb --encoding UTF8 --locale C.UTF-8 "
                    "--template template0 --owner pregon pregon (docs/manual/instalacion.md).",
                    id="pregon.E020",
                )
            )
    return errors
