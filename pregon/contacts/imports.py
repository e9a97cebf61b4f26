"""Contact imports from CSV and XLSX files: upload, column mapping and the background run.

A run (``run_import``, in a worker) has two phases, so that a failure leaves nothing behind:

1. Check. Stream the file, validate each row, write the good ones to a staging temporary
   table (in chunks, each committed with the progress and a renewed lease) and the bad
   ones to the report CSV. Contacts are not touched, so a crash here leaves no trace.
2. Apply. One transaction merges the staging table into contacts, list memberships and
   tags with a handful of set-based statements and marks the import done. It commits all
   of it or nothing. On SQLite this transaction holds the database's write lock, which is
   why the check phase, with its progress updates, runs before it and not inside it.

django-tasks-db never retries a task whose worker died, so the import leases its own row:
``leased_until`` is renewed with every chunk, and ``reap_stale_imports`` (called by the
scheduler every few seconds) requeues an import whose lease ran out, up to three attempts.
Each attempt only writes while ``attempts`` still holds its number, so a stale worker that
wakes up again cannot apply anything twice.

Suppressed addresses are imported like any other: suppression is checked when sending, and
keeping the contact lets staff see why a person gets no mail.
"""

import contextlib
import csv
import datetime
import json
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from pregon.accounts import audit
from pregon.accounts.models import AuditAction, User
from pregon.contacts.exports import neutralise
from pregon.contacts.models import (
    ConsentSource,
    Contact,
    Field,
    FieldType,
    Import,
    ImportStatus,
    MailingList,
    Status,
    Subscription,
    Tag,
)
from pregon.contacts.normalize import normalize_email, normalize_phone
from pregon.lib import csvfile

log = logging.getLogger(__name__)

EMAIL, FIRST_NAME, LAST_NAME, PHONE, STATUS = "email", "first_name", "last_name", "phone", "status"
FIELD_PREFIX = "field:"
# Several columns may fill a name ("Apellido paterno" and "Apellido materno"); they are
# joined with a space. Every other target takes one column at most.
JOINED_TARGETS = {FIRST_NAME, LAST_NAME}

PREVIEW_ROWS = 5
# Earlier imports looked at to recognise an uploaded file as one of their reports.
REPORT_LOOKBACK = 50
CHUNK_ROWS = 20_000
MAX_ATTEMPTS = 3
LEASE = datetime.timedelta(seconds=60)
# The apply phase cannot renew its lease (on SQLite nobody else sees its writes before it
# commits), so it takes one long enough for this slow a database.
APPLY_ROWS_PER_SECOND = 5_000
# An upload nobody started, and the file of a finished import, are deleted after this.
KEEP_FILES_FOR = datetime.timedelta(days=1)
STAGING = "import_staging"
# The ids of the staged rows' contacts, found once for the list and every tag.
STAGED_IDS = "import_contact_ids"

# A strict subset of what Django's EmailValidator accepts, checked first because it is
# ten times cheaper; anything it does not match goes through normalize_email.
SIMPLE_EMAIL = re.compile(
    r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)
# Peruvian mobile numbers (9 and eight digits) are all valid E.164 numbers in phonenumbers'
# metadata; parsing one with phonenumbers costs ~15 µs, matching this costs ~0.3 µs.
PERU_MOBILE = re.compile(r"(?:\+51)?9\d{8}")

HEADER_TARGETS = {
    **dict.fromkeys(
        ["email", "emails", "correo", "correos", "correoelectronico", "mail", "emailaddress"],
        EMAIL,
    ),
    **dict.fromkeys(["nombre", "nombres", "firstname", "givenname", "primernombre"], FIRST_NAME),
    **dict.fromkeys(
        ["apellido", "apellidos", "lastname", "surname", "apellidopaterno", "apellidomaterno"],
        LAST_NAME,
    ),
    **dict.fromkeys(
        ["telefono", "telefonos", "celular", "movil", "phone", "mobile", "whatsapp", "cel"],
        PHONE,
    ),
    **dict.fromkeys(["estado", "status"], STATUS),
}
# With the statuses' Spanish labels in plural too ("Suscritos", "Baja confirmada"), as the
# contact list's filters show them; our exports write the singular ("Desuscrito").
STATUS_WORDS = {
    **dict.fromkeys(
        ["subscribed", "suscrito", "suscrita", "suscritos", "activo", "activa"], Status.SUBSCRIBED
    ),
    **dict.fromkeys(
        ["unsubscribed", "desuscrito", "desuscrita", "baja", "dadodebaja", "bajaconfirmada"],
        Status.UNSUBSCRIBED,
    ),
    **dict.fromkeys(["bounced", "rebotado", "rebotada", "rebotados", "rebote"], Status.BOUNCED),
    **dict.fromkeys(["complained", "queja", "conqueja", "reclamo"], Status.COMPLAINED),
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
# UUID version 4: these tables set the version nibble and the RFC 4122 variant bits.
UUID_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
UUID_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))


