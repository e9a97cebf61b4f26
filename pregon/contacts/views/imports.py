"""Import screens: upload a file, map its columns, follow the background run, get the report.

The work itself (reading, checking, staging, applying) is ``pregon.contacts.imports``; these
views only move the user through its steps, as the REST API does.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.contacts import imports
from pregon.contacts.forms import bootstrap
from pregon.contacts.imports.forms import ImportFieldForm, ImportOptionsForm, ImportUploadForm
from pregon.contacts.models import Import, ImportStatus

RECENT_IMPORTS = 20


@authorize(Role.EDITOR)
def import_index(request: HttpRequest) -> HttpResponse:
    """The upload form and the latest imports; a good upload goes on to its column mapping."""
    is_post = request.method == "POST"
    form = ImportUploadForm(request.POST, request.FILES) if is_post else ImportUploadForm()
    if is_post and form.is_valid():
        try:
            imp = imports.create_import(
                form.cleaned_data["file"], user=request.user, language=get_language()
            )
        except ValueError as error:
            form.add_error("file", str(error))
        else:
            return redirect("contacts:import_detail", code=imp.code)
    recent = Import.objects.select_related("created_by", "mailing_list")[:RECENT_IMPORTS]
    context = {"form": bootstrap(form), "imports": [imports.live_progress(i) for i in recent]}
    return render(
        request, "contacts/import_index.html", context, status=400 if form.errors else 200
    )


@authorize(Role.EDITOR)
def import_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Column mapping and options while the file waits; afterwards, progress and results."""
    imp = get_object_or_404(Import.objects.select_related("mailing_list"), code=code)
    if imp.status != ImportStatus.UPLOADED:
        if request.method == "POST":
            messages.info(request, _("This import has already been started."))
            return redirect("contacts:import_detail", code=imp.code)
        return render(
            request, "contacts/import_detail.html", {"import": imports.live_progress(imp)}
        )

    is_post = request.method == "POST"
    original = imports.original_of(imp)
    initial = _defaults(request, original)
    form = _options_form(imp, request.POST if is_post else None, initial=initial)
    if is_post and form.is_valid():
        try:
            with transaction.atomic():
                imports.start_import(
                    imp,
                    form.mapping(),
                    update_existing=form.cleaned_data["update_existing"],
                    mailing_list=form.chosen_list(),
                    tags=form.cleaned_data["tag_names"],
                    consent_text=form.cleaned_data["consent_text"],
                    request=request,
                )
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            return redirect("contacts:import_detail", code=imp.code)
    field_form = ImportFieldForm(prefix="new_field", header=imp.header)
    return _mapping_page(request, imp, form, field_form, original)


@authorize(Role.EDITOR)
@require_POST
def import_field_create(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Create a custom field from the mapping screen, then show the mapping again as the
    user left it, with the new field chosen for the column it was made for."""
    imp = get_object_or_404(Import, code=code)
    if imp.status != ImportStatus.UPLOADED:
        messages.info(request, _("This import has already been started."))
        return redirect("contacts:import_detail", code=imp.code)
    field_form = ImportFieldForm(request.POST, prefix="new_field", header=imp.header)
    # The options as posted, kept as they are (unchecked) while the field is made.
    kept = {name: request.POST.get(name) for name in OPTION_NAMES if name in request.POST}
    columns = {
        str(index): request.POST.get(f"column_{index}", "") for index in range(len(imp.header))
    }
    if field_form.is_valid():
        field = field_form.save()
        if field_form.cleaned_data["column"]:
            columns[field_form.cleaned_data["column"]] = imports.FIELD_PREFIX + field.key
        messages.success(
            request,
            _("Custom field “%(label)s” created with the key %(key)s.")
            % {"label": field.label, "key": field.key},
        )
        field_form = ImportFieldForm(prefix="new_field", header=imp.header)
    form = _options_form(imp, None, initial=kept, suggested=columns)
    return _mapping_page(request, imp, form, field_form, imports.original_of(imp))


OPTION_NAMES = (
    "update_existing",
    "mailing_list",
    "new_list_name",
    "tag_names",
    "consent_text",
)


def _options_form(
    imp: Import,
    data: Any,
    *,
    initial: dict[str, Any],
    suggested: dict[str, str] | None = None,
) -> ImportOptionsForm:
    return ImportOptionsForm(
        data,
        header=imp.header,
        targets=imports.target_choices(),
        suggested=imports.suggest_mapping(imp) if suggested is None else suggested,
        initial=initial,
    )


def _defaults(request: HttpRequest, original: Import | None) -> dict[str, Any]:
    """The options a new mapping starts with: those of the import whose report of rejected
    rows this file is (``original``), else the list of the latest import."""
    if original is None:
        return {"mailing_list": imports.last_list(request.user)}
    return {
        "update_existing": "1" if original.update_existing else "0",
        "mailing_list": original.mailing_list,
        "tag_names": ", ".join(original.tags.values_list("name", flat=True)),
        "consent_text": original.consent_text,
    }


def _mapping_page(
    request: HttpRequest,
    imp: Import,
    form: ImportOptionsForm,
    field_form: ImportFieldForm,
    original: Import | None,
) -> HttpResponse:
    context = {
        "import": imp,
        "form": bootstrap(form),
        "field_form": bootstrap(field_form),
        "original": original,
        "preview": imports.preview(imp),
    }
    failed = form.errors or field_form.errors
    return render(request, "contacts/import_mapping.html", context, status=400 if failed else 200)


@authorize(Role.EDITOR)
@require_GET
def import_progress(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The progress card alone, which the detail page polls with htmx until the run ends."""
    imp = get_object_or_404(Import.objects.select_related("mailing_list"), code=code)
    return render(request, "contacts/import_progress.html", {"import": imports.live_progress(imp)})


@authorize(Role.EDITOR)
@require_GET
def import_report(request: HttpRequest, code: uuid.UUID) -> FileResponse:
    """The CSV of rejected rows, each with its reason, as a download."""
    imp = get_object_or_404(Import, code=code)
    if not imp.report:
        raise Http404
    return FileResponse(
        imp.report.open("rb"),
        as_attachment=True,
        filename=_("import-%(code)s-rejected-rows.csv") % {"code": imp.code},
    )


@authorize(Role.EDITOR)
@require_POST
def import_discard(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Throw away an uploaded file that was never started."""
    imp = get_object_or_404(Import, code=code, status=ImportStatus.UPLOADED)
    # Conditional, so that an import started meanwhile in another tab is left alone.
    deleted, _rows = Import.objects.filter(pk=imp.pk, status=ImportStatus.UPLOADED).delete()
    if not deleted:
        messages.info(request, _("This import has already been started."))
        return redirect("contacts:import_detail", code=imp.code)
    imp.file.delete(save=False)
    messages.info(request, _("The file “%(name)s” was discarded.") % {"name": imp.original_name})
    return redirect("contacts:imports")
