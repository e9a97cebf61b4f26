"""The rows an import copies into PostgreSQL, in ``COPY``'s binary format.

In binary the server parses no text: a UUID is its 16 bytes, a time its microseconds, a
string its bytes after their length (checked as UTF-8, as any text is). The format: a
header, then per row the number of fields and each field's length (4 bytes, big-endian)
followed by its bytes, then a trailer.
"""

import datetime
from collections.abc import Iterable

from pregon.contacts.models import ConsentSource, Status

HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # Signature, no flags, no extension.
TRAILER = b"\xff\xff"
POSTGRES_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
# A contact's fields, in the order of ``sql.COPIED``; the first is the 16 bytes of its code.
CONTACT_START = (14).to_bytes(2, "big") + (16).to_bytes(4, "big")


def contacts(
    rows: Iterable[tuple], codes: list[str], at: datetime.datetime, consent_text: str
) -> bytes:
    """New contacts' rows for ``sql.COPIED``: each checked row (row_no, email, first name,
    last name, phone, status, custom fields as JSON) with its code (32 hex digits), a blank
    status as "subscribed", the import's consent, and ``at`` as the time of consent,
    creation and update.

    Built by the forked child that checks the rows, beside the server's work. A repeated
    name or custom fields' value is encoded once per chunk.
    """
    constants = b"".join(
        (
            _text(ConsentSource.IMPORT.value),
            _int8(at),
            _text(consent_text),
            _text(""),  # The signup form's name
            _text(""),  # and the visitor's hashed address: neither, for an import.
            _int8(at),
            _int8(at),
        )
    )
    texts: dict[str, bytes] = {}
    jsons: dict[str, bytes] = {}

    def repeated(text: str) -> bytes:
        field = texts.get(text)
        if field is None:
            field = texts[text] = _text(text)
        return field

    def jsonb(text: str) -> bytes:
        field = jsons.get(text)
        if field is None:
            raw = text.encode()
            # jsonb's binary form: a version number (1), then the JSON text.
            field = jsons[text] = (len(raw) + 1).to_bytes(4, "big") + b"\x01" + raw
        return field

    raw_codes = bytes.fromhex("".join(codes))
    return b"".join(
        [
            HEADER,
            *(
                CONTACT_START
                + raw_codes[16 * i : 16 * i + 16]
                + _text(email)
                + repeated(first)
                + repeated(last)
                + repeated(phone)
                + repeated(status or Status.SUBSCRIBED.value)
                + jsonb(attributes)
                + constants
                for i, (_, email, first, last, phone, status, attributes) in enumerate(rows)
            ),
            TRAILER,
        ]
    )


def links(contact_ids: list[int], values: list[int | datetime.datetime]) -> bytes:
    """Rows of a contact's id (of ``contact_ids``) followed by ``values`` (ids, and a
    time): a list's memberships, or a tag's holders."""
    after_id = b"".join(_int8(value) for value in values)
    before_id = (len(values) + 1).to_bytes(2, "big") + (8).to_bytes(4, "big")
    rows = (after_id + before_id).join(i.to_bytes(8, "big") for i in contact_ids)
    return HEADER + before_id + rows + after_id + TRAILER


def _text(text: str) -> bytes:
    raw = text.encode()
    return len(raw).to_bytes(4, "big") + raw


def _int8(value: int | datetime.datetime) -> bytes:
    """A bigint, or a time as microseconds since 2000 (timestamptz's binary form)."""
    if isinstance(value, datetime.datetime):
        value = (value - POSTGRES_EPOCH) // datetime.timedelta(microseconds=1)
    return (8).to_bytes(4, "big") + value.to_bytes(8, "big", signed=True)