class LeaseLost(Exception):
    """Another attempt owns the import now; this one must stop without writing."""


# Upload and mapping -------------------------------------------------------------------------


def create_import(uploaded_file: UploadedFile, *, user: User | None, language: str) -> Import:
    """Store an uploaded CSV or XLSX file as a new import waiting for its column mapping.

    Detects the format, and for CSV the encoding and delimiter; reads the header and
    estimates the number of rows. Raises ValueError with a message for the user if the
    file is too big, empty, has only a header or cannot be read; nothing is stored then.
    """
    limit = settings.IMPORT_MAX_BYTES
    if uploaded_file.size > limit:
        raise ValueError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {
                "size": csvfile.megabytes(uploaded_file.size),
                "limit": csvfile.megabytes(limit),
            }
        )
    if not uploaded_file.size:
        raise ValueError(_("The file is empty."))
    uploaded_file.open("rb")
    file = uploaded_file.file
    file_format = csvfile.sniff_format(file.read(4096), uploaded_file.name or "")
    encoding = delimiter = ""
    if file_format == "csv":
        encoding = csvfile.detect_encoding(file)
        delimiter = csvfile.detect_delimiter(csvfile.text_sample(file, encoding))
        rows = csvfile.first_csv_rows(file, encoding, delimiter, PREVIEW_ROWS + 1)
        total = max(csvfile.count_lines(file) - 1, 0)
    else:
        file.seek(0)
        rows, declared = csvfile.xlsx_head(file, PREVIEW_ROWS + 1)
        total = max(declared - 1, 0)
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ValueError(_("The file is empty."))
    header = [cell.strip() for cell in rows[0]]
    if len(rows) < 2:
        raise ValueError(_("The file has a header row but no contacts under it."))
    if len(header) > settings.IMPORT_MAX_COLUMNS:
        raise ValueError(
            _(
                "The file has %(count)s columns; the limit is %(limit)s. Delete the columns "
                "you do not need and upload it again."
            )
            % {
                "count": number_format(len(header), force_grouping=True),
                "limit": number_format(settings.IMPORT_MAX_COLUMNS, force_grouping=True),
            }
        )
    imp = Import(
        created_by=user,
        original_name=(uploaded_file.name or "")[:255],
        file_format=file_format,
        encoding=encoding,
        delimiter=delimiter,
        header=header,
        total_rows=total,
        language=language,
    )
    # Stored under the import's code: the original name may hold personal data.
    imp.file.save(f"{imp.code}.{file_format}", uploaded_file, save=False)
    imp.save()
    return imp


def preview(imp: Import, limit: int = PREVIEW_ROWS) -> list[list[str]]:
    """The first ``limit`` data rows of the file, each as long as the header."""
    rows = []
    for _row_no, cells in data_rows(imp):
        rows.append((cells + [""] * len(imp.header))[: len(imp.header)])
        if len(rows) >= limit:
            break
    return rows


def target_choices(fields: Sequence[Field] | None = None) -> list[tuple[str, str]]:
    """Where a column can go: (value, label) pairs, "" meaning ignore the column."""
    if fields is None:
        fields = list(Field.objects.all())
    return [
        ("", _("Ignore this column")),
        (EMAIL, _("Email address")),
        (FIRST_NAME, _("First name")),
        (LAST_NAME, _("Last name")),
        (PHONE, _("Phone")),
        (STATUS, _("Status")),
        *(
            (FIELD_PREFIX + f.key, _("Custom field: %(label)s") % {"label": f.label})
            for f in fields
        ),
    ]


