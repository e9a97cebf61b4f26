"""The REST API, /api/v1/: one route table over the functions and forms the UI also uses.

Every endpoint needs an API token (``Authorization: Bearer <token>``) of an editor or an
administrator, because contacts are personal data and a template can be previewed as any
contact. Analysts may read two figures: the count of a saved segment and the quota.
Delivery backends and quota credits are for administrators, as in the UI.

The table has two halves: contacts and content here, and campaigns, sender identities,
delivery backends and the quota in routes_sending.py, added below as a router.
"""

import json
from typing import Annotated, Any

from django.contrib.staticfiles import finders
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import FileResponse, HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Status
from ninja.files import UploadedFile
from ninja.openapi.docs import Swagger
from ninja.pagination import PageNumberPagination, paginate

from pregon.accounts import audit
from pregon.accounts.models import AuditAction
from pregon.api import (
    auth,
    errors,
    routes_account,
    routes_domains,
    routes_impact,
    routes_reports,
    routes_sending,
)
from pregon.api.contacts import bulk_upsert, save_contact
from pregon.api.errors import (
    ERRORS,
    ApiError,
    Errors,
    form_errors,
    get_or_404,
    invalid,
    not_found,
    save_form,
)
from pregon.api.openapi import TranslatedAPI
from pregon.api.schemas import (
    BulkIn,
    BulkOut,
    CompileIn,
    CompileOut,
    ContactIn,
    ContactOut,
    ContactPatch,
    CountOut,
    FieldIn,
    FieldOut,
    FieldPatch,
    GalleryDetailOut,
    GalleryOut,
    ImportOut,
    ListIn,
    ListOut,
    ListPatch,
    PreviewOut,
    RulesIn,
    SegmentIn,
    SegmentOut,
    SegmentPatch,
    TagIn,
    TagOut,
    TemplateIn,
    TemplateOut,
    TemplatePatch,
    TemplateSummaryOut,
)
from pregon.contacts import bulk, imports, segments
from pregon.contacts.forms import FieldForm, MailingListForm, TagForm
from pregon.contacts.models import (
    Contact,
    Field,
    Import,
    MailingList,
    Segment,
    Subscription,
    Tag,
)
from pregon.contacts.models import Status as ContactStatus
from pregon.contacts.views.contacts import search
from pregon.contacts.views.segments import SegmentForm
from pregon.content import gallery, starts
from pregon.content.forms import TemplateNameForm
from pregon.content.models import EmailTemplate
from pregon.content.preview import personalised
from pregon.content.render import InvalidTemplate

# What /api/v1/docs says first, to the developers of other systems, in their language.
DESCRIPTION = gettext_lazy(
    "The API of Pregón for other systems: contacts, lists, tags, custom fields, segments, "
    "imports, templates, campaigns, senders, sending servers, domains, the quota and campaign "
    "reports, with the same checks as the screens.\n\n"
    "Every call needs an API token, sent as the header `Authorization: Bearer <token>`; create "
    "one under “API tokens” in your account. A token may do what its user may do on the "
    "screens: an analyst's token reads only the count of a saved segment, the quota and the "
    "campaign figures; sending servers and quota credits are for administrators.\n\n"
    "A call that cannot be done answers with a 4xx status and a JSON body: `detail`, a "
    "sentence saying what to fix, and `errors`, the messages of each field to blame."
)

api = TranslatedAPI(
    title="Pregón API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=auth.EDITOR,
    # Swagger UI from django-ninja's own static files; no validator badge, which would
    # call swagger.io: the users' machines have no internet access.
    docs=Swagger(settings={"validatorUrl": None}),
)
errors.install(api)
api.add_router("", routes_sending.router)
api.add_router("", routes_impact.router)
api.add_router("", routes_reports.router)
api.add_router("", routes_account.router)
api.add_router("", routes_domains.router)


def _deleted(request: HttpRequest, kind: str, target: str, **detail: object) -> None:
    """Audit a deletion with the words the UI's deletions use."""
    audit.record(request, AuditAction.DELETION, target, kind=kind, **detail)


