"""The set-based SQL of an import's run: one small function per statement and database.

Each chunk of checked rows, each with the code its contact will get (``AscendingCodes``),
is first inserted as new contacts (``insert_all_new``). If some of its addresses are
contacts' already, it goes to a temporary staging table (``staging_table``,
``stage_rows``), and the general statements merge it into contacts; list memberships and
tags follow. The table and column names in these statements come from our own models,
never from users, so the f-strings below cannot inject anything.

The statements write in ascending order of every index they can: contacts in row order
with ascending codes, memberships and tags in ascending contact id. An index that grows at
its right end costs a fraction of one that takes keys at random places (PostgreSQL caches
the rightmost leaf; SQLite's page cache keeps the few pages being written).
"""

import contextlib
import json
import os
from collections.abc import Iterator
from typing import Any

from django.db import IntegrityError, connection, transaction

from pregon.contacts.imports import binary
from pregon.contacts.models import ConsentSource, Contact, Status, Subscription

CONTACT = Contact._meta.db_table
SUBSCRIPTION = Subscription._meta.db_table
CONTACT_TAG = Contact.tags.through._meta.db_table
STAGING = "import_staging"
# The ids of the staged rows' contacts, found once for the list and every tag.
STAGED_IDS = "import_contact_ids"

# The contacts' columns a chunk's binary COPY fills (PostgreSQL), in its fields' order,
# into contacts or into staging; a contact's id is drawn by the column's default.
COPIED = (
    "code, email, first_name, last_name, phone, status, attributes, consent_source,"
    " consent_at, consent_text, consent_form, consent_ip_hash, created_at, updated_at"
)
# UUID version 4: these tables set the version nibble and the RFC 4122 variant bits.
UUID_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
UUID_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))
# The first bytes of a code say which slice of an import's rows it belongs to.
SLICE_BYTES = 2
SLICES = 256**SLICE_BYTES


@contextlib.contextmanager
def staging_table() -> Iterator[None]:
    """Create the temporary staging table; drop it at the end, even after an error.

    A temporary table belongs to this connection only: two imports never see each other's
    rows, and a worker that dies takes its table with it.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(f"DROP TABLE IF EXISTS {STAGED_IDS}")
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [CONTACT])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGING} (code uuid, email text, first_name text,"
                " last_name text, phone text, status text, attributes jsonb,"
                " consent_source text, consent_at timestamptz, consent_text text,"
                " consent_form text, consent_ip_hash text, created_at timestamptz,"
                f" updated_at timestamptz, new_id bigint DEFAULT nextval('{sequence}'::regclass))"
            )
        else:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGING} (row_no integer PRIMARY KEY, email text,"
                " first_name text, last_name text, phone text, status text, attributes text,"
                " code text)"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
            cursor.execute(f"DROP TABLE IF EXISTS {STAGED_IDS}")


def staged(
    rows: list[tuple], codes: list[str], at: object, consent_text: str
) -> bytes | list[tuple]:
    """Checked rows (row_no, email, first, last, phone, status, attributes), each with the
    code its contact will get if it is new (32 hex digits), as ``insert_all_new`` and
    ``stage_rows`` take them.

    On PostgreSQL, the new contacts' rows in ``COPY``'s binary format, with the import's
    consent and ``at`` (``binary.contacts``), built by the forked process that checks the
    rows (``run``) so that the worker only passes them on. On SQLite the rows, each with
    its code, and each repeated name or custom fields' value one object: ``marshal``
    (``lib.forked``) then writes it once per chunk and refers back to it, so the worker
    reads it once (and encodes one with accents to UTF-8 once): about 0.5 s less of the
    worker's CPU for the benchmark's million rows, and less of the child's too."""
    if connection.vendor == "postgresql":
        return binary.contacts(rows, codes, at, consent_text)
    same = {}.setdefault
    return [
        (n, email, same(first, first), same(last, last), phone, status, same(attrs, attrs), code)
        for (n, email, first, last, phone, status, attrs), code in zip(rows, codes, strict=True)
    ]


