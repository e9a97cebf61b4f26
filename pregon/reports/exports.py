"""A list of the campaign report as CSV or XLSX, streamed and safe to open in a spreadsheet,
with the contacts export's helpers (pregon.contacts.exports). Times are in the account's
time zone."""

import csv
import datetime
import io
import tempfile
from collections.abc import Iterator
from itertools import islice

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook

from pregon.contacts.exports import CHUNK_SIZE, csv_text, local_time, xlsx_cell
from pregon.lib.csvfile import neutralise
from pregon.reports.people import PeopleList, Value
from pregon.sending.models import Mailing

Cell = str | int | datetime.datetime | None


def _cell(value: Value) -> Cell:
    if isinstance(value, datetime.datetime):
        return local_time(value)
    if isinstance(value, str):
        return neutralise(value)
    return value


def lines(people: PeopleList, mailing: Mailing, human: bool) -> Iterator[list[Cell]]:
    """The header (column labels, in the active language), then a line of cells per row."""
    yield [header for column in people.columns for header in column.export_headers()]
    for cells in people.all_cells(mailing, human):
        yield [
            _cell(exported)
            for column, value in zip(people.columns, cells, strict=True)
            for exported in column.exported(value)
        ]


def filename(people: PeopleList, extension: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{people.slug}-{stamp}.{extension}"


def _csv_chunks(people: PeopleList, mailing: Mailing, human: bool) -> Iterator[str]:
    # The byte order mark makes Excel read the file as UTF-8.
    yield "\ufeff"
    rows = lines(people, mailing, human)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        buffer = io.StringIO()
        csv.writer(buffer).writerows([csv_text(cell) for cell in line] for line in chunk)
        yield buffer.getvalue()


def csv_response(people: PeopleList, mailing: Mailing, human: bool) -> StreamingHttpResponse:
    """A CSV download of the list, written chunk by chunk while it is sent."""
    response = StreamingHttpResponse(
        _csv_chunks(people, mailing, human), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename(people, "csv"))
    return response


def xlsx_response(people: PeopleList, mailing: Mailing, human: bool) -> FileResponse:
    """An XLSX download of the list: a write-only workbook (one row in memory at a time)
    saved to an unnamed temporary file, which the response streams and then closes."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(people.title)[:31])
    for line in lines(people, mailing, human):
        sheet.append([xlsx_cell(cell) for cell in line])
    output = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename(people, "xlsx"))