# Contacts.


def _contacts() -> QuerySet[Contact]:
    return Contact.objects.prefetch_related("lists", "tags")


@api.get(
    "/contacts",
    response=list[ContactOut],
    tags=["contacts"],
    summary=gettext_lazy("List contacts"),
    description=gettext_lazy(
        "Contacts, newest first, searched and filtered as on the contact list; all "
        "filters combine. A list, tag or segment that does not exist is a 404."
    ),
)
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
def contact_list(
    request: HttpRequest,
    q: str = Query(
        "", description=gettext_lazy("Words to find in the email address, name or phone.")
    ),
    status: ContactStatus | None = None,
    list_code: str | None = Query(None, alias="list", description=gettext_lazy("Code of a list.")),
    tag: str | None = Query(None, description=gettext_lazy("Name of a tag.")),
    segment: str | None = Query(None, description=gettext_lazy("Code of a saved segment.")),
) -> QuerySet[Contact]:
    contacts = search(_contacts(), q)
    if status:
        contacts = contacts.filter(status=status)
    if list_code:
        member = Subscription.objects.filter(
            contact=OuterRef("pk"), mailing_list=get_or_404(MailingList.objects, code=list_code)
        )
        contacts = contacts.filter(Exists(member))
    if tag:
        tagged = bulk.ContactTag.objects.filter(
            contact=OuterRef("pk"), tag=get_or_404(Tag.objects, name=tag)
        )
        contacts = contacts.filter(Exists(tagged))
    if segment:
        rules = get_or_404(Segment.objects, code=segment).rules
        try:
            contacts = segments.filter_contacts(rules, contacts)
        except ValueError as error:  # The segment names a list or field deleted since.
            raise invalid({"segment": [str(error)]}) from None
    return contacts


@api.post(
    "/contacts",
    response={201: ContactOut, **ERRORS},
    tags=["contacts"],
    summary=gettext_lazy("Create a contact"),
    description=gettext_lazy(
        "Create a contact. Validated like the contact form: email, phone, lists, custom fields."
    ),
)
def contact_create(request: HttpRequest, payload: ContactIn) -> Status[Contact]:
    contact = save_contact(payload.dict(), None, replace=True)
    return Status(201, get_or_404(_contacts(), pk=contact.pk))


@api.post(
    "/contacts/bulk",
    response={200: BulkOut, **ERRORS},
    tags=["contacts"],
    summary=gettext_lazy("Create or update contacts in bulk"),
    description=gettext_lazy(
        "Create or update up to 1,000 contacts matched by email, all or nothing.\n\n"
        "If any item is invalid the answer is a 422 with errors keyed "
        "`contacts.<index>.<field>` and nothing is written. An existing contact changes "
        "only in the keys its item sends."
    ),
)
def contact_bulk(request: HttpRequest, payload: BulkIn) -> dict[str, int]:
    items = [item.dict(exclude_unset=True) for item in payload.contacts]
    created, updated = bulk_upsert(items, payload.add_to_lists, payload.add_tags)
    return {"created": created, "updated": updated}


@api.get(
    "/contacts/{code}",
    response={200: ContactOut, **ERRORS},
    tags=["contacts"],
    summary=gettext_lazy("Get a contact"),
)
def contact_detail(request: HttpRequest, code: str) -> Contact:
    return get_or_404(_contacts(), code=code)


@api.put(
    "/contacts/{code}",
    response={200: ContactOut, **ERRORS},
    tags=["contacts"],
    summary=gettext_lazy("Replace a contact"),
    description=gettext_lazy(
        "Replace a contact: keys left out take their defaults, except consent, which stays."
    ),
)
def contact_replace(request: HttpRequest, code: str, payload: ContactIn) -> Contact:
    contact = save_contact(payload.dict(), get_or_404(_contacts(), code=code), replace=True)
    return get_or_404(_contacts(), pk=contact.pk)