def stage_rows(cursor: Any, rows: bytes | list[tuple]) -> None:
    """Put rows that ``staged`` prepared in the staging table, emptied first.

    On PostgreSQL each row also gets the id its contact will have if it is new, drawn
    from the contacts' own sequence as it is copied (the staging table's default). Ids
    that end up unused (the row's contact existed) are gaps, as a rolled-back insert
    leaves: ids are unique and ascending, never dense. On SQLite, which has no sequence
    to draw from, the apply's insert numbers the contacts.
    """
    if connection.vendor == "postgresql":
        cursor.execute(f"TRUNCATE {STAGING}")
        with cursor.cursor.copy(f"COPY {STAGING} ({COPIED}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(rows)
    else:
        cursor.execute(f"DELETE FROM {STAGING}")  # noqa: S608
        # Django stores a UUID in SQLite as 32 hex digits.
        cursor.executemany(
            f"INSERT INTO {STAGING} VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
            rows,
        )


class AscendingCodes:
    """Random version-4 UUIDs for an import's new contacts, each batch above the last.

    Random codes land at random places in the contacts' unique index of codes, which made
    half the cost of inserting a contact. Here the rows' expected number splits the codes'
    space into ``SLICES`` slices by their first two bytes, and a batch takes the slice for
    the rows read so far: its codes go into one small region of the index, which stays in
    memory, and the regions follow each other. Within a batch the codes are sorted, so the
    rows, staged in file order, insert them in ascending order: each lands beside the one
    before (at the index's right end when no older code is above them), where an unsorted
    batch's codes land anywhere in its slice (PostgreSQL: 0.84 fewer buffer reads a row,
    and 0.8 s less of the server's CPU for a million). A code keeps 106 random bits, still
    far beyond guessing, and sorting them tells nothing about any one of them. A file with
    more rows than expected puts its last batches in the last slice: still unique codes,
    only slower to index.
    """

    def __init__(self, expected_rows: int) -> None:
        self.rows_per_slice = max(expected_rows, 1) / SLICES
        self.taken = 0

    def take(self, count: int) -> list[str]:
        """``count`` codes as 32 hex digits, ascending, above every earlier batch's slice."""
        slice_no = min(int(self.taken / self.rows_per_slice), SLICES - 1)
        self.taken += count
        # Hex digits sort as the bytes do, and so as both engines order the codes.
        return sorted(uuid4_hex(count, first_bytes=slice_no.to_bytes(SLICE_BYTES, "big")))


def uuid4_hex(count: int, first_bytes: bytes = b"") -> list[str]:
    """``count`` random version-4 UUIDs as 32 hex digits, made in bulk from os.urandom,
    each starting with ``first_bytes`` if given."""
    raw = bytearray(os.urandom(16 * count))
    for offset, byte in enumerate(first_bytes):
        raw[offset::16] = bytes((byte,)) * count
    raw[6::16] = raw[6::16].translate(UUID_VERSION_4)
    raw[8::16] = raw[8::16].translate(UUID_VARIANT)
    text = raw.hex()
    return [text[i : i + 32] for i in range(0, 32 * count, 32)]


def prepare_chunked_apply(cursor: Any) -> None:
    """Ready the database for applying the rows chunk by chunk in one transaction.

    On PostgreSQL each chunk's statements look its few thousand addresses up among the
    contacts, which grow by the chunks before it: the planner, whose statistics of
    contacts do not count the rows this transaction added, would hash the whole table for
    every chunk (a cost that grows with each one: 0.3 to 0.7 s a chunk at half a million
    contacts). Without hash and merge joins, each address is looked up in the unique index
    of emails. Then the staging table needs no ``ANALYZE`` either (20 ms a chunk): the
    planner counts its pages, and nested loops over it are the only plans left. SQLite's
    planner looks each address up in that index already.
    """
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")


def unsubscribe_existing(cursor: Any, at: object) -> list[int]:
    """Unsubscribe the subscribed contacts whose row says "unsubscribed"; return their ids.

    A statement of its own, before ``update_existing`` (whose status rule then keeps the
    new status), because that UPDATE cannot tell which rows it moved: SQLite's RETURNING
    sees neither the staging row nor the old status. Here the condition is the change, so
    each id is a contact that left, once.
    """
    cursor.execute(
        f"""
        UPDATE {CONTACT} SET status = %s, updated_at = %s
        WHERE id IN (
            SELECT c.id FROM {STAGING} AS s JOIN {CONTACT} AS c ON c.email = s.email
            WHERE s.status = %s AND c.status = %s
        )
        RETURNING id
        """,  # noqa: S608
        [Status.UNSUBSCRIBED, at, Status.UNSUBSCRIBED, Status.SUBSCRIBED],
    )
    return [row[0] for row in cursor.fetchall()]


def update_existing(cursor: Any, at: object) -> list[int]:
    """Update the contacts already in the database; return their ids.

    Blank cells leave the stored value alone; custom fields are merged key by key. An
    import can move a subscribed contact to another status but never resubscribes one.
    """
    if connection.vendor == "postgresql":
        merge, empty = "c.attributes || s.attributes", "'{}'::jsonb"
    else:
        merge, empty = "json_patch(c.attributes, s.attributes)", "'{}'"
    cursor.execute(
        f"""
        UPDATE {CONTACT} AS c SET
            first_name = CASE WHEN s.first_name = '' THEN c.first_name ELSE s.first_name END,
            last_name = CASE WHEN s.last_name = '' THEN c.last_name ELSE s.last_name END,
            phone = CASE WHEN s.phone = '' THEN c.phone ELSE s.phone END,
            status = CASE WHEN s.status = '' OR c.status != %s THEN c.status ELSE s.status END,
            attributes = CASE WHEN s.attributes = {empty} THEN c.attributes ELSE {merge} END,
            updated_at = %s
        FROM {STAGING} AS s
        WHERE c.email = s.email
        RETURNING id
        """,  # noqa: S608
        [Status.SUBSCRIBED, at],
    )
    return [row[0] for row in cursor.fetchall()]


def count_existing(cursor: Any) -> int:
    """How many staged rows are contacts already in the database.

    They stay in staging: ``insert_new`` leaves them alone, and the list and tags of the
    import still apply to them, as people expect of "add everyone in this file to the list".
    """
    cursor.execute(f"SELECT count(*) FROM {STAGING} WHERE email IN (SELECT email FROM {CONTACT})")  # noqa: S608
    return cursor.fetchone()[0]


class _IdsInterleaved(Exception):
    """Another session drew contacts' ids while a chunk's contacts were copied in."""


def insert_all_new(
    cursor: Any, rows: bytes | list[tuple], count: int, at: object, consent_text: str
) -> list[int] | None:
    """Create a contact of each of the ``count`` rows that ``staged`` prepared, in a
    savepoint, and return their ids; return None, with no contact created and the rows in
    the staging table for the general statements, if the unique index of emails refused
    one of them (the address was a contact's, or another writer added it meanwhile).

    Without looking for existing addresses, this costs the server a tenth less than the
    general ``insert_new`` and the updates before it, and the unique index, which looks
    every address up anyway, tells whether they were all new (against 1.5 to 3 s more to
    look them up first, a chunk at a time, among contacts that the import's own chunks
    keep adding to). On PostgreSQL the rows are copied straight into contacts
    (``_copy_contacts``); on SQLite they are staged and inserted from there.
    """
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic():
                return _copy_contacts(cursor, rows, count)
        except (IntegrityError, _IdsInterleaved):
            stage_rows(cursor, rows)
            return None
    stage_rows(cursor, rows)
    statement, params = _insert_statement(at, consent_text)
    statement = statement.format(new="true", merge="", returning="")
    try:
        with transaction.atomic():
            return _insert_numbered(cursor, statement, params)
    except IntegrityError:
        return None


def _copy_contacts(cursor: Any, rows: bytes, count: int) -> list[int]:
    """Copy ``count`` new contacts' rows (``binary.contacts``) into contacts; return
    their ids, in row order.

    A binary ``COPY`` writes the heap a page at a time and parses no text, and no staging
    table is written and read back: 9.5 to 9.7 against 10.3 to 11.7 s of the server's CPU
    for a million contacts, three alternated pairs (docs/benchmarks.md, eighth round).
    The column's default draws each row's id from the sequence, in row order: this
    session's draws before and after the ``COPY`` bound them, and when nobody else drew
    one meanwhile (the usual case) they are every number between. Otherwise, raises
    ``_IdsInterleaved``, for the caller to undo the chunk and stage it instead.
    """
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [CONTACT])
    before = cursor.fetchone()[0]
    with (
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {CONTACT} ({COPIED}) FROM STDIN (FORMAT BINARY)") as copy,
    ):
        copy.write(rows)
    cursor.execute("SELECT currval(pg_get_serial_sequence(%s, 'id'))", [CONTACT])
    last = cursor.fetchone()[0]
    if last - before != count:
        raise _IdsInterleaved
    return list(range(before + 1, last + 1))