def header_key(name: str) -> str:
    """A column name reduced for matching: "Correo electrónico" -> "correoelectronico"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", text)


def suggest_mapping(imp: Import) -> dict[str, str]:
    """A first guess of the mapping: what the same column name got last time, else by name.

    Returns column index (as a string) -> target, "" for columns to ignore.
    """
    fields = list(Field.objects.all())
    valid = {value for value, _label in target_choices(fields)}
    by_field = {}
    for field in fields:
        by_field[header_key(field.label)] = by_field[header_key(field.key)] = (
            FIELD_PREFIX + field.key
        )
    remembered = _remembered_targets(imp)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for index, name in enumerate(imp.header):
        key = header_key(name)
        if key in remembered:
            target = remembered[key]
        else:
            target = HEADER_TARGETS.get(key) or by_field.get(key, "")
        if target not in valid or (target in used and target not in JOINED_TARGETS):
            target = ""
        used.add(target)
        mapping[str(index)] = target
    return mapping


def _remembered_targets(imp: Import) -> dict[str, str]:
    """Column name key -> the target it got in the latest earlier import that had it."""
    remembered: dict[str, str] = {}
    earlier = (
        Import.objects.exclude(pk=imp.pk)
        .exclude(status=ImportStatus.UPLOADED)
        .order_by("-created_at")
        .values_list("header", "mapping")[:20]
    )
    for header, mapping in earlier:
        for index, name in enumerate(header):
            remembered.setdefault(header_key(name), mapping.get(str(index), ""))
    return remembered


def last_list(user: User | None) -> MailingList | None:
    """The list the user's latest import added its contacts to, else anyone's latest."""
    started = (
        Import.objects.exclude(status=ImportStatus.UPLOADED)
        .filter(mailing_list__isnull=False)
        .select_related("mailing_list")
        .order_by("-created_at")
    )
    latest = started.filter(created_by=user).first() if user else None
    latest = latest or started.first()
    return latest.mailing_list if latest else None


def original_of(imp: Import) -> Import | None:
    """The earlier import whose report of rejected rows this file is, else None.

    A report is known by its header: "Row", the original file's columns and "Reason", in
    the original uploader's language (see ``_check_rows``). Of several imports of files
    with the same columns, the one whose code the file's name holds (the report downloads
    as ``import-<code>-rejected-rows.csv``) wins, else the latest.
    """
    if len(imp.header) < 3:
        return None
    earlier = (
        Import.objects.exclude(pk=imp.pk)
        .filter(status=ImportStatus.DONE, rejected_count__gt=0, created_at__lte=imp.created_at)
        .order_by("-created_at")[:REPORT_LOOKBACK]
    )
    reports = [original for original in earlier if _is_report_of(imp.header, original)]
    named = [original for original in reports if str(original.code) in imp.original_name]
    return (named or reports or [None])[0]


def _is_report_of(header: list[str], original: Import) -> bool:
    with translation.override(original.language):
        markers = [_("Row"), _("Reason")]
    columns = [neutralise(cell).strip() for cell in original.header]
    return [header[0], header[-1]] == markers and header[1:-1] == columns


def clean_mapping(imp: Import, mapping: dict[str, str]) -> dict[str, str]:
    """Check a mapping against the file's columns and the custom fields.

    Returns it without the ignored columns; raises ValueError with a message for the user.
    """
    labels = dict(target_choices())
    cleaned: dict[str, str] = {}
    columns_of: dict[str, list[str]] = {}
    for index, target in mapping.items():
        if not str(index).isdigit() or int(index) >= len(imp.header):
            raise ValueError(_("The file has no column %(index)s.") % {"index": index})
        if target not in labels:
            raise ValueError(_("“%(target)s” is not a place a column can go.") % {"target": target})
        if target:
            cleaned[str(int(index))] = target
            columns_of.setdefault(target, []).append(imp.header[int(index)])
    for target, columns in columns_of.items():
        if len(columns) > 1 and target not in JOINED_TARGETS:
            raise ValueError(
                _("Only one column can go to “%(target)s”, but %(columns)s all do.")
                % {"target": labels[target], "columns": ", ".join(f"“{c}”" for c in columns)}
            )
    if EMAIL not in columns_of:
        raise ValueError(
            _(
                "Choose the column that holds the email address: without it no contact can "
                "be imported."
            )
        )
    return cleaned


def start_import(
    imp: Import,
    mapping: dict[str, str],
    *,
    update_existing: bool,
    mailing_list: MailingList | None = None,
    tags: Sequence[str] = (),
    consent_text: str = "",
    request: HttpRequest | None = None,
) -> None:
    """Check the mapping, save the options and queue the import to run in the background.

    Tags are names, created if new. The task is enqueued once the transaction commits, and
    the start is audited. Raises ValueError with a message for the user.
    """
    cleaned = clean_mapping(imp, mapping)
    names = sorted({name.strip()[:100] for name in tags if name.strip()})
    with transaction.atomic():
        queued = Import.objects.filter(pk=imp.pk, status=ImportStatus.UPLOADED).update(
            status=ImportStatus.QUEUED,
            mapping=cleaned,
            update_existing=update_existing,
            mailing_list=mailing_list,
            consent_text=consent_text.strip(),
            attempts=1,
            leased_until=timezone.now() + LEASE,
            error="",
        )
        if not queued:
            raise ValueError(_("This import has already been started."))
        imp.tags.set([Tag.objects.get_or_create(name=name)[0] for name in names])
        audit.record(
            request,
            AuditAction.IMPORT,
            imp.original_name,
            actor=None if request is not None else imp.created_by,
            code=str(imp.code),
            rows=imp.total_rows,
            columns={imp.header[int(i)]: target for i, target in cleaned.items()},
            update_existing=update_existing,
            list=mailing_list.name if mailing_list else None,
            tags=names,
        )
        transaction.on_commit(lambda: _enqueue(imp.pk, 1))
    imp.refresh_from_db()


def _enqueue(import_id: int, attempt: int) -> None:
    # tasks.py imports this module, so this import has to wait until it is needed.
    from pregon.contacts.tasks import import_contacts

    result = import_contacts.enqueue(import_id, attempt)
    Import.objects.filter(pk=import_id, attempts=attempt).update(task_id=result.id)


# Reading and checking rows ------------------------------------------------------------------


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
    # (column, field, the field's key as the start of a JSON member, value parser)
    custom = [
        (
            indexes[0],
            field,
            json.dumps(field.key, ensure_ascii=False) + ": ",
            VALUE_PARSERS[field.type],
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
            for index, field, key, parse in custom:
                if raw := cells[index].strip():
                    try:
                        members.append(key + JSON_VALUE(parse(raw)))
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


# The run ------------------------------------------------------------------------------------


def run_import(import_id: int, attempt: int) -> None:
    """Run attempt number ``attempt`` of an import from start to finish.

    Returns quietly if the import is not queued for this attempt (a duplicate or stale
    task). A failure marks the import failed, with nothing imported.
    """
    now = timezone.now()
    claimed = Import.objects.filter(
        pk=import_id, status=ImportStatus.QUEUED, attempts=attempt
    ).update(
        status=ImportStatus.RUNNING,
        started_at=now,
        leased_until=now + LEASE,
        processed_rows=0,
        rejected_count=0,
        error="",
    )
    if not claimed:
        log.info("import %s attempt %s: not queued for this attempt, skipped", import_id, attempt)
        return
    imp = Import.objects.get(pk=import_id)
    with translation.override(imp.language):
        try:
            _run(imp, attempt)
        except LeaseLost:
            log.warning("import %s attempt %s lost its lease; stopped", import_id, attempt)
        except csvfile.UnreadableFile as error:
            _fail(imp, attempt, str(error))
        except Exception:
            log.exception("import %s attempt %s failed", import_id, attempt)
            _fail(
                imp,
                attempt,
                _(
                    "The import stopped because of an unexpected error, and nothing was "
                    "imported. Try again; if it happens again, tell your administrator."
                ),
            )


def _run(imp: Import, attempt: int) -> None:
    fields = list(Field.objects.all())
    clean = row_cleaner(imp.mapping, fields)
    report_name = _report_name(imp)
    report_path = _report_path(imp)
    report_path.parent.mkdir(parents=True, exist_ok=True)
    with _staging_table():
        with open(report_path, "w", encoding="utf-8-sig", newline="") as report:
            # The uploaded file's delimiter, so that the report opens in the same Excel
            # and can be corrected and imported again.
            writer = csv.writer(report, delimiter=imp.delimiter or ",")
            total, rejected = _check_rows(imp, attempt, clean, writer)
        if not rejected:
            report_path.unlink()
            report_name = ""
        _apply(imp, attempt, total, rejected, report_name)


def _check_rows(
    imp: Import, attempt: int, clean: Callable[[list[str]], Row | str], report: Any
) -> tuple[int, int]:
    """Phase 1: validate every row into the staging table or the report.

    Returns (rows, rejected rows); blank rows count as neither.
    """
    report.writerow([_("Row"), *(neutralise(cell) for cell in imp.header), _("Reason")])
    duplicate = _("The same email address is on an earlier row of the file.")
    seen: set[str] = set()
    chunk: list[tuple] = []
    total = rejected = 0
    for row_no, cells in data_rows(imp):
        result = clean(cells)
        if result.__class__ is str:
            if not any(cell.strip() for cell in cells):
                continue
            reason = result
        elif result[0] in seen:
            reason = duplicate
        else:
            seen.add(result[0])
            chunk.append((row_no, *result))
            reason = ""
        total += 1
        if reason:
            rejected += 1
            report.writerow([row_no, *(neutralise(cell) for cell in cells), neutralise(reason)])
        if total % CHUNK_ROWS == 0:
            _save_chunk(imp, attempt, chunk, total, rejected)
    _save_chunk(imp, attempt, chunk, total, rejected)
    return total, rejected


def _save_chunk(imp: Import, attempt: int, chunk: list[tuple], total: int, rejected: int) -> None:
    with transaction.atomic():
        if chunk:
            _stage_rows(chunk)
        _renew_lease(imp, attempt, processed_rows=total, rejected_count=rejected)
    chunk.clear()


def _renew_lease(
    imp: Import, attempt: int, lease: datetime.timedelta = LEASE, **progress: object
) -> None:
    renewed = Import.objects.filter(
        pk=imp.pk, status=ImportStatus.RUNNING, attempts=attempt
    ).update(leased_until=timezone.now() + lease, **progress)
    if not renewed:
        raise LeaseLost


def _apply(imp: Import, attempt: int, total: int, rejected: int, report_name: str) -> None:
    """Phase 2: merge the staging table into contacts, lists and tags in one transaction."""
    staged = total - rejected
    lease = LEASE + datetime.timedelta(seconds=staged / APPLY_ROWS_PER_SECOND)
    _renew_lease(imp, attempt, lease, total_rows=total, processed_rows=total)
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic(), connection.cursor() as cursor:
        _prepare_apply(cursor)
        if imp.update_existing:
            updated, skipped = _update_existing(cursor, at), 0
        else:
            updated, skipped = 0, _count_existing(cursor)
        created = _insert_new(cursor, at, imp.consent_text)
        mailing_list = MailingList.objects.filter(pk=imp.mailing_list_id).first()
        tag_ids = list(imp.tags.values_list("pk", flat=True))
        if mailing_list or tag_ids:
            _find_contact_ids(cursor)
        if mailing_list:
            _subscribe(cursor, mailing_list.pk, at)
        for tag_id in tag_ids:
            _tag(cursor, tag_id)
        done = Import.objects.filter(
            pk=imp.pk, status=ImportStatus.RUNNING, attempts=attempt
        ).update(
            status=ImportStatus.DONE,
            created_count=created,
            updated_count=updated,
            skipped_count=skipped,
            rejected_count=rejected,
            report=report_name,
            leased_until=None,
            finished_at=timezone.now(),
        )
        if not done:
            raise LeaseLost


def _fail(imp: Import, attempt: int, message: str) -> None:
    failed = Import.objects.filter(pk=imp.pk, status=ImportStatus.RUNNING, attempts=attempt).update(
        status=ImportStatus.FAILED, error=message, leased_until=None, finished_at=timezone.now()
    )
    if failed:
        _report_path(imp).unlink(missing_ok=True)


def _report_path(imp: Import) -> Path:
    return Path(settings.MEDIA_ROOT) / _report_name(imp)


def _report_name(imp: Import) -> str:
    # One report per attempt: a stale worker that wakes up again never writes into, or
    # deletes, the report of the attempt that replaced it.
    return f"imports/reports/{imp.code}-{imp.attempts}.csv"


# Set-based SQL, one small function per statement and database --------------------------------
# The names in these statements come from our own models, never from users, so the f-strings
# below cannot inject anything.

CONTACT = Contact._meta.db_table
SUBSCRIPTION = Subscription._meta.db_table
CONTACT_TAG = Contact.tags.through._meta.db_table


@contextlib.contextmanager
def _staging_table() -> Iterator[None]:
    """Create the temporary staging table; drop it at the end, even after an error.

    A temporary table belongs to this connection only: two imports never see each other's
    rows, and a worker that dies takes its table with it.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(f"DROP TABLE IF EXISTS {STAGED_IDS}")
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGING} (row_no integer, email text,"
                " first_name text, last_name text, phone text, status text, attributes jsonb)"
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


def _stage_rows(rows: list[tuple]) -> None:
    """Add checked rows (row_no, email, first, last, phone, status, attributes) to staging."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = "row_no, email, first_name, last_name, phone, status, attributes"
            with cursor.cursor.copy(f"COPY {STAGING} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # SQLite has no gen_random_uuid(); Django stores a UUID there as 32 hex digits.
            codes = uuid4_hex(len(rows))
            cursor.executemany(
                f"INSERT INTO {STAGING} VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
                [(*row, code) for row, code in zip(rows, codes, strict=True)],
            )


def uuid4_hex(count: int) -> list[str]:
    """``count`` random version-4 UUIDs as 32 hex digits, made in bulk from os.urandom."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = raw[6::16].translate(UUID_VERSION_4)
    raw[8::16] = raw[8::16].translate(UUID_VARIANT)
    text = raw.hex()
    return [text[i : i + 32] for i in range(0, 32 * count, 32)]


def _prepare_apply(cursor: Any) -> None:
    if connection.vendor == "postgresql":
        # Temporary tables are never auto-analysed; without statistics the planner would
        # take a million-row staging table for a small one and pick nested loops.
        cursor.execute(f"ANALYZE {STAGING}")
        cursor.execute("SET LOCAL work_mem = '128MB'")


def _update_existing(cursor: Any, at: object) -> int:
    """Update the contacts already in the database; return how many there were.

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
        """,  # noqa: S608
        [Status.SUBSCRIBED, at],
    )
    return cursor.rowcount


