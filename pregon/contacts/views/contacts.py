"""The contact list (search, filters, bulk actions, export), the contact page and form, and
stopping or resuming a contact's SMS."""

import datetime
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.contacts import bulk, exports, sms_opt_out
from pregon.contacts.forms import (
    BulkAction,
    BulkActionForm,
    ContactForm,
    SmsChoiceForm,
    bootstrap,
)
from pregon.contacts.models import (
    Contact,
    Field,
    FieldType,
    MailingList,
    Segment,
    SmsVia,
    Status,
    Suppression,
    Tag,
)
from pregon.contacts.search import in_list, search, with_tag

PER_PAGE = 50
FILTERS = ("q", "status", "list", "tag", "segment")


def as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def filtered_contacts(params: QueryDict) -> tuple[QuerySet[Contact], dict[str, str], dict]:
    """The contacts that the filter in ``params`` selects.

    Returns the queryset, the filter values in use (to carry into links and forms) and the
    objects they name (for display). A list, tag or segment that does not exist selects no
    contacts: a bulk action on "all matching" must never widen to everyone.
    """
    contacts = Contact.objects.all()
    values = {name: params.get(name, "").strip() for name in FILTERS}
    values = {name: value for name, value in values.items() if value}
    named: dict = {}
    if "q" in values:
        contacts = search(contacts, values["q"])
    if "status" in values:
        if values["status"] in Status.values:
            contacts = contacts.filter(status=values["status"])
        else:
            contacts = contacts.none()
    if "list" in values:
        code = as_uuid(values["list"])
        named["list"] = code and MailingList.objects.filter(code=code).first()
        if named["list"]:
            contacts = in_list(contacts, named["list"])
        else:
            contacts = contacts.none()
    if "tag" in values:
        tag_id = values["tag"]
        named["tag"] = tag_id.isdecimal() and Tag.objects.filter(id=int(tag_id)).first()
        if named["tag"]:
            contacts = with_tag(contacts, named["tag"])
        else:
            contacts = contacts.none()
    if "segment" in values:
        code = as_uuid(values["segment"])
        named["segment"] = code and Segment.objects.filter(code=code).first()
        if named["segment"]:
            from pregon.contacts.segments import filter_contacts

            try:
                contacts = filter_contacts(named["segment"].rules, contacts)
            except ValueError as error:
                # Rules saved before a list, tag or field they name was deleted.
                named["segment_error"] = str(error)
                contacts = contacts.none()
        else:
            contacts = contacts.none()
    return contacts, values, named


def list_url(filters: dict[str, str]) -> str:
    url = reverse("contacts:list")
    return f"{url}?{urlencode(filters)}" if filters else url


@authorize(Role.EDITOR)
def contact_list(request: HttpRequest) -> HttpResponse:
    contacts, filters, named = filtered_contacts(request.GET)
    # Newest first on the primary key, and two prefetch queries for the whole page's lists
    # and tags: the page costs the same with 100 contacts or 1,000,000.
    contacts = contacts.order_by("-id").prefetch_related("lists", "tags")
    page = Paginator(contacts, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "named": named,
        "statuses": Status.choices,
        "mailing_lists": MailingList.objects.all(),
        "tags": Tag.objects.all(),
        "bulk_actions": BulkAction.choices,
        "has_contacts": page.paginator.count > 0 or Contact.objects.exists(),
    }
    return render(request, "contacts/contact_list.html", context)


@authorize(Role.EDITOR)
@require_POST
def contact_bulk(request: HttpRequest) -> HttpResponse:
    """Run a bulk action; deleting asks for confirmation first."""
    contacts, filters, _named = filtered_contacts(request.POST)
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(list_url(filters))
    data = form.cleaned_data
    if data["scope"] == BulkActionForm.SELECTED:
        contacts = Contact.objects.filter(code__in=data["contacts"])
    action = data["action"]
    if action == BulkAction.DELETE and not request.POST.get("confirmed"):
        count = contacts.count()
        hidden = [
            (name, value)
            for name in request.POST
            if name != "csrfmiddlewaretoken"
            for value in request.POST.getlist(name)
        ]
        context = {
            "title": _("Delete contacts"),
            "question": ngettext(
                "Delete %(count)s contact with its lists, tags and consent records?",
                "Delete %(count)s contacts with their lists, tags and consent records?",
                count,
            )
            % {"count": intcomma(count)},
            "warning": _("This cannot be undone."),
            "action_url": reverse("contacts:bulk"),
            "hidden": [*hidden, ("confirmed", "1")],
            "button": _("Delete"),
            "cancel_url": list_url(filters),
        }
        return render(request, "contacts/confirm.html", context)

    with transaction.atomic():
        if action == BulkAction.ADD_TO_LIST:
            count = bulk.add_to_list(contacts, data["mailing_list"])
            text = ngettext(
                "%(count)s contact added to the list “%(name)s”.",
                "%(count)s contacts added to the list “%(name)s”.",
                count,
            ) % {"count": intcomma(count), "name": data["mailing_list"].name}
        elif action == BulkAction.REMOVE_FROM_LIST:
            count = bulk.remove_from_list(contacts, data["mailing_list"])
            text = ngettext(
                "%(count)s contact removed from the list “%(name)s”.",
                "%(count)s contacts removed from the list “%(name)s”.",
                count,
            ) % {"count": intcomma(count), "name": data["mailing_list"].name}
        elif action == BulkAction.ADD_TAG:
            tag = Tag.objects.get_or_create(name=data["tag_name"])[0]
            count = bulk.add_tag(contacts, tag)
            text = ngettext(
                "Tag “%(name)s” added to %(count)s contact.",
                "Tag “%(name)s” added to %(count)s contacts.",
                count,
            ) % {"count": intcomma(count), "name": tag.name}
        elif action == BulkAction.UNSUBSCRIBE:
            count = bulk.unsubscribe(contacts)
            text = ngettext(
                "%(count)s contact unsubscribed.", "%(count)s contacts unsubscribed.", count
            ) % {"count": intcomma(count)}
        else:
            count = bulk.delete_contacts(contacts)
            audit.record(request, AuditAction.DELETION, "contacts", count=count, filter=filters)
            text = ngettext("%(count)s contact deleted.", "%(count)s contacts deleted.", count) % {
                "count": intcomma(count)
            }
    messages.success(request, text)
    return redirect(list_url(filters))