@api.patch(
    "/contacts/{code}",
    response={200: ContactOut, **ERRORS},
    tags=["contacts"],
    summary=gettext_lazy("Update a contact"),
    description=gettext_lazy("Change only the keys sent."),
)
def contact_update(request: HttpRequest, code: str, payload: ContactPatch) -> Contact:
    contact = get_or_404(_contacts(), code=code)
    contact = save_contact(payload.dict(exclude_unset=True), contact, replace=False)
    return get_or_404(_contacts(), pk=contact.pk)


@api.delete(
    "/contacts/{code}",
    response={204: None, **ERRORS},
    tags=["contacts"],
    summary=gettext_lazy("Delete a contact"),
    description=gettext_lazy("Delete a contact for good (recorded in the audit log)."),
)
def contact_delete(request: HttpRequest, code: str) -> Status[None]:
    contact = get_or_404(Contact.objects, code=code)
    with transaction.atomic():
        contact.delete()
        _deleted(request, "contact", contact.email)
    return Status(204, None)


# Lists.


def _lists() -> QuerySet[MailingList]:
    # Django drops Meta.ordering from GROUP BY queries, so it is repeated here.
    return MailingList.objects.annotate(contact_count=Count("subscription")).order_by("name")


@api.get("/lists", response=list[ListOut], tags=["lists"], summary=gettext_lazy("List the lists"))
def list_index(request: HttpRequest) -> QuerySet[MailingList]:
    return _lists()


@api.post(
    "/lists",
    response={201: ListOut, **ERRORS},
    tags=["lists"],
    summary=gettext_lazy("Create a list"),
)
def list_create(request: HttpRequest, payload: ListIn) -> Status[MailingList]:
    mailing_list = save_form(MailingListForm, MailingList(), payload.dict())
    return Status(201, get_or_404(_lists(), pk=mailing_list.pk))


@api.get(
    "/lists/{code}",
    response={200: ListOut, **ERRORS},
    tags=["lists"],
    summary=gettext_lazy("Get a list"),
)
def list_detail(request: HttpRequest, code: str) -> MailingList:
    return get_or_404(_lists(), code=code)


@api.patch(
    "/lists/{code}",
    response={200: ListOut, **ERRORS},
    tags=["lists"],
    summary=gettext_lazy("Update a list"),
)
def list_update(request: HttpRequest, code: str, payload: ListPatch) -> MailingList:
    mailing_list = get_or_404(MailingList.objects, code=code)
    data = {"name": mailing_list.name, "description": mailing_list.description}
    data.update(payload.dict(exclude_unset=True, exclude_none=True))
    save_form(MailingListForm, mailing_list, data)
    return get_or_404(_lists(), pk=mailing_list.pk)


@api.delete(
    "/lists/{code}",
    response={204: None, **ERRORS},
    tags=["lists"],
    summary=gettext_lazy("Delete a list"),
    description=gettext_lazy("Delete a list; its contacts stay, outside it."),
)
def list_delete(request: HttpRequest, code: str) -> Status[None]:
    mailing_list = get_or_404(_lists(), code=code)
    with transaction.atomic():
        mailing_list.delete()
        _deleted(request, "list", mailing_list.name, members=mailing_list.contact_count)
    return Status(204, None)


# Tags, named by their name in paths (URL-encoded; a name may hold a slash).


def _tags() -> QuerySet[Tag]:
    return Tag.objects.annotate(contact_count=Count("contacts")).order_by("name")


def _tag_name(payload: TagIn) -> str:
    form = TagForm({"name": payload.name})
    if not form.is_valid():
        raise invalid(form_errors(form))
    return form.cleaned_data["name"]


@api.get("/tags", response=list[TagOut], tags=["tags"], summary=gettext_lazy("List the tags"))
def tag_index(request: HttpRequest) -> QuerySet[Tag]:
    return _tags()


@api.post(
    "/tags", response={201: TagOut, **ERRORS}, tags=["tags"], summary=gettext_lazy("Create a tag")
)
def tag_create(request: HttpRequest, payload: TagIn) -> Status[Tag]:
    name = _tag_name(payload)
    if Tag.objects.filter(name__iexact=name).exists():
        raise invalid({"name": [_("A tag with this name already exists.")]})
    tag = Tag.objects.create(name=name)
    return Status(201, get_or_404(_tags(), pk=tag.pk))