def _count_existing(cursor: Any) -> int:
    """How many staged rows are contacts already in the database.

    They stay in staging: ``_insert_new`` leaves them alone, and the list and tags of the
    import still apply to them, as people expect of "add everyone in this file to the list".
    """
    cursor.execute(f"SELECT count(*) FROM {STAGING} WHERE email IN (SELECT email FROM {CONTACT})")  # noqa: S608
    return cursor.fetchone()[0]


def _insert_new(cursor: Any, at: object, consent_text: str) -> int:
    """Create the contacts that do not exist yet; return how many."""
    code = "gen_random_uuid()" if connection.vendor == "postgresql" else "s.code"
    cursor.execute(
        f"""
        INSERT INTO {CONTACT} (code, email, first_name, last_name, phone, status, attributes,
            consent_source, consent_at, consent_text, created_at, updated_at)
        SELECT {code}, s.email, s.first_name, s.last_name, s.phone,
            CASE WHEN s.status = '' THEN %s ELSE s.status END, s.attributes,
            %s, %s, %s, %s, %s
        FROM {STAGING} AS s
        WHERE true
        ON CONFLICT (email) DO NOTHING
        """,  # noqa: S608
        [Status.SUBSCRIBED, ConsentSource.IMPORT, at, consent_text, at, at],
    )
    return cursor.rowcount


