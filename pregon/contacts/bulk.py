"""Changes to many contacts at once: the bulk actions of the contact list, tag renames and
merges, and custom field removal.

The functions work on a queryset of contacts (a selection, or everything matching a filter,
possibly 1,000,000 rows) with set-based statements over chunks of ids, so memory stays flat
however many contacts match. Callers wrap them in ``transaction.atomic``.
"""

from collections.abc import Iterator
from typing import Any

from django.db import NotSupportedError, connections
from django.db.models import (
    CASCADE,
    SET_NULL,
    DateTimeField,
    F,
    Func,
    JSONField,
    Model,
    QuerySet,
    Value,
)
from django.utils import timezone

from pregon.contacts import changes
from pregon.contacts.models import Contact, Field, MailingList, Status, Subscription, Tag
from pregon.lib import events

CHUNK_SIZE = 2000

ContactTag = Contact.tags.through


def id_chunks(contacts: QuerySet[Contact], size: int = CHUNK_SIZE) -> Iterator[list[int]]:
    """Yield the ids of ``contacts`` in lists of at most ``size``, newest first.

    Keyset pagination on the primary key: each chunk is a fresh indexed query, so nothing
    holds a cursor open on a table that the caller may change between chunks.
    """
    ids = contacts.order_by("-id").values_list("id", flat=True)
    last = None
    while True:
        chunk = list((ids if last is None else ids.filter(id__lt=last))[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def insert_missing(model: type[Model], columns: list[str], rows: QuerySet) -> list[int]:
    """Insert the rows that ``rows`` (a ``values_list`` of ``columns``) selects into
    ``model``'s table, skipping any that a unique constraint already holds; return the
    first column (the contact's id) of each row inserted.

    One ``INSERT … SELECT`` runs inside the database, so a million rows never pass through
    Python: ``bulk_create`` would build, send and check each of them. Only the inserted
    rows' ids come back (RETURNING), for the events that announce them.
    """
    connection = connections[rows.db]
    select, params = rows.query.get_compiler(connection=connection).as_sql()
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    # SQLite needs a WHERE clause between INSERT … SELECT and ON CONFLICT to parse them.
    # Table and column names come from the models, values only travel as parameters.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({names}) "  # noqa: S608
        f"SELECT * FROM ({select}) AS selected WHERE true ON CONFLICT DO NOTHING "
        f"RETURNING {quote(columns[0])}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def add_to_list(contacts: QuerySet[Contact], mailing_list: MailingList) -> int:
    """Subscribe ``contacts`` to ``mailing_list``; return how many joined it (members
    already in it are left alone)."""
    joined = 0
    at = Value(timezone.now(), output_field=DateTimeField())
    for chunk in id_chunks(contacts):
        rows = Contact.objects.filter(id__in=chunk).values_list("id", Value(mailing_list.id), at)
        ids = insert_missing(Subscription, ["contact_id", "mailing_list_id", "created_at"], rows)
        changes.announce(events.LIST_JOINED, ids, list=mailing_list.id)
        joined += len(ids)
    return joined


def remove_from_list(contacts: QuerySet[Contact], mailing_list: MailingList) -> int:
    """Take ``contacts`` out of ``mailing_list``; return how many memberships ended."""
    deleted, _ = Subscription.objects.filter(
        mailing_list=mailing_list, contact__in=contacts.order_by().values("id")
    ).delete()
    return deleted


def add_tag(contacts: QuerySet[Contact], tag: Tag) -> int:
    """Put ``tag`` on ``contacts``; return how many got it (contacts that had it are left
    alone)."""
    tagged = 0
    for chunk in id_chunks(contacts):
        rows = Contact.objects.filter(id__in=chunk).values_list("id", Value(tag.id))
        ids = insert_missing(ContactTag, ["contact_id", "tag_id"], rows)
        changes.announce(events.TAG_ADDED, ids, tag=tag.id)
        tagged += len(ids)
    return tagged


def unsubscribe(contacts: QuerySet[Contact]) -> int:
    """Mark the subscribed among ``contacts`` as unsubscribed; return how many changed.

    Bounced and complained contacts keep their status: it says more than "unsubscribed".
    """
    changed = 0
    for chunk in id_chunks(contacts.filter(status=Status.SUBSCRIBED)):
        changed += Contact.objects.filter(id__in=chunk, status=Status.SUBSCRIBED).update(
            status=Status.UNSUBSCRIBED, updated_at=timezone.now()
        )
        changes.announce(events.CONTACT_UNSUBSCRIBED, chunk)
    return changed


def dependent_tables() -> set[type[Model]]:
    """The models whose rows point at a contact (reverse relations, hidden ones included)."""
    return {relation.related_model for relation in _reverse_relations()}


def _reverse_relations() -> list:
    return [
        relation
        for relation in Contact._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete
    ]


def _kept_on_delete() -> list[tuple[type[Model], str]]:
    """(model, field) of the rows that outlive their contact with the field set to NULL,
    such as a sent message, whose record the reports keep."""
    return _relations_with(SET_NULL)


def _deleted_with_contact() -> list[tuple[type[Model], str]]:
    """(model, field) of the rows that go with their contact: list memberships, tags, a
    workflow's runs and steps."""
    return _relations_with(CASCADE)


def _relations_with(on_delete: Any) -> list[tuple[type[Model], str]]:
    return [
        (relation.related_model, relation.field.name)
        for relation in _reverse_relations()
        if relation.on_delete is on_delete
    ]


def delete_contacts(contacts: QuerySet[Contact]) -> int:
    """Delete ``contacts`` with the rows that go with them; return how many.

    Set-based, a chunk of ids at a time: a DELETE per table of rows that go with the
    contact (Django deletes a table with nothing depending on it, such as list memberships,
    in one statement, and cascades the others), and an UPDATE for each table whose rows keep
    a NULL instead (messages sent to the contact). Django's ``delete()`` on the contacts
    would instead load and cascade each contact in Python (about 85 µs a contact, so 85 s
    for a million). Raises NotSupportedError if some table points at contacts in another
    way (PROTECT, say): this function must then be taught what happens to its rows.
    """
    kept = _kept_on_delete()
    deleted = _deleted_with_contact()
    unknown = dependent_tables() - {model for model, _ in kept + deleted}
    if unknown:
        raise NotSupportedError(f"delete_contacts() does not know {unknown}.")
    count = 0
    for chunk in id_chunks(contacts):
        for model, field in deleted:
            model.objects.filter(**{f"{field}__in": chunk}).delete()
        for model, field in kept:
            model.objects.filter(**{f"{field}__in": chunk}).update(**{field: None})
        # _raw_delete is the single DELETE that Django's own collector issues once it knows
        # nothing cascades further; the statements above made that so.
        count += Contact.objects.filter(id__in=chunk)._raw_delete(contacts.db)
    return count


def merge_tag(source: Tag, target: Tag) -> None:
    """Give ``target`` to every contact tagged ``source``, then delete ``source``."""
    tagged = Contact.objects.filter(tags=source)
    add_tag(tagged, target)
    source.delete()


def rename_tag(tag: Tag, name: str) -> Tag:
    """Rename ``tag`` to ``name``; if another tag has that name already (in any case), merge
    ``tag`` into it. Return the tag that has the name now."""
    target = Tag.objects.filter(name__iexact=name).exclude(pk=tag.pk).first()
    if target is None:
        tag.name = name
        tag.save(update_fields=["name"])
        return tag
    merge_tag(tag, target)
    return target


class RemoveKey(Func):
    """A JSON object without one key: ``-`` on PostgreSQL's jsonb, JSON_REMOVE on SQLite."""

    output_field = JSONField()

    def __init__(self, expression: str, key: str) -> None:
        super().__init__(F(expression))
        self.key = key

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        raise NotSupportedError(f"RemoveKey is not implemented for {connection.vendor}.")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} - %s::text)", [*params, self.key]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        sql, params = compiler.compile(self.source_expressions[0])
        # Keys are slugs (letters, digits, underscores), so quoting them in the path is safe.
        return f"JSON_REMOVE({sql}, %s)", [*params, f'$."{self.key}"']


def remove_attribute(key: str) -> int:
    """Remove the custom field ``key`` from every contact; return how many had a value."""
    return Contact.objects.filter(attributes__has_key=key).update(
        attributes=RemoveKey("attributes", key)
    )


def delete_field(field: Field) -> int:
    """Delete the custom field ``field`` and every contact's value in it; return how many
    contacts had a value."""
    # The field's column first (segments.columns): the values' removal then rewrites no
    # entry of its index.
    field.delete()
    return remove_attribute(field.key)