@api.patch(
    "/tags/{path:name}",
    response={200: TagOut, **ERRORS},
    tags=["tags"],
    summary=gettext_lazy("Rename a tag"),
    description=gettext_lazy(
        "Rename a tag. Renaming it to another tag's name merges the two, as in the UI."
    ),
)
def tag_rename(request: HttpRequest, name: str, payload: TagIn) -> Tag:
    tag = get_or_404(Tag.objects, name=name)
    new_name = _tag_name(payload)
    target = Tag.objects.filter(name__iexact=new_name).exclude(pk=tag.pk).first()
    with transaction.atomic():
        if target is None:
            tag.name = new_name
            tag.save(update_fields=["name"])
        else:
            bulk.merge_tag(tag, target)
            tag = target
    return get_or_404(_tags(), pk=tag.pk)


@api.delete(
    "/tags/{path:name}",
    response={204: None, **ERRORS},
    tags=["tags"],
    summary=gettext_lazy("Delete a tag"),
    description=gettext_lazy("Delete a tag; its contacts stay, without it."),
)
def tag_delete(request: HttpRequest, name: str) -> Status[None]:
    tag = get_or_404(_tags(), name=name)
    with transaction.atomic():
        tag.delete()
        _deleted(request, "tag", tag.name, tagged=tag.contact_count)
    return Status(204, None)


# Custom fields, named by their key.


@api.get(
    "/fields",
    response=list[FieldOut],
    tags=["fields"],
    summary=gettext_lazy("List the custom fields"),
)
def field_index(request: HttpRequest) -> QuerySet[Field]:
    return Field.objects.all()


@api.post(
    "/fields",
    response={201: FieldOut, **ERRORS},
    tags=["fields"],
    summary=gettext_lazy("Create a custom field"),
    description=gettext_lazy(
        'Create a custom field. Its key comes from the label ("Fecha de inicio" -> '
        "fecha_de_inicio), as in the UI, and is fixed from then on, like its type."
    ),
)
def field_create(request: HttpRequest, payload: FieldIn) -> Status[Field]:
    return Status(201, save_form(FieldForm, Field(), payload.dict()))


@api.get(
    "/fields/{key}",
    response={200: FieldOut, **ERRORS},
    tags=["fields"],
    summary=gettext_lazy("Get a custom field"),
)
def field_detail(request: HttpRequest, key: str) -> Field:
    return get_or_404(Field.objects, key=key)


@api.patch(
    "/fields/{key}",
    response={200: FieldOut, **ERRORS},
    tags=["fields"],
    summary=gettext_lazy("Update a custom field"),
    description=gettext_lazy(
        "Change a field's label. Its key and type stay, because stored values depend on them."
    ),
)
def field_update(request: HttpRequest, key: str, payload: FieldPatch) -> Field:
    field = get_or_404(Field.objects, key=key)
    return save_form(FieldForm, field, {"label": payload.label, "type": field.type})


@api.delete(
    "/fields/{key}",
    response={204: None, **ERRORS},
    tags=["fields"],
    summary=gettext_lazy("Delete a custom field"),
    description=gettext_lazy("Delete a custom field and every contact's value in it."),
)
def field_delete(request: HttpRequest, key: str) -> Status[None]:
    field = get_or_404(Field.objects, key=key)
    with transaction.atomic():
        cleared = bulk.remove_attribute(field.key)
        field.delete()
        _deleted(request, "field", field.key, values_removed=cleared)
    return Status(204, None)


# Segments. Rules are validated (and lists and tags in them stored by id) by the same
# form and functions as the segment builder.


@api.get(
    "/segments",
    response=list[SegmentOut],
    tags=["segments"],
    summary=gettext_lazy("List the segments"),
)
def segment_index(request: HttpRequest) -> QuerySet[Segment]:
    return Segment.objects.all()