def _insert_numbered(cursor: Any, statement: str, params: list) -> list[int]:
    """Run an ``INSERT`` of contacts on SQLite; return the new contacts' ids, in the order
    of insertion, without ``RETURNING``.

    SQLite implements ``RETURNING`` as a trigger, so an ``INSERT … SELECT`` with it first
    copies its rows to a temporary table and then runs the trigger for each: about 1 s of
    the worker's CPU a million rows, a tenth of it. Without it, the ids are those above
    the largest before the statement: the import's transaction holds the write lock, so
    nobody else inserts contacts meanwhile, and SQLite numbers each new row one above the
    largest id, or above the largest ever used (Django's ``AUTOINCREMENT``) when newer
    contacts were deleted. In the usual case they run up to ``last_insert_rowid()``
    without a gap and need no query; otherwise they are read back.
    """
    cursor.execute(f"SELECT max(id) FROM {CONTACT}")  # noqa: S608
    before = cursor.fetchone()[0] or 0
    cursor.execute(statement, params)
    inserted = cursor.rowcount
    cursor.execute("SELECT last_insert_rowid()")
    last = cursor.fetchone()[0]
    if last - before == inserted:
        return list(range(before + 1, last + 1))
    cursor.execute(f"SELECT id FROM {CONTACT} WHERE id > %s ORDER BY id", [before])  # noqa: S608
    return [row[0] for row in cursor.fetchall()]