def _find_contact_ids(cursor: Any) -> None:
    """Put the id of every staged row's contact, new or updated, in a temporary table.

    Joining staging to contacts by email is most of what adding a list or a tag costs;
    done once here, the list and each tag only read ids.
    """
    cursor.execute(
        f"""
        CREATE TEMPORARY TABLE {STAGED_IDS} AS
        SELECT c.id FROM {STAGING} AS s JOIN {CONTACT} AS c ON c.email = s.email
        """  # noqa: S608
    )


def _subscribe(cursor: Any, list_id: int, at: object) -> None:
    cursor.execute(
        f"""
        INSERT INTO {SUBSCRIPTION} (contact_id, mailing_list_id, created_at)
        SELECT id, %s, %s FROM {STAGED_IDS}
        WHERE true
        ON CONFLICT DO NOTHING
        """,  # noqa: S608
        [list_id, at],
    )


def _tag(cursor: Any, tag_id: int) -> None:
    cursor.execute(
        f"""
        INSERT INTO {CONTACT_TAG} (contact_id, tag_id)
        SELECT id, %s FROM {STAGED_IDS}
        WHERE true
        ON CONFLICT DO NOTHING
        """,  # noqa: S608
        [tag_id],
    )


# Recovery -----------------------------------------------------------------------------------


