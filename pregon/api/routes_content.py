"""Templates and the gallery in the API's route table.

Templates are saved through EmailTemplate.set_source and set_text, as the editors save them,
and named through the rename form; the gallery's designs are named in the request's language.
"""

from typing import Any

from django.contrib.staticfiles import finders
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from pregon.accounts import audit
from pregon.accounts.models import AuditAction
from pregon.api.errors import ERRORS, ApiError, get_or_404, invalid, not_found
from pregon.api.schemas.content import (
    CompileIn,
    CompileOut,
    GalleryDetailOut,
    GalleryOut,
    PreviewOut,
    TemplateIn,
    TemplateOut,
    TemplatePatch,
    TemplateSummaryOut,
)
from pregon.contacts.models import Contact
from pregon.content import gallery, starts
from pregon.content.forms import TemplateNameForm
from pregon.content.models import EmailTemplate
from pregon.content.preview import personalised
from pregon.content.render import InvalidTemplate
from pregon.lib.formerrors import Errors, form_errors

router = Router()


# Templates.


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


@router.get(
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


@router.post(
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


@router.post(
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


@router.get(
    "/templates/{code}",
    response={200: TemplateOut, **ERRORS},
    tags=["templates"],
    summary=gettext_lazy("Get a template"),
)
def template_detail(request: HttpRequest, code: str) -> EmailTemplate:
    return get_or_404(EmailTemplate.objects, code=code)


@router.patch(
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


@router.delete(
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
        audit.record(request, AuditAction.DELETION, template.name, kind="template")
    return Status(204, None)


@router.get(
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


@router.get(
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


@router.get(
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