def insert_new(cursor: Any, at: object, consent_text: str) -> list[int]:
    """Create the contacts that do not exist yet, in row order; return their ids.

    On PostgreSQL each contact gets the id staged with its row. An import of new people
    (the usual case) is cheaper through ``insert_all_new``, which the caller tries first;
    this is the general statement, for rows some of whose addresses are contacts'.
    """
    statement, params = _insert_statement(at, consent_text)
    return _insert_absent(
        cursor,
        statement.replace("{returning}", "RETURNING id"),
        params,
        absent=f"NOT EXISTS (SELECT 1 FROM {CONTACT} AS c WHERE c.email = s.email)",  # noqa: S608
        merge="ON CONFLICT (email) DO NOTHING",
    )


def _insert_statement(at: object, consent_text: str) -> tuple[str, list]:
    """The ``INSERT … SELECT`` of contacts from staging, with ``{new}``, ``{merge}`` and
    ``{returning}`` left to fill, and its parameters."""
    on_postgresql = connection.vendor == "postgresql"
    params = [Status.SUBSCRIBED, ConsentSource.IMPORT, at, consent_text, at, at]
    statement = f"""
        INSERT INTO {CONTACT} ({"id, " if on_postgresql else ""}code, email, first_name,
            last_name, phone, status, attributes, consent_source, consent_at, consent_text,
            consent_form, consent_ip_hash, created_at, updated_at)
        SELECT {"s.new_id, " if on_postgresql else ""}s.code, s.email, s.first_name, s.last_name,
            s.phone, CASE WHEN s.status = '' THEN %s ELSE s.status END, s.attributes,
            %s, %s, %s, '', '', %s, %s
        FROM {STAGING} AS s
        WHERE {{new}}
        {{merge}}
        {{returning}}
        """  # noqa: S608
    return statement, params


def _insert_absent(
    cursor: Any, statement: str, params: list, *, absent: str, merge: str
) -> list[int]:
    """Run an ``INSERT … SELECT … WHERE {new} {merge} RETURNING`` and return what it returns.

    ``ON CONFLICT DO NOTHING`` costs PostgreSQL a speculative insertion per row (a check
    of the unique index, a token, a confirmation in the WAL), a fifth of inserting a
    contact. There, the rows are first inserted plainly, leaving out those ``absent``
    says exist; should a concurrent writer add one of them meanwhile, the unique index
    refuses the statement, which is undone to a savepoint and run again with ``merge``.
    SQLite's ``ON CONFLICT`` costs nothing more than the insert, so it runs that at once.
    """
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic():
                cursor.execute(statement.format(new=absent, merge=""), params)
                return [row[0] for row in cursor.fetchall()]
        except IntegrityError:
            pass
    cursor.execute(statement.format(new="true", merge=merge), params)
    return [row[0] for row in cursor.fetchall()]


def find_contact_ids(
    cursor: Any, *, lock: bool = False, known: list[int] | None = None, all_new: bool = False
) -> str | None:
    """Find the id of every staged row's contact, new or updated; return the table of
    them, a column ``id``, for ``subscribe`` and ``tag`` to read.

    Joining staging to contacts by email is most of what adding a list or a tag costs;
    done once here, into a temporary table, the list and each tag only read ids. With
    ``lock`` (PostgreSQL only), the contacts are locked as a foreign key's check would
    (``keys.checked_once``).

    ``known`` is for when the apply already has the ids of every staged row's contact
    (those it created and updated: one per staged row): they are stored without the
    join, and without locking, since the rows it wrote are locked by this transaction.
    With ``all_new`` (every row's contact was created), on PostgreSQL, ``subscribe`` and
    ``tag`` copy ``known`` in from the worker's list (``_copy_links``) and read no table:
    this returns None (no table for every chunk: about 0.6 s of the server's CPU a million
    rows, under load).
    """
    if known is not None and connection.vendor == "postgresql" and all_new:
        return None
    # The table of the chunk before, if it had one.
    cursor.execute(f"DROP TABLE IF EXISTS {STAGED_IDS}")
    if known is not None:
        if connection.vendor == "postgresql":
            source, params = "SELECT unnest(%s::bigint[]) AS id", [known]
        else:
            source, params = "SELECT value AS id FROM json_each(%s)", [json.dumps(known)]
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGED_IDS} AS SELECT id FROM ({source}) AS k ORDER BY id",  # noqa: S608
            params,
        )
        return STAGED_IDS
    cursor.execute(
        f"""
        CREATE TEMPORARY TABLE {STAGED_IDS} AS
        SELECT c.id FROM {STAGING} AS s JOIN {CONTACT} AS c ON c.email = s.email
        ORDER BY c.id
        {"FOR KEY SHARE OF c" if lock else ""}
        """  # noqa: S608
    )
    return STAGED_IDS