@api.post(
    "/segments",
    response={201: SegmentOut, **ERRORS},
    tags=["segments"],
    summary=gettext_lazy("Create a segment"),
    description=gettext_lazy(
        "Save a segment. Lists may be named by code and tags by name; they are stored by id."
    ),
)
def segment_create(request: HttpRequest, payload: SegmentIn) -> Status[Segment]:
    segment = save_form(SegmentForm, Segment(created_by=request.user), payload.dict())
    return Status(201, segment)


@api.post(
    "/segments/count",
    response={200: CountOut, **ERRORS},
    tags=["segments"],
    summary=gettext_lazy("Count the contacts matching rules"),
    description=gettext_lazy(
        "Count the contacts that match `rules`, without saving them (the builder's live "
        "count).\n\n"
        "Editors only: arbitrary rules could tell whether a given person is a contact."
    ),
)
def segment_count_rules(request: HttpRequest, payload: RulesIn) -> dict[str, int]:
    return {"count": _count(payload.rules)}


@api.get(
    "/segments/{code}",
    response={200: SegmentOut, **ERRORS},
    tags=["segments"],
    summary=gettext_lazy("Get a segment"),
)
def segment_detail(request: HttpRequest, code: str) -> Segment:
    return get_or_404(Segment.objects, code=code)


@api.patch(
    "/segments/{code}",
    response={200: SegmentOut, **ERRORS},
    tags=["segments"],
    summary=gettext_lazy("Update a segment"),
)
def segment_update(request: HttpRequest, code: str, payload: SegmentPatch) -> Segment:
    segment = get_or_404(Segment.objects, code=code)
    data = {"name": segment.name, "rules": segment.rules}
    data.update(payload.dict(exclude_unset=True, exclude_none=True))
    segment.updated_at = timezone.now()
    return save_form(SegmentForm, segment, data)


@api.delete(
    "/segments/{code}",
    response={204: None, **ERRORS},
    tags=["segments"],
    summary=gettext_lazy("Delete a segment"),
)
def segment_delete(request: HttpRequest, code: str) -> Status[None]:
    segment = get_or_404(Segment.objects, code=code)
    with transaction.atomic():
        segment.delete()
        _deleted(request, "segment", segment.name, code=str(segment.code))
    return Status(204, None)


@api.get(
    "/segments/{code}/count",
    response={200: CountOut, **ERRORS},
    tags=["segments"],
    auth=auth.ANALYST,
    summary=gettext_lazy("Count a segment's contacts"),
    description=gettext_lazy(
        "How many contacts a saved segment has now. Analysts may read this: it is a "
        "figure, and the segment's rules were written by an editor."
    ),
)
def segment_count(request: HttpRequest, code: str) -> dict[str, int]:
    return {"count": _count(get_or_404(Segment.objects, code=code).rules)}


def _count(rules: dict[str, Any]) -> int:
    try:
        return segments.count_contacts(rules)
    except ValueError as error:
        raise invalid({"rules": [str(error)]}) from None


# Imports: the same upload, mapping check and background run as the import screens.


def _import_out(request: HttpRequest, imp: Import) -> dict[str, Any]:
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
        if not isinstance(target, str) or not index.isdigit():
            raise ValueError(_("The file has no column “%(column)s”.") % {"column": column})
        columns[index] = target
    return columns


MAPPING_HELP = gettext_lazy(
    'JSON: column name (or number, from 0) -> target: "email", "first_name", "last_name", '
    '"phone", "status" or "field:<key>". Left out, columns are matched by name and by what '
    "the same column name got last time, as the import screen suggests."
)