def reap_stale_imports() -> int:
    """Requeue imports whose worker died (three attempts at most) and tidy old files.

    A running import is stale when its lease has run out; a queued one when its task is
    gone, finished or stuck although the import was never claimed. Returns the number of
    imports requeued or failed.
    """
    now = timezone.now()
    touched = 0
    stale = Import.objects.filter(
        status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING], leased_until__lt=now
    )
    for imp in stale:
        if imp.status == ImportStatus.QUEUED and not _task_lost(imp):
            continue
        touched += _retry(imp, now)
    _delete_old_files(now)
    return touched


def _task_lost(imp: Import) -> bool:
    from django_tasks import TaskResultStatus
    from django_tasks.exceptions import TaskResultDoesNotExist

    from pregon.contacts.tasks import import_contacts

    if not imp.task_id:
        return True
    try:
        result = import_contacts.get_result(imp.task_id)
    except TaskResultDoesNotExist:
        return True
    if result.status == TaskResultStatus.READY:
        return False  # Waiting for a free worker, which is no fault.
    if result.status == TaskResultStatus.RUNNING:
        # A worker took it; it claims the import within milliseconds unless it died.
        return result.started_at is None or result.started_at < timezone.now() - LEASE
    return True


def _retry(imp: Import, now: datetime.datetime) -> int:
    same = Import.objects.filter(
        pk=imp.pk, status=imp.status, attempts=imp.attempts, leased_until__lt=now
    )
    with transaction.atomic():
        if imp.attempts >= MAX_ATTEMPTS:
            with translation.override(imp.language):
                message = _(
                    "The import was interrupted %(count)s times, and nothing was imported. "
                    "Try again later; if it happens again, tell your administrator."
                ) % {"count": imp.attempts}
            failed = same.update(
                status=ImportStatus.FAILED, error=message, leased_until=None, finished_at=now
            )
            if failed:  # The dead worker may have begun a report; nothing will point to it.
                _report_path(imp).unlink(missing_ok=True)
            return failed
        requeued = same.update(
            status=ImportStatus.QUEUED,
            attempts=F("attempts") + 1,
            leased_until=now + LEASE,
            task_id="",
        )
        if requeued:
            attempt = imp.attempts + 1
            log.warning("import %s: requeued for attempt %s", imp.pk, attempt)
            transaction.on_commit(lambda: _enqueue(imp.pk, attempt))
        return requeued


def _delete_old_files(now: datetime.datetime) -> None:
    """Delete uploads nobody started and the source files of finished imports after a day.

    The uploaded files hold personal data and can be hundreds of megabytes; the reports of
    rejected rows stay for as long as the import does.
    """
    old = Import.objects.filter(created_at__lt=now - KEEP_FILES_FOR)
    for imp in old.filter(status=ImportStatus.UPLOADED):
        imp.file.delete(save=False)
        imp.delete()
    finished = old.filter(status__in=[ImportStatus.DONE, ImportStatus.FAILED]).exclude(file="")
    for imp in finished:
        imp.file.delete(save=False)
        Import.objects.filter(pk=imp.pk).update(file="")
