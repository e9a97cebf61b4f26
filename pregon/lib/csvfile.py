"""Reading uploaded spreadsheets: CSV (any encoding and delimiter Excel writes) and XLSX;
and ``neutralise``, which makes a cell safe to write into one.

Everything here streams: a file is read in blocks or row by row, never whole. Nothing here
knows about contacts; ``pregon.contacts.imports`` decides what the rows mean.
"""

import codecs
import csv
import datetime
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from itertools import islice
from typing import Any, BinaryIO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

BLOCK = 1 << 20
SAMPLE = 64 * 1024
DELIMITERS = ",;\t"
XLSX_MAGIC = b"PK\x03\x04"
# Old binary Excel (.xls) files are OLE2 compound documents.
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
CP1252_UNDEFINED = re.compile(b"[\x81\x8d\x8f\x90\x9d]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number ("+51987654321", "-3.5") is not a formula in any spreadsheet; leaving it
# alone keeps phone numbers readable.
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
# The compression ratio is only checked on parts that unpack to more than this: a tiny
# part (an empty sheet's XML) can shrink a hundredfold and hold nothing.
RATIO_CHECKED_FROM = 1024 * 1024
# What openpyxl raises on a workbook that is broken or hostile (a part missing, bad XML, a
# deflate stream that does not match its CRC, an entity defusedxml refuses).
WORKBOOK_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
    ParseError,
)

# csv refuses fields over 128 KB by default; a spreadsheet cell holds up to 32,767
# characters, so anything much longer is a broken file, not data.
csv.field_size_limit(1 << 20)


class UnreadableFile(ValueError):
    """The file is not a spreadsheet we can read; the message says what to do."""


def sniff_format(head: bytes, name: str) -> str:
    """Return "xlsx" or "csv" from the first bytes of a file (and its name, for the message).

    Raises UnreadableFile for an old .xls workbook or another binary file.
    """
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC) or name.lower().endswith(".xls"):
        raise UnreadableFile(
            _(
                "Old Excel files (.xls) cannot be read. Save the file as .xlsx or as CSV "
                "and upload it again."
            )
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile(
            _("This CSV file is saved as UTF-16. Save it again as “CSV UTF-8” or as .xlsx.")
        )
    if b"\x00" in head:
        raise _not_a_spreadsheet()
    return "csv"


def _not_a_spreadsheet() -> UnreadableFile:
    return UnreadableFile(
        _("This file is not a CSV or XLSX spreadsheet. Save it from Excel as CSV or .xlsx.")
    )


def detect_encoding(file: BinaryIO) -> str:
    """Return the Python codec of a CSV file.

    UTF-8 (with or without a byte order mark) if every byte decodes as UTF-8; otherwise
    Windows-1252, which is what Excel on a Spanish-language Windows writes. Latin-1 files
    read the same under cp1252 except for five bytes cp1252 leaves undefined, so a file
    that holds one of those is read as latin-1. The whole file is checked (at disk speed),
    so an accent on its last row cannot break an import halfway. Raises UnreadableFile if
    the file holds a NUL byte anywhere: no spreadsheet writes one into a CSV, and
    PostgreSQL cannot store one in text.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    has_latin1_controls = False
    head = b""
    for block in read_blocks(file):
        if b"\x00" in block:
            raise _not_a_spreadsheet()
        head = head or block[:3]
        if is_utf8:
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                is_utf8 = False
        has_latin1_controls = has_latin1_controls or bool(CP1252_UNDEFINED.search(block))
    if is_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if is_utf8:
        return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    return "latin-1" if has_latin1_controls else "cp1252"


def detect_delimiter(sample: str) -> str:
    """Return the delimiter (comma, semicolon or tab) of a CSV text sample.

    csv.Sniffer restricted to those three does most files; when it cannot decide (one
    column, or quotes it does not understand) the most frequent of them on the first line
    wins, and a file with none of them is one column, read with a comma.
    """
    lines = sample.splitlines()
    # Drop a last line that the sample may have cut in half.
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]
    text = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(text, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = next((line for line in lines if line.strip(" ,;\t")), "")
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def csv_rows(path: str, encoding: str, delimiter: str) -> Iterator[list[str]]:
    """Yield the rows of a CSV file as lists of strings, streaming.

    Raises UnreadableFile if the text does not decode with ``encoding``.
    """
    with open(path, encoding=encoding, newline="") as file:
        # strict: a quotation mark that is never closed is an error, instead of a cell that
        # silently swallows the rest of the file.
        reader = csv.reader(file, delimiter=delimiter, strict=True)
        row_start = 1
        try:
            for row in reader:
                yield row
                row_start = reader.line_num + 1
        except UnicodeDecodeError:
            raise UnreadableFile(
                _(
                    "Row %(row)s of the file could not be read as %(encoding)s. Save the file "
                    "again as “CSV UTF-8” and upload it again."
                )
                % {"row": reader.line_num + 1, "encoding": encoding}
            ) from None
        except csv.Error:
            raise UnreadableFile(
                _(
                    'Row %(row)s of the file has a quotation mark (") that is not closed, or '
                    "text right after a closing one. Correct that row and upload the file again."
                )
                % {"row": row_start}
            ) from None


def xlsx_rows(file: str | BinaryIO) -> Iterator[list[str]]:
    """Yield the rows of the first sheet of an XLSX workbook as lists of strings, streaming.

    Raises UnreadableFile if it is not a workbook openpyxl can read, or not a safe one.
    """
    workbook = _open_workbook(file)
    try:
        yield from _sheet_rows(_first_sheet(workbook))
    finally:
        workbook.close()


def xlsx_head(file: str | BinaryIO, limit: int) -> tuple[list[list[str]], int]:
    """The first ``limit`` rows of an XLSX workbook's first sheet, and how many rows the
    sheet says it has (Excel records it; 0 if the file does not say)."""
    workbook = _open_workbook(file)
    try:
        sheet = _first_sheet(workbook)
        return list(islice(_sheet_rows(sheet), limit)), sheet.max_row or 0
    finally:
        workbook.close()


def _open_workbook(file: str | BinaryIO) -> Any:
    from openpyxl import load_workbook

    _check_unpacked_size(file)
    try:
        return load_workbook(file, read_only=True, data_only=True)
    except WORKBOOK_ERRORS as error:
        raise _unreadable_workbook(error) from None


def _check_unpacked_size(file: str | BinaryIO) -> None:
    """Refuse a workbook whose parts unpack to more than the limit, or grow suspiciously.

    The sizes are the ones the zip declares, and they hold: zipfile never yields more of a
    part than its declared size (it stops there, and the CRC check fails), so a part that
    lies about its size is a broken file, not a bigger one.
    """
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable_workbook(None) from None
    unpacked = sum(part.file_size for part in parts)
    if unpacked > settings.IMPORT_XLSX_MAX_BYTES:
        raise UnreadableFile(
            _(
                "The Excel file expands to %(size)s MB when opened; the limit is %(limit)s MB. "
                "Save it as CSV, or split it into smaller files."
            )
            % {"size": megabytes(unpacked), "limit": megabytes(settings.IMPORT_XLSX_MAX_BYTES)}
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_CHECKED_FROM and ratio > settings.IMPORT_XLSX_MAX_RATIO:
            raise UnreadableFile(
                _(
                    "The Excel file expands to %(size)s MB when opened, %(ratio)s times its "
                    "size, which no spreadsheet of contacts does. Save it as CSV, or split it "
                    "into smaller files."
                )
                % {
                    "size": megabytes(unpacked),
                    "ratio": number_format(round(ratio), force_grouping=True),
                }
            )


def _first_sheet(workbook: Any) -> Any:
    if not workbook.worksheets:
        raise UnreadableFile(
            _("The Excel file has no sheet. Open it in Excel, check it, and save it again.")
        )
    return workbook.worksheets[0]


def _sheet_rows(sheet: Any) -> Iterator[list[str]]:
    # The sheet's XML is only parsed as its rows are read, so its errors surface here.
    try:
        for values in sheet.iter_rows(values_only=True):
            yield [cell_text(value) for value in values]
    except WORKBOOK_ERRORS as error:
        raise _unreadable_workbook(error) from None


def _unreadable_workbook(error: BaseException | None) -> UnreadableFile:
    """The refusal for an error openpyxl raised: a hostile XML part, or a broken file."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return UnreadableFile(
                _(
                    "The Excel file holds XML declarations (entities) that are not allowed, "
                    "for safety. Save it again from Excel as .xlsx, or as CSV."
                )
            )
        error = error.__cause__ or error.__context__
    return UnreadableFile(
        _("The file could not be read as an Excel workbook. Save it again as .xlsx or CSV.")
    )


