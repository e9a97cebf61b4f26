"""Reading an import's file row by row, and checking each row against the mapping.

Holds the targets a column can go to (``EMAIL``, ``FIELD_PREFIX`` + a custom field's key…),
``data_rows`` (the rows under the header) and ``row_cleaner``, which turns a row's cells
into a staging row or the reason the row is rejected, with the parsers of custom fields.
"""

import datetime
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence

from django.utils.translation import gettext as _

from pregon.contacts.models import Contact, Field, FieldType, Import, Status
from pregon.contacts.normalize import normalize_email, normalize_phone
from pregon.lib import csvfile

EMAIL, FIRST_NAME, LAST_NAME, PHONE, STATUS = "email", "first_name", "last_name", "phone", "status"
FIELD_PREFIX = "field:"

# A strict subset of what Django's EmailValidator accepts, checked first because it is
# ten times cheaper; anything it does not match goes through normalize_email. A domain's
# label is 1 to 63 letters, digits and hyphens, neither first nor last a hyphen: written
# with possessive repeats and lookarounds, so that nothing is tried twice (0.41 against
# 0.71 µs an address with the classic `[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?`).
SIMPLE_EMAIL = re.compile(
    r"[a-z0-9_+-]++(?:\.[a-z0-9_+-]++)*+@"
    r"(?:(?=[a-z0-9])[a-z0-9-]{1,63}+(?<=[a-z0-9])\.)+[a-z]{2,63}+"
)
# Peruvian mobile numbers (9 and eight digits) are all valid E.164 numbers in phonenumbers'
# metadata; parsing one with phonenumbers costs ~15 µs, matching this costs ~0.3 µs.
PERU_MOBILE = re.compile(r"(?:\+51)?9\d{8}")

# With the statuses' Spanish labels in plural too ("Suscritos", "Baja confirmada"), as the
# contact list's filters show them; our exports write the singular ("Desuscrito"). The
# values are plain strings (``str(Status.X)``), which lib.forked sends the cheap way.
STATUS_WORDS = {
    word: str(status)
    for word, status in {
        **dict.fromkeys(
            ["subscribed", "suscrito", "suscrita", "suscritos", "activo", "activa"],
            Status.SUBSCRIBED,
        ),
        **dict.fromkeys(
            ["unsubscribed", "desuscrito", "desuscrita", "baja", "dadodebaja", "bajaconfirmada"],
            Status.UNSUBSCRIBED,
        ),
        **dict.fromkeys(["bounced", "rebotado", "rebotada", "rebotados", "rebote"], Status.BOUNCED),
        **dict.fromkeys(["complained", "queja", "conqueja", "reclamo"], Status.COMPLAINED),
    }.items()
}
YES = {"si", "s", "yes", "y", "true", "verdadero", "1", "x"}
NO = {"no", "n", "false", "falso", "0"}
DATE_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
DATE_YMD = re.compile(r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?:[ T][\d:.]+)?")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
THOUSANDS_COMMAS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+")
TEXT_MAX = 1000
NAME_MAX = Contact._meta.get_field("first_name").max_length
EMAIL_MAX = Contact._meta.get_field("email").max_length

JSON_VALUE = json.JSONEncoder(ensure_ascii=False).encode
# What JSON_VALUE does with a string, without its checks of the value's type.
JSON_TEXT = json.encoder.encode_basestring


