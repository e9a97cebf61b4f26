"""Contacts, lists, tags and custom fields in the API's route table.

Each endpoint validates with the form the screens use (ContactForm through
pregon.contacts.upsert, MailingListForm, TagForm, FieldForm) and finds contacts as the contact
list does (pregon.contacts.search), so the API accepts and finds what the screens do.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from pregon.accounts import audit
from pregon.accounts.models import AuditAction
from pregon.api.errors import ERRORS, get_or_404, invalid, save_form
from pregon.api.schemas.contacts import (
    BulkIn,
    BulkOut,
    ContactIn,
    ContactOut,
    ContactPatch,
    FieldIn,
    FieldOut,
    FieldPatch,
    ListIn,
    ListOut,
    ListPatch,
    TagIn,
    TagOut,
)
from pregon.contacts import bulk, segments, upsert
from pregon.contacts.forms import FieldForm, MailingListForm, TagForm
from pregon.contacts.models import Contact, Field, MailingList, Segment, Tag
from pregon.contacts.models import Status as ContactStatus
from pregon.contacts.search import in_list, search, with_tag
from pregon.lib.formerrors import form_errors

router = Router()


# Contacts.


def _contacts() -> QuerySet[Contact]:
    return Contact.objects.prefetch_related("lists", "tags")


def _saved(
    request: HttpRequest, payload: dict[str, Any], contact: Contact | None, *, replace: bool
) -> Contact:
    """Save a contact from ``payload``, as upsert.save_contact does; a 422 if it is invalid."""
    try:
        contact = upsert.save_contact(payload, contact, replace=replace, by=request.user)
    except ValidationError as error:
        raise invalid(error.message_dict) from None
    return get_or_404(_contacts(), pk=contact.pk)


@router.get(
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
        contacts = in_list(contacts, get_or_404(MailingList.objects, code=list_code))
    if tag:
        contacts = with_tag(contacts, get_or_404(Tag.objects, name=tag))
    if segment:
        rules = get_or_404(Segment.objects, code=segment).rules
        try:
            contacts = segments.filter_contacts(rules, contacts)
        except ValueError as error:  # The segment names a list or field deleted since.
            raise invalid({"segment": [str(error)]}) from None
    return contacts


@router.post(
    "/contacts",
    response={201: ContactOut, **ERRORS},
    tags=["contacts"],
    summary=gettext_lazy("Create a contact"),
    description=gettext_lazy(
        "Create a contact. Validated like the contact form: email, phone, lists, custom fields."
    ),
)
def contact_create(request: HttpRequest, payload: ContactIn) -> Status[Contact]:
    return Status(201, _saved(request, payload.dict(), None, replace=True))


@router.post(
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
    try:
        created, updated = upsert.bulk_upsert(
            items, payload.add_to_lists, payload.add_tags, by=request.user
        )
    except ValidationError as error:
        raise invalid(error.message_dict) from None
    return {"created": created, "updated": updated}


@router.get(
    "/contacts/{code}",
    response={200: ContactOut, **ERRORS},
    tags=["contacts"],
    summary=gettext_lazy("Get a contact"),
)
def contact_detail(request: HttpRequest, code: str) -> Contact:
    return get_or_404(_contacts(), code=code)


@router.put(
    "/contacts/{code}",
    response={200: ContactOut, **ERRORS},
    tags=["contacts"],
    summary=gettext_lazy("Replace a contact"),
    description=gettext_lazy(
        "Replace a contact: keys left out take their defaults, except consent and the SMS "
        "choice (sms_opt_out), which stay."
    ),
)
def contact_replace(request: HttpRequest, code: str, payload: ContactIn) -> Contact:
    return _saved(request, payload.dict(), get_or_404(_contacts(), code=code), replace=True)


@router.patch(
    "/contacts/{code}",
    response={200: ContactOut, **ERRORS},
    tags=["contacts"],
    summary=gettext_lazy("Update a contact"),
    description=gettext_lazy("Change only the keys sent."),
)
def contact_update(request: HttpRequest, code: str, payload: ContactPatch) -> Contact:
    contact = get_or_404(_contacts(), code=code)
    return _saved(request, payload.dict(exclude_unset=True), contact, replace=False)


@router.delete(
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
        audit.record(request, AuditAction.DELETION, contact.email, kind="contact")
    return Status(204, None)


# Lists.


def _lists() -> QuerySet[MailingList]:
    # Django drops Meta.ordering from GROUP BY queries, so it is repeated here.
    return MailingList.objects.annotate(contact_count=Count("subscription")).order_by("name")


@router.get(
    "/lists", response=list[ListOut], tags=["lists"], summary=gettext_lazy("List the lists")
)
def list_index(request: HttpRequest) -> QuerySet[MailingList]:
    return _lists()


@router.post(
    "/lists",
    response={201: ListOut, **ERRORS},
    tags=["lists"],
    summary=gettext_lazy("Create a list"),
)
def list_create(request: HttpRequest, payload: ListIn) -> Status[MailingList]:
    mailing_list = save_form(MailingListForm, MailingList(), payload.dict())
    return Status(201, get_or_404(_lists(), pk=mailing_list.pk))


@router.get(
    "/lists/{code}",
    response={200: ListOut, **ERRORS},
    tags=["lists"],
    summary=gettext_lazy("Get a list"),
)
def list_detail(request: HttpRequest, code: str) -> MailingList:
    return get_or_404(_lists(), code=code)


@router.patch(
    "/lists/{code}",
    response={200: ListOut, **ERRORS},
    tags=["lists"],
    summary=gettext_lazy("Update a list"),
)
def list_update(request: HttpRequest, code: str, payload: ListPatch) -> MailingList:
    mailing_list = get_or_404(MailingList.objects, code=code)
    data = {name: getattr(mailing_list, name) for name in MailingListForm.Meta.fields}
    data.update(payload.dict(exclude_unset=True, exclude_none=True))
    save_form(MailingListForm, mailing_list, data)
    return get_or_404(_lists(), pk=mailing_list.pk)


@router.delete(
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
        audit.record(
            request,
            AuditAction.DELETION,
            mailing_list.name,
            kind="list",
            members=mailing_list.contact_count,
        )
    return Status(204, None)


# Tags, named by their name in paths (URL-encoded; a name may hold a slash).


def _tags() -> QuerySet[Tag]:
    return Tag.objects.annotate(contact_count=Count("contacts")).order_by("name")


def _tag_name(payload: TagIn) -> str:
    form = TagForm({"name": payload.name})
    if not form.is_valid():
        raise invalid(form_errors(form))
    return form.cleaned_data["name"]


@router.get("/tags", response=list[TagOut], tags=["tags"], summary=gettext_lazy("List the tags"))
def tag_index(request: HttpRequest) -> QuerySet[Tag]:
    return _tags()


@router.post(
    "/tags", response={201: TagOut, **ERRORS}, tags=["tags"], summary=gettext_lazy("Create a tag")
)
def tag_create(request: HttpRequest, payload: TagIn) -> Status[Tag]:
    name = _tag_name(payload)
    if Tag.objects.filter(name__iexact=name).exists():
        raise invalid({"name": [_("A tag with this name already exists.")]})
    tag = Tag.objects.create(name=name)
    return Status(201, get_or_404(_tags(), pk=tag.pk))


@router.patch(
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
    with transaction.atomic():
        tag = bulk.rename_tag(tag, new_name)
    return get_or_404(_tags(), pk=tag.pk)


@router.delete(
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
        audit.record(request, AuditAction.DELETION, tag.name, kind="tag", tagged=tag.contact_count)
    return Status(204, None)


# Custom fields, named by their key.


@router.get(
    "/fields",
    response=list[FieldOut],
    tags=["fields"],
    summary=gettext_lazy("List the custom fields"),
)
def field_index(request: HttpRequest) -> QuerySet[Field]:
    return Field.objects.all()


@router.post(
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


@router.get(
    "/fields/{key}",
    response={200: FieldOut, **ERRORS},
    tags=["fields"],
    summary=gettext_lazy("Get a custom field"),
)
def field_detail(request: HttpRequest, key: str) -> Field:
    return get_or_404(Field.objects, key=key)


@router.patch(
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


@router.delete(
    "/fields/{key}",
    response={204: None, **ERRORS},
    tags=["fields"],
    summary=gettext_lazy("Delete a custom field"),
    description=gettext_lazy("Delete a custom field and every contact's value in it."),
)
def field_delete(request: HttpRequest, key: str) -> Status[None]:
    field = get_or_404(Field.objects, key=key)
    with transaction.atomic():
        cleared = bulk.delete_field(field)
        audit.record(request, AuditAction.DELETION, field.key, kind="field", values_removed=cleared)
    return Status(204, None)
