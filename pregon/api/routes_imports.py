"""Contact imports in the API's route table: the same upload, mapping check and background run
as the import screens (pregon.contacts.imports).
"""

import json
from typing import Annotated, Any

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from pregon.api.errors import ERRORS, get_or_404, invalid, not_found
from pregon.api.schemas.imports import ImportOut
from pregon.contacts import imports
from pregon.contacts.models import Import, MailingList

router = Router()


def _import_out(request: HttpRequest, imp: Import) -> dict[str, Any]:
    imp = imports.live_progress(imp)
    report_url = None
    if imp.report:
        report_url = request.build_absolute_uri(
            reverse("api:import_report", kwargs={"code": str(imp.code)})
        )
    fields = [
        "code",
        "status",
        "mapping",
        "total_rows",
        "processed_rows",
        "percent",
        "created_count",
        "updated_count",
        "skipped_count",
        "rejected_count",
        "error",
        "created_at",
        "finished_at",
    ]
    return {
        **{name: getattr(imp, name) for name in fields},
        "file_name": imp.original_name,
        "report_url": report_url,
    }


def _column_mapping(imp: Import, mapping: dict[str, Any]) -> dict[str, str]:
    """Columns named by header (or by number, from 0) -> targets, as start_import takes them."""
    by_name = {name: str(index) for index, name in enumerate(imp.header)}
    columns = {}
    for column, target in mapping.items():
        index = by_name.get(column, column)
        if not isinstance(target, str) or not index.isdecimal():
            raise ValueError(_("The file has no column “%(column)s”.") % {"column": column})
        columns[index] = target
    return columns


MAPPING_HELP = gettext_lazy(
    'JSON: column name (or number, from 0) -> target: "email", "first_name", "last_name", '
    '"phone", "status" or "field:<key>". Left out, columns are matched by name and by what '
    "the same column name got last time, as the import screen suggests."
)


@router.post(
    "/imports",
    response={202: ImportOut, **ERRORS},
    tags=["imports"],
    summary=gettext_lazy("Start an import"),
    description=gettext_lazy(
        "Upload a file and start importing it in the background; poll GET "
        "/imports/{code}.\n\n"
        "A bad file, mapping or option is a 422 and leaves nothing behind."
    ),
)
def import_start(
    request: HttpRequest,
    file: Annotated[
        UploadedFile, File(description=gettext_lazy("A CSV (any common encoding) or XLSX file."))
    ],
    mapping: Annotated[str, Form(description=MAPPING_HELP)] = "",
    update_existing: Annotated[
        bool, Form(description=gettext_lazy("Update contacts already there, or skip."))
    ] = True,
    list_code: Annotated[
        str, Form(alias="list", description=gettext_lazy("Code of a list to add all to."))
    ] = "",
    tags: Annotated[
        str, Form(description=gettext_lazy("Tag names to put on all, separated by commas."))
    ] = "",
    consent_text: Annotated[
        str, Form(description=gettext_lazy("The wording these people agreed to."))
    ] = "",
) -> Status[dict[str, Any]]:
    try:
        columns = json.loads(mapping) if mapping.strip() else None
    except ValueError:
        columns = []
    if columns is not None and not isinstance(columns, dict):
        raise invalid({"mapping": [_("Send the mapping as a JSON object.")]})
    mailing_list = get_or_404(MailingList.objects, code=list_code) if list_code else None
    try:
        imp = imports.create_import(file, user=request.user, language=get_language())
    except ValueError as error:
        raise invalid({"file": [str(error)]}) from None
    try:
        columns = imports.suggest_mapping(imp) if columns is None else _column_mapping(imp, columns)
        imports.start_import(
            imp,
            columns,
            update_existing=update_existing,
            mailing_list=mailing_list,
            tags=tags.split(","),
            consent_text=consent_text,
            request=request,
        )
    except ValueError as error:
        imp.file.delete(save=False)
        imp.delete()
        raise invalid({"mapping": [str(error)]}) from None
    return Status(202, _import_out(request, imp))


@router.get(
    "/imports/{code}",
    response={200: ImportOut, **ERRORS},
    tags=["imports"],
    summary=gettext_lazy("Get an import"),
    description=gettext_lazy(
        "An import's progress and, once it has run, its counts and report of rejected rows."
    ),
)
def import_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return _import_out(request, get_or_404(Import.objects, code=code))


@router.get(
    "/imports/{code}/report",
    response={200: None, **ERRORS},
    tags=["imports"],
    url_name="import_report",
    summary=gettext_lazy("Download an import's rejected rows"),
    description=gettext_lazy(
        "The CSV of every rejected row and why (bad email, bad phone, duplicate…)."
    ),
)
def import_report(request: HttpRequest, code: str) -> FileResponse:
    imp = get_or_404(Import.objects, code=code)
    if not imp.report:
        raise not_found()
    return FileResponse(
        imp.report.open("rb"), as_attachment=True, filename=f"import-{imp.code}-report.csv"
    )