def header_key(name: str) -> str:
    """A column name reduced for matching: "Correo electrónico" -> "correoelectronico"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", text)


def data_rows(imp: Import) -> Iterator[tuple[int, list[str]]]:
    """Yield (spreadsheet row number, cells) for each row under the header."""
    path = imp.file.path
    if imp.file_format == "xlsx":
        rows = csvfile.xlsx_rows(path)
    else:
        rows = csvfile.csv_rows(path, imp.encoding, imp.delimiter)
    numbered = enumerate(rows, start=1)
    # The header is the first row that is not blank, as create_import reads it.
    for _row_no, cells in numbered:
        if any(cell.strip() for cell in cells):
            break
    yield from numbered


Row = tuple[str, str, str, str, str, str]  # email, first, last, phone, status, attributes


def row_cleaner(
    mapping: dict[str, str], fields: Sequence[Field]
) -> Callable[[list[str]], Row | str]:
    """Compile ``mapping`` into a function from a row's cells to a staging row or a reason.

    The function returns (email, first_name, last_name, phone, status, attributes as JSON)
    for a good row, or the reason (in the active language) the row is rejected. It runs
    once per row of files with a million rows, so the common case avoids exceptions and
    slow validators.
    """
    by_key = {field.key: field for field in fields}
    columns: dict[str, list[int]] = {}
    for index, target in mapping.items():
        columns.setdefault(target, []).append(int(index))
    width = max(int(index) for index in mapping) + 1
    email_at = columns[EMAIL][0]
    first_name = _joined(columns.get(FIRST_NAME, []))
    last_name = _joined(columns.get(LAST_NAME, []))
    phone_at = columns.get(PHONE, [None])[0]
    status_at = columns.get(STATUS, [None])[0]
    # (column, field, the field's key as the start of a JSON member, value parser, the
    # parsed value's JSON encoder)
    custom = [
        (
            indexes[0],
            field,
            json.dumps(field.key, ensure_ascii=False) + ": ",
            VALUE_PARSERS[field.type],
            JSON_TEXT if field.type == FieldType.TEXT else JSON_VALUE,
        )
        for target, indexes in columns.items()
        if target.startswith(FIELD_PREFIX)
        and (field := by_key.get(target[len(FIELD_PREFIX) :])) is not None
    ]

    def clean(cells: list[str]) -> Row | str:
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        raw = cells[email_at]
        email = raw.strip().lower()
        if len(email) > EMAIL_MAX or not SIMPLE_EMAIL.fullmatch(email):
            try:
                email = normalize_email(raw)
            except ValueError as error:
                return str(error)
            if len(email) > EMAIL_MAX:
                return _("The email address is longer than %(max)s characters.") % {
                    "max": EMAIL_MAX
                }
        first = first_name(cells)
        last = last_name(cells)
        if len(first) > NAME_MAX or len(last) > NAME_MAX:
            return _("The name is longer than %(max)s characters.") % {"max": NAME_MAX}
        phone = ""
        if phone_at is not None and (raw := cells[phone_at].strip()):
            compact = raw.replace(" ", "").replace("-", "")
            if PERU_MOBILE.fullmatch(compact):
                phone = compact if compact[0] == "+" else "+51" + compact
            else:
                try:
                    phone = normalize_phone(raw)
                except ValueError as error:
                    return str(error)
        status = ""
        if status_at is not None and (raw := cells[status_at].strip()):
            status = STATUS_WORDS.get(header_key(raw), "")
            if not status:
                return _("“%(value)s” is not a status; use subscribed or unsubscribed.") % {
                    "value": raw
                }
        attributes = "{}"
        if custom:
            # What json.dumps(values, ensure_ascii=False) writes, at a third of the cost.
            members = []
            for index, field, key, parse, encode in custom:
                if raw := cells[index].strip():
                    try:
                        members.append(key + encode(parse(raw)))
                    except ValueError as error:
                        return _("%(field)s: %(error)s") % {"field": field.label, "error": error}
            if members:
                attributes = "{" + ", ".join(members) + "}"
        return email, first, last, phone, status, attributes

    return clean


def _joined(indexes: list[int]) -> Callable[[list[str]], str]:
    if not indexes:
        return lambda cells: ""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda cells: cells[index].strip()
    return lambda cells: " ".join(part for i in indexes if (part := cells[i].strip()))


def parse_text(raw: str) -> str:
    if len(raw) > TEXT_MAX:
        raise ValueError(_("the text is longer than %(max)s characters.") % {"max": TEXT_MAX})
    return raw


def parse_number(raw: str) -> int | float:
    """A number as people type it: 1234, -3.5, 3,5, 1,200, 1.234,5 or 1,234.5.

    Peru's Excel writes 1,200.50, and people also type 3,5: so commas that group thousands
    (1,200 or 1,234,567) are thousands, any other lone comma is the decimal point, and when
    both marks appear the last one is the decimal point.
    """
    text = raw.replace(" ", "").replace("\u00a0", "")
    if THOUSANDS_COMMAS.fullmatch(text):
        text = text.replace(",", "")
    elif "," in text and "." in text:
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    text = text.replace(",", ".")
    if not NUMBER.fullmatch(text):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw})
    number = float(text)
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def parse_date(raw: str) -> str:
    """A date as day/month/year (31/12/2024, 31-12-2024) or year-month-day, in ISO form."""
    if match := DATE_DMY.fullmatch(raw):
        day, month, year = match.groups()
    elif match := DATE_YMD.fullmatch(raw):
        year, month, day = match.groups()
    else:
        raise ValueError(_("“%(value)s” is not a date; write it as 31/12/2024.") % {"value": raw})
    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        raise ValueError(_("“%(value)s” is not a date that exists.") % {"value": raw}) from None


def parse_yes_no(raw: str) -> bool:
    """Yes or no: sí/si/yes/true/1/x or no/false/0, in any case."""
    word = header_key(raw)
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(_("“%(value)s” is not yes or no.") % {"value": raw})


VALUE_PARSERS: dict[str, Callable[[str], object]] = {
    FieldType.TEXT: parse_text,
    FieldType.NUMBER: parse_number,
    FieldType.DATE: parse_date,
    FieldType.BOOLEAN: parse_yes_no,
}