def megabytes(size: int) -> str:
    """``size`` bytes in MB, with one decimal below 100 MB, so that a file just over a small
    limit does not read as the same size as the limit."""
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person would type: 987654321, not 987654321.0."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def neutralise(value: str) -> str:
    """``value`` made inert for spreadsheets: text that could start a formula gets a
    leading apostrophe (OWASP's advice against CSV/formula injection)."""
    if value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def count_lines(file: BinaryIO) -> int:
    """The number of lines in a text file, counted in blocks (quoted newlines included)."""
    lines = 0
    last = b"\n"
    for block in read_blocks(file):
        lines += block.count(b"\n")
        last = block[-1:]
    return lines + (last != b"\n")


def read_blocks(file: BinaryIO) -> Iterator[bytes]:
    """Yield ``file`` in blocks of 1 MB from its start."""
    file.seek(0)
    while block := file.read(BLOCK):
        yield block


def text_sample(file: BinaryIO, encoding: str) -> str:
    """The first 64 KB of ``file`` as text (a character cut in half at the end is dropped)."""
    file.seek(0)
    return codecs.getincrementaldecoder(encoding)(errors="ignore").decode(file.read(SAMPLE))


def first_csv_rows(file: BinaryIO, encoding: str, delimiter: str, limit: int) -> list[list[str]]:
    """The first ``limit`` rows of a CSV file object (for the header and a preview)."""
    file.seek(0)
    text = io.TextIOWrapper(file, encoding=encoding, newline="", errors="replace")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) >= limit:
                break
        return rows
    except csv.Error:
        # Not strict, this reader only fails on a cell over csv.field_size_limit(), which
        # is most often a quotation mark never closed.
        raise UnreadableFile(
            _(
                "Row %(row)s of the file has a cell longer than %(size)s MB, or a quotation "
                'mark (") that is not closed. Correct that row and upload the file again.'
            )
            % {"row": reader.line_num, "size": megabytes(csv.field_size_limit())}
        ) from None
    finally:
        text.detach()
