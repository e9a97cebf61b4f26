"""Upload and mapping: a file becomes an import, and the user says where its columns go.

``create_import`` stores the file; ``preview``, ``target_choices``, ``suggest_mapping``,
``original_of`` and ``last_list`` fill the mapping screen; ``start_import`` checks the
mapping (``clean_mapping``) and queues the run.
"""

from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from pregon.accounts import audit
from pregon.accounts.models import AuditAction, User
from pregon.contacts.imports.rows import (
    EMAIL,
    FIELD_PREFIX,
    FIRST_NAME,
    LAST_NAME,
    PHONE,
    STATUS,
    data_rows,
    header_key,
)
from pregon.contacts.imports.run import LEASE, enqueue
from pregon.contacts.models import Field, Import, ImportStatus, MailingList, Tag
from pregon.lib import csvfile

# Several columns may fill a name ("Apellido paterno" and "Apellido materno"); they are
# joined with a space. Every other target takes one column at most.
JOINED_TARGETS = {FIRST_NAME, LAST_NAME}

PREVIEW_ROWS = 5
# Earlier imports looked at to recognise an uploaded file as one of their reports.
REPORT_LOOKBACK = 50

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
    the original uploader's language (see ``_check_rows`` in ``run.py``). Of several imports
    of files with the same columns, the one whose code the file's name holds (the report
    downloads as ``import-<code>-rejected-rows.csv``) wins, else the latest.
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
    columns = [csvfile.neutralise(cell).strip() for cell in original.header]
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
        transaction.on_commit(lambda: enqueue(imp.pk, 1))
    imp.refresh_from_db()