@api.post(
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


@api.get(
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


@api.get(
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


# Templates, saved through EmailTemplate.set_source and set_text as the editors save them.


def _problems(error: InvalidTemplate) -> list[str]:
    """Each problem of an unusable source, with its line where known ("Line 3: …")."""
    return [str(problem) for problem in error.problems]


def _name_errors(template: EmailTemplate, name: str) -> Errors:
    """Set ``template``'s name if the rename form accepts it; return the form's errors."""
    form = TemplateNameForm({"name": name}, instance=template)
    return {} if form.is_valid() else form_errors(form)


def _new_template(payload: TemplateIn) -> tuple[EmailTemplate, str]:
    """The unsaved template ``payload`` asks for, named as in the UI, and the source to set."""
    sent = [
        key
        for key, value in [
            ("source", payload.source),
            ("gallery", payload.gallery),
            ("copy", payload.copy_of),
        ]
        if value is not None
    ]
    if len(sent) > 1:
        raise invalid({key: [_("Send only one of source, gallery and copy.")] for key in sent})
    if payload.source is not None:
        if payload.format is None:
            raise invalid({"format": [_("This field is required.")]})
        return EmailTemplate(format=payload.format), payload.source
    if payload.format is not None:
        raise invalid({"format": [_("Send a format only together with a source.")]})
    if payload.gallery is not None:
        entry = gallery.get(payload.gallery)
        if entry is None:
            message = _("The gallery has no design with the key “%(key)s”.")
            raise invalid({"gallery": [message % {"key": payload.gallery}]})
        return starts.from_gallery(entry)
    if payload.copy_of is not None:
        # A code in the body that names nothing is a 422, like a list code in a contact.
        try:
            original = get_or_404(EmailTemplate.objects, code=payload.copy_of)
        except ApiError:
            message = _("There is no template with the code “%(code)s”.")
            raise invalid({"copy": [message % {"code": payload.copy_of}]}) from None
        return starts.copy_of(original)
    return starts.blank()


@api.get(
    "/templates",
    response=list[TemplateSummaryOut],
    tags=["templates"],
    summary=gettext_lazy("List the templates"),
    description=gettext_lazy(
        "Templates, most recently changed first. Without source, HTML and text, which "
        "can be large: GET /templates/{code} has them."
    ),
)
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
def template_list(
    request: HttpRequest,
    q: str = Query("", description=gettext_lazy("Words to find in the name.")),
) -> QuerySet[EmailTemplate]:
    templates = EmailTemplate.objects.defer("source", "html", "text")
    for word in q.split():
        templates = templates.filter(name__icontains=word)
    return templates


@api.post(
    "/templates",
    response={201: TemplateOut, **ERRORS},
    tags=["templates"],
    summary=gettext_lazy("Create a template"),
    description=gettext_lazy(
        "Create a template from `source` and `format`, from a gallery design "
        '(`gallery`, filled with the brand kit like "Use this design"), as a copy of '
        "another (`copy`), or, with none of these, from the blank MJML design.\n\n"
        "An unusable source is a 422 whose `errors.source` names each problem and its "
        "line."
    ),
)
def template_create(request: HttpRequest, payload: TemplateIn) -> Status[EmailTemplate]:
    template, source = _new_template(payload)
    template.created_by = request.user
    errors = _name_errors(template, payload.name) if payload.name is not None else {}
    try:
        template.set_source(source)
    except InvalidTemplate as error:
        errors["source"] = _problems(error)
    if errors:
        raise invalid(errors)
    template.save()
    return Status(201, template)


@api.post(
    "/templates/compile",
    response={200: CompileOut, **ERRORS},
    tags=["templates"],
    summary=gettext_lazy("Compile a source without saving"),
    description=gettext_lazy(
        "Compile a source as saving it would, without saving: the HTML (merge tags left "
        "in), the plain text and the pre-flight checks. An unusable source is a 422, as "
        "when saving."
    ),
)
def template_compile(request: HttpRequest, payload: CompileIn) -> EmailTemplate:
    template = EmailTemplate(format=payload.format)
    try:
        template.set_source(payload.source)
    except InvalidTemplate as error:
        raise invalid({"source": _problems(error)}) from None
    return template


@api.get(
    "/templates/{code}",
    response={200: TemplateOut, **ERRORS},
    tags=["templates"],
    summary=gettext_lazy("Get a template"),
)
def template_detail(request: HttpRequest, code: str) -> EmailTemplate:
    return get_or_404(EmailTemplate.objects, code=code)


@api.patch(
    "/templates/{code}",
    response={200: TemplateOut, **ERRORS},
    tags=["templates"],
    summary=gettext_lazy("Update a template"),
    description=gettext_lazy(
        "Change only the keys sent. A new `source` is compiled and checked again; "
        '`text` replaces the plain-text version, and "" goes back to the one made from '
        "the HTML."
    ),
)
def template_update(request: HttpRequest, code: str, payload: TemplatePatch) -> EmailTemplate:
    template = get_or_404(EmailTemplate.objects, code=code)
    errors = _name_errors(template, payload.name) if payload.name is not None else {}
    try:
        if payload.source is not None:
            template.set_source(payload.source)
    except InvalidTemplate as error:
        errors["source"] = _problems(error)
    else:
        try:
            if payload.text is not None:
                template.set_text(payload.text)
        except InvalidTemplate as error:
            errors["text"] = _problems(error)
    if errors:
        raise invalid(errors)
    template.updated_at = timezone.now()
    template.save()
    return template


@api.delete(
    "/templates/{code}",
    response={204: None, **ERRORS},
    tags=["templates"],
    summary=gettext_lazy("Delete a template"),
    description=gettext_lazy("Delete a template for good (recorded in the audit log)."),
)
def template_delete(request: HttpRequest, code: str) -> Status[None]:
    template = get_or_404(EmailTemplate.objects, code=code)
    with transaction.atomic():
        template.delete()
        _deleted(request, "template", template.name)
    return Status(204, None)


@api.get(
    "/templates/{code}/preview",
    response={200: PreviewOut, **ERRORS},
    tags=["templates"],
    summary=gettext_lazy("Preview a template for a contact"),
    description=gettext_lazy(
        "The HTML and text with their merge tags filled for a contact, as sent (but "
        'with "#" for the unsubscribe link). Contact data is escaped in the HTML, not '
        "in the text. An unknown contact is a 404; a template that cannot be sent "
        "(saved before a rule existed) is a 422 whose `errors.template` says why."
    ),
)
def template_preview(
    request: HttpRequest,
    code: str,
    contact: str = Query(
        "", description=gettext_lazy("Code or email address; left out, a sample person.")
    ),
) -> dict[str, str]:
    template = get_or_404(EmailTemplate.objects, code=code)
    person = None
    if contact := contact.strip():
        if "@" in contact:
            person = get_or_404(Contact.objects, email=contact.lower())
        else:
            person = get_or_404(Contact.objects, code=contact)
    try:
        rendered = personalised(template.html, template.text, person)
    except InvalidTemplate as error:
        raise invalid({"template": _problems(error)}) from None
    return {"html": rendered.html, "text": rendered.text}


# The gallery of designs a template can start from, named in the request's language.


def _gallery_out(request: HttpRequest, entry: gallery.GalleryTemplate) -> dict[str, Any]:
    image = f"content/gallery/previews/{entry.key}.png"
    return {
        "key": entry.key,
        "name": str(entry.name),
        "description": str(entry.description),
        "category": str(entry.category),
        "preview_url": request.build_absolute_uri(static(image)) if finders.find(image) else None,
    }


@api.get(
    "/gallery",
    response=list[GalleryOut],
    tags=["gallery"],
    summary=gettext_lazy("List the gallery designs"),
    description=gettext_lazy(
        "The designs; POST /templates with `gallery` set to a key starts a template from one."
    ),
)
def gallery_index(request: HttpRequest) -> list[dict[str, Any]]:
    return [_gallery_out(request, entry) for entry in gallery.GALLERY]


@api.get(
    "/gallery/{key}",
    response={200: GalleryDetailOut, **ERRORS},
    tags=["gallery"],
    summary=gettext_lazy("Get a gallery design"),
    description=gettext_lazy(
        "A design and its MJML with the brand kit applied, as a template made from it starts."
    ),
)
def gallery_detail(request: HttpRequest, key: str) -> dict[str, Any]:
    entry = gallery.get(key)
    if entry is None:
        raise not_found()
    source = starts.branded_source(entry.key)
    return {**_gallery_out(request, entry), "source": source}