@authorize(Role.EDITOR)
def contact_export(request: HttpRequest) -> HttpResponse:
    """Download the contacts that match the list's filter, as CSV or XLSX."""
    contacts, filters, _named = filtered_contacts(request.GET)
    file_format = request.GET.get("format", "csv")
    if file_format not in ("csv", "xlsx"):
        file_format = "csv"
    count = contacts.count()
    audit.record(
        request, AuditAction.EXPORT, "contacts", format=file_format, rows=count, filter=filters
    )
    if file_format == "xlsx":
        return exports.xlsx_response(contacts)
    return exports.csv_response(contacts)


def custom_values(contact: Contact) -> list[tuple[str, object]]:
    """(label, value) for each custom field, values typed for display (dates, yes/no)."""
    values = []
    for field in Field.objects.all():
        value = contact.attributes.get(field.key)
        if value is not None and field.type == FieldType.DATE:
            try:
                value = datetime.date.fromisoformat(str(value))
            except ValueError:
                pass  # Shown as stored rather than hidden.
        values.append((field.label, value))
    return values


@authorize(Role.EDITOR)
def contact_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    contact = get_object_or_404(Contact.objects.prefetch_related("lists", "tags"), code=code)
    context = {
        "contact": contact,
        "custom_values": custom_values(contact),
        "is_suppressed": Suppression.objects.filter(email=contact.email).exists(),
        "sms_opt_out": sms_opt_out.current(contact),
    }
    return render(request, "contacts/contact_detail.html", context)


@authorize(Role.EDITOR)
def contact_sms(request: HttpRequest, code: uuid.UUID, opting_in: bool) -> HttpResponse:
    """Stop SMS to the contact, or send them again once the person asked for it."""
    contact = get_object_or_404(Contact, code=code)
    # Bound on every POST: stopping SMS may send no field at all.
    data = request.POST if request.method == "POST" else None
    form = SmsChoiceForm(data, opting_in=opting_in)
    if request.method == "POST" and form.is_valid():
        how = {"via": SmsVia.STAFF, "by": request.user, "note": form.cleaned_data["note"]}
        with transaction.atomic():
            changed = sms_opt_out.choose(
                Contact.objects.filter(pk=contact.pk), not opting_in, **how
            )
        if not changed:
            messages.info(request, _("Nothing changed: that was already the contact's choice."))
        elif opting_in:
            messages.success(request, _("%(email)s receives SMS again.") % {"email": contact.email})
        else:
            messages.success(
                request, _("%(email)s receives no more SMS.") % {"email": contact.email}
            )
        return redirect("contacts:detail", code=contact.code)
    context = {
        "contact": contact,
        "form": bootstrap(form),
        "opting_in": opting_in,
        "sms_opt_out": sms_opt_out.current(contact),
    }
    return render(request, "contacts/contact_sms.html", context)


@authorize(Role.EDITOR)
def contact_create(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = form.save()
        messages.success(request, _("Contact %(email)s created.") % {"email": contact.email})
        return redirect("contacts:detail", code=contact.code)
    context = {"form": bootstrap(form), "title": _("New contact")}
    return render(request, "contacts/contact_form.html", context)


@authorize(Role.EDITOR)
def contact_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    contact = get_object_or_404(Contact, code=code)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        return redirect("contacts:detail", code=contact.code)
    context = {
        "form": bootstrap(form),
        "title": _("Edit contact"),
        "contact": contact,
        "sms_opt_out": sms_opt_out.current(contact),
    }
    return render(request, "contacts/contact_form.html", context)


@authorize(Role.EDITOR)
def contact_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    contact = get_object_or_404(Contact, code=code)
    if request.method == "POST":
        with transaction.atomic():
            contact.delete()
            audit.record(request, AuditAction.DELETION, contact.email, kind="contact")
        messages.success(request, _("Contact %(email)s deleted.") % {"email": contact.email})
        return redirect("contacts:list")
    context = {
        "title": _("Delete contact"),
        "question": _("Delete the contact %(email)s with its lists, tags and consent record?")
        % {"email": contact.email},
        "warning": _("This cannot be undone."),
        "button": _("Delete"),
        "cancel_url": reverse("contacts:detail", args=[contact.code]),
    }
    return render(request, "contacts/confirm.html", context)
