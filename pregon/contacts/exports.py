"""Export contacts to CSV and XLSX, streamed in chunks and safe to open in a spreadsheet.

Columns: email, names, phone, status, lists, tags, one per custom field (by label), the
consent fields and the creation time, headed and written in the user's language (statuses,
consent sources, yes and no). Times are in the account time zone. The headers and statuses
are words the import recognises, so an exported file can be imported back.
"""

import csv
import datetime
import io
import tempfile
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pregon.contacts.bulk import ContactTag, id_chunks
from pregon.contacts.models import ConsentSource, Contact, Field, FieldType, Status, Subscription
from pregon.lib.csvfile import neutralise

CHUNK_SIZE = 2000
CONSENT_COLUMNS = ["consent_source", "consent_at", "consent_ip", "consent_text"]
CONTACT_COLUMNS = [
    "id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "status",
    "attributes",
    *CONSENT_COLUMNS,
    "created_at",
]

Cell = str | int | float | bool | datetime.date | datetime.datetime | None


def local_time(value: datetime.datetime | None) -> datetime.datetime | None:
    """``value`` in the account time zone, without tzinfo (spreadsheets cannot hold it)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


def header(fields: list[Field]) -> list[str]:
    """The column names, in the active language; custom fields by their label."""
    return [
        _("Email address"),
        _("First name"),
        _("Last name"),
        _("Phone"),
        _("Status"),
        _("Lists"),
        _("Tags"),
        *(field.label for field in fields),
        _("Consent source"),
        _("Consent date"),
        _("Consent IP address"),
        _("Consent wording"),
        _("Created"),
    ]


def words() -> dict[str, str]:
    """Stored codes -> the words a person reads, in the active language: statuses, consent
    sources, yes and no. Taken before streaming starts, while the request's language is on."""
    return {
        **{f"status:{value}": str(label) for value, label in Status.choices},
        **{f"consent:{value}": str(label) for value, label in ConsentSource.choices},
        "yes": _("yes"),
        "no": _("no"),
    }


def custom_value(field: Field, value: object, names: dict[str, str]) -> Cell:
    if isinstance(value, bool):
        return names["yes"] if value else names["no"]
    if field.type == FieldType.DATE and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def row(
    contact: dict[str, Any],
    fields: list[Field],
    lists: list[str],
    tags: list[str],
    names: dict[str, str],
) -> list[Cell]:
    """One contact (a ``values()`` dict of CONTACT_COLUMNS) as export cells; ``names`` is
    what `words` gives."""
    source = contact["consent_source"]
    cells: list[Cell] = [
        contact["email"],
        contact["first_name"],
        contact["last_name"],
        contact["phone"],
        names.get(f"status:{contact['status']}", contact["status"]),
        ", ".join(lists),
        ", ".join(tags),
        *(custom_value(field, contact["attributes"].get(field.key), names) for field in fields),
        names.get(f"consent:{source}", source),
        local_time(contact["consent_at"]),
        contact["consent_ip"],
        contact["consent_text"],
        local_time(contact["created_at"]),
    ]
    return [neutralise(cell) if isinstance(cell, str) else cell for cell in cells]


def names_by_contact(pairs: QuerySet) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for contact_id, name in pairs:
        names.setdefault(contact_id, []).append(name)
    return names


def rows(contacts: QuerySet[Contact]) -> Iterator[list[list[Cell]]]:
    """The header, then ``contacts`` as rows, in lists of at most CHUNK_SIZE rows.

    The words are taken at once, in the request's language; the rows as they are read.
    """
    fields = list(Field.objects.order_by("id"))
    return _chunks(contacts, fields, [header(fields)], words())


def _chunks(
    contacts: QuerySet[Contact],
    fields: list[Field],
    head: list[list[Cell]],
    names: dict[str, str],
) -> Iterator[list[list[Cell]]]:
    # Each chunk costs four queries (ids, contacts, list names, tag names) and plain tuples
    # rather than model instances: prefetch_related would build a queryset per contact.
    yield head
    for ids in id_chunks(contacts, CHUNK_SIZE):
        lists = names_by_contact(
            Subscription.objects.filter(contact_id__in=ids)
            .order_by("mailing_list__name")
            .values_list("contact_id", "mailing_list__name")
        )
        tags = names_by_contact(
            ContactTag.objects.filter(contact_id__in=ids)
            .order_by("tag__name")
            .values_list("contact_id", "tag__name")
        )
        values = Contact.objects.filter(id__in=ids).order_by("-id").values(*CONTACT_COLUMNS)
        yield [
            row(contact, fields, lists.get(contact["id"], []), tags.get(contact["id"], []), names)
            for contact in values
        ]


def filename(extension: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # A plain call, not inside the f-string, so that makemessages finds the msgid.
    name = _("contacts")
    return f"{name}-{stamp}.{extension}"


def csv_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, datetime.datetime):
        return cell.strftime("%Y-%m-%d %H:%M:%S")
    return str(cell)


def csv_chunks(chunks: Iterator[list[list[Cell]]]) -> Iterator[str]:
    # The byte order mark makes Excel read the file as UTF-8, so "Muñoz" stays "Muñoz".
    yield "\ufeff"
    for chunk in chunks:
        buffer = io.StringIO()
        csv.writer(buffer).writerows([csv_text(cell) for cell in line] for line in chunk)
        yield buffer.getvalue()


def csv_download(
    header: list[str], lines: Iterator[list[Cell]], name: str
) -> StreamingHttpResponse:
    """A CSV download named ``name``: ``header``, then ``lines`` (cells as ``csv_text``
    writes them), written CHUNK_SIZE lines at a time while it is sent."""

    def chunks() -> Iterator[list[list[Cell]]]:
        yield [header]
        while chunk := list(islice(lines, CHUNK_SIZE)):
            yield chunk

    response = StreamingHttpResponse(csv_chunks(chunks()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def csv_response(contacts: QuerySet[Contact]) -> StreamingHttpResponse:
    """A CSV download of ``contacts``, written chunk by chunk while it is sent."""
    response = StreamingHttpResponse(
        csv_chunks(rows(contacts)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename("csv"))
    return response


def xlsx_cell(cell: Cell) -> Cell:
    if isinstance(cell, str):
        # openpyxl refuses control characters that XML cannot carry.
        return ILLEGAL_CHARACTERS_RE.sub("", cell)
    return cell


def xlsx_response(contacts: QuerySet[Contact]) -> FileResponse:
    """An XLSX download of ``contacts``.

    A write-only workbook keeps one row in memory at a time; the zip it makes needs a real
    file, which is an unnamed temporary file that disappears when the response closes it.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Contacts"))
    for chunk in rows(contacts):
        for line in chunk:
            sheet.append([xlsx_cell(cell) for cell in line])
    output = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename("xlsx"))