def subscribe(
    cursor: Any,
    contact_ids: str | None,
    list_id: int,
    at: object,
    new_contacts: list[int] | None = None,
) -> list[int]:
    """Add the contacts ``find_contact_ids`` found (``contact_ids``, what it returned) to the
    list ``list_id``, if not in it yet; return the ids of those who joined.
    ``new_contacts``: see ``_link``."""
    absent = (
        f"NOT EXISTS (SELECT 1 FROM {SUBSCRIPTION} AS m"  # noqa: S608
        " WHERE m.mailing_list_id = %s AND m.contact_id = s.id)"
    )
    columns = "contact_id, mailing_list_id, created_at"
    return _link(cursor, SUBSCRIPTION, columns, contact_ids, [list_id, at], absent, new_contacts)


def tag(
    cursor: Any, contact_ids: str | None, tag_id: int, new_contacts: list[int] | None = None
) -> list[int]:
    """Give the contacts ``find_contact_ids`` found (``contact_ids``, what it returned) the
    tag ``tag_id``, if they lack it; return the ids of those who got it.
    ``new_contacts``: see ``_link``."""
    absent = (
        f"NOT EXISTS (SELECT 1 FROM {CONTACT_TAG} AS t"  # noqa: S608
        " WHERE t.tag_id = %s AND t.contact_id = s.id)"
    )
    columns = "contact_id, tag_id"
    return _link(cursor, CONTACT_TAG, columns, contact_ids, [tag_id], absent, new_contacts)


def _link(
    cursor: Any,
    table: str,
    columns: str,
    contact_ids: str | None,
    values: list,
    absent: str,
    new_contacts: list[int] | None,
) -> list[int]:
    """Insert a row of ``table`` (``columns``: the contact's, then ``values``', the list's
    or tag's id first) for the contacts ``find_contact_ids`` found (``contact_ids``),
    leaving out those ``absent`` (with the list's or tag's id) says have it.

    ``new_contacts`` are those contacts' ids when this transaction created every one of
    them: no list or tag can hold them yet, so they are all inserted without looking
    (a probe of the unique index a row less) and returned as they are; on PostgreSQL by
    a binary ``COPY`` (``_copy_links``).
    """
    if new_contacts is not None and connection.vendor == "postgresql":
        _copy_links(cursor, table, columns, new_contacts, values)
        return new_contacts
    statement = f"""
        INSERT INTO {table} ({columns})
        SELECT s.id, {", ".join(["%s"] * len(values))} FROM {contact_ids} AS s
        WHERE {{new}}
        {{merge}}
        """  # noqa: S608
    if new_contacts is not None:
        cursor.execute(statement.format(new="true", merge=""), values)
        return new_contacts
    return _insert_absent(
        cursor,
        statement + " RETURNING contact_id",
        values + (values[:1] if connection.vendor == "postgresql" else []),
        absent=absent,
        merge="ON CONFLICT DO NOTHING",
    )


def _copy_links(
    cursor: Any, table: str, columns: str, contact_ids: list[int], values: list
) -> None:
    """Insert a row of ``table`` for each of ``contact_ids`` (ascending), followed by
    ``values`` (ids, and a time), by a binary ``COPY`` (PostgreSQL).

    ``COPY`` writes the rows to the heap a page at a time (one WAL record and one buffer
    lock a page, not a row) and reads them without the executor's scan of staging; in
    binary, the server parses nothing either. The worker builds the rows from the ids it
    has (0.1 s a million a table): the memberships and the tags took 15 % less of the
    server's CPU than ``INSERT … SELECT`` from staging in a replay of them alone, 0 to
    0.6 s less a million in whole imports (docs/benchmarks.md, seventh round); their
    indexes are most of what is left.
    """
    if not contact_ids:
        return
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(binary.links(contact_ids, values))
