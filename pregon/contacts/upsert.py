"""Contacts saved from data, one at a time or up to a thousand at once: how the API saves
the contacts that other systems send.

A contact's data is a dict with ContactForm's names, except that lists are named by code, tags
by name, custom fields under ``fields`` ({key: value}) and consent under ``consent``
({source, text, at, ip}). Each contact goes through ContactForm, the form of the contact
screens, so that an address, a phone number or a custom field value is checked the same way
everywhere. Invalid data raises ValidationError with messages keyed by the data's own names,
dotted for nested values: ``phone``, ``fields.birthday``, ``consent.source``,
``contacts.3.email``.
"""

import uuid
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pregon.accounts.models import User
from pregon.contacts import changes, sms_opt_out
from pregon.contacts.bulk import ContactTag
from pregon.contacts.forms import CUSTOM_PREFIX, ContactForm
from pregon.contacts.models import (
    ConsentSource,
    Contact,
    Field,
    MailingList,
    SmsVia,
    Status,
    Subscription,
    Tag,
)
from pregon.contacts.normalize import normalize_email
from pregon.lib import events
from pregon.lib.formerrors import Errors, form_errors

# ContactForm field -> the data's name, for the names that differ.
DATA_NAMES = {
    "tag_names": "tags",
    "consent_source": "consent.source",
    "consent_text": "consent.text",
}


def _current_data(contact: Contact) -> dict[str, Any]:
    """ContactForm data that leaves ``contact`` as it is."""
    data: dict[str, Any] = {
        "email": contact.email,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "phone": contact.phone,
        "status": contact.status,
        "consent_source": contact.consent_source,
        "consent_text": contact.consent_text,
        "lists": [str(mailing_list.code) for mailing_list in contact.lists.all()],
        "tags": [tag.name for tag in contact.tags.all()],
    }
    for key, value in (contact.attributes or {}).items():
        data[CUSTOM_PREFIX + key] = value
    return data


def _new_data() -> dict[str, Any]:
    """ContactForm data for a contact the payload has not described yet."""
    return {
        "email": "",
        "first_name": "",
        "last_name": "",
        "phone": "",
        "status": Status.SUBSCRIBED,
        "consent_source": "",
        "consent_text": "",
        "lists": [],
        "tags": [],
    }


def build_form(
    payload: dict[str, Any],
    contact: Contact | None,
    *,
    replace: bool,
    custom_keys: set[str],
) -> tuple[ContactForm, Errors]:
    """A bound ContactForm for ``payload``, a contact's data, possibly partial.

    With ``replace`` the payload is the whole contact (POST, PUT): what it leaves out takes
    its default, except consent, which is evidence and is kept unless given (as is the SMS
    choice, which ``save_contact`` applies). Without it (PATCH, bulk updates) only the keys
    in the payload change. Returns the form and the errors found before the form runs
    (unknown custom fields, commas in tag names).
    """
    if contact is not None and not replace:
        data = _current_data(contact)
    else:
        data = _new_data()
        if contact is not None:
            data["consent_source"] = contact.consent_source
            data["consent_text"] = contact.consent_text
        else:
            # A contact created through the API without a word on consent came through the
            # API; the form then stamps consent_at with the time of creation.
            data["consent_source"] = ConsentSource.API
    errors: Errors = {}
    for name in ("email", "first_name", "last_name", "phone", "status", "lists", "tags"):
        if payload.get(name) is not None:
            data[name] = payload[name]
    for key, value in (payload.get("fields") or {}).items():
        if key not in custom_keys:
            errors[f"fields.{key}"] = [_("There is no custom field with this key.")]
        data[CUSTOM_PREFIX + key] = value
    for name in data["tags"]:
        if "," in name:
            errors.setdefault("tags", []).append(_("A tag name cannot contain commas."))
    data["tag_names"] = ", ".join(data.pop("tags"))

    consent = payload.get("consent") or {}
    if consent:
        data["consent_source"] = consent.get("source") or ""
        data["consent_text"] = consent.get("text") or ""
    instance = contact if contact is not None else Contact()
    if consent.get("at") is not None:
        instance.consent_at = consent["at"]
    if "ip" in consent:
        instance.consent_ip = str(consent["ip"]) if consent["ip"] else None

    form = ContactForm(data, instance=instance)
    # API clients name lists by their code, the UI by the checkbox's primary key.
    form.fields["lists"].to_field_name = "code"
    return form, errors


def save_contact(
    payload: dict[str, Any], contact: Contact | None, *, replace: bool, by: User | None = None
) -> Contact:
    """Create ``contact`` (None) or update it from ``payload``, as build_form reads it, and
    stop or resume its SMS if ``payload`` says so (``sms_opt_out``, by the user ``by``).

    Returns the contact saved; raises ValidationError if the data is invalid.
    """
    custom_keys = set(Field.objects.values_list("key", flat=True))
    form, errors = build_form(payload, contact, replace=replace, custom_keys=custom_keys)
    if not form.is_valid() or errors:
        raise ValidationError({**form_errors(form, _data_names(custom_keys)), **errors})
    with transaction.atomic():
        saved = form.save()
        _choose_sms(payload.get("sms_opt_out"), [saved.pk], by)
    saved.refresh_from_db(fields=["sms_opted_out_at", "updated_at"])
    return saved


def _choose_sms(opted_out: bool | None, contact_ids: list[int], by: User | None) -> None:
    """Stop (True) or resume (False) SMS to ``contact_ids``, as the contact screen does;
    None leaves them alone. Saving them announced them already."""
    if opted_out is None or not contact_ids:
        return
    chosen = Contact.objects.filter(pk__in=contact_ids)
    sms_opt_out.choose(chosen, opted_out, via=SmsVia.API, by=by, announce=False)


def _data_names(custom_keys: set[str]) -> dict[str, str]:
    names = dict(DATA_NAMES)
    for key in custom_keys:
        names[CUSTOM_PREFIX + key] = f"fields.{key}"
    return names


def _lists_by_code(codes: list[str], name: str) -> list[MailingList]:
    """The lists with ``codes``; raise ValidationError on ``name`` for any unknown code."""
    found = {}
    for code in codes:
        try:
            mailing_list = MailingList.objects.filter(code=uuid.UUID(code)).first()
        except ValueError:  # A malformed code is as unknown as a well-formed one.
            mailing_list = None
        if mailing_list is None:
            message = _("There is no list with the code “%(code)s”.") % {"code": code}
            raise ValidationError({name: [message]})
        found[mailing_list.pk] = mailing_list
    return list(found.values())


def bulk_upsert(
    contacts: list[dict[str, Any]],
    add_to_lists: list[str],
    add_tags: list[str],
    by: User | None = None,
) -> tuple[int, int]:
    """Create or update each contact in ``contacts`` (data), matched by email; all or nothing.

    Every item is validated first; if any is invalid, ValidationError lists the errors as
    ``contacts.<index>.<field>`` and nothing is written. Otherwise all are saved in one
    transaction, and each is added to ``add_to_lists`` (codes) and ``add_tags`` (names).
    An existing contact changes only in the keys its item has; ``sms_opt_out`` stops or
    resumes its SMS, by the user ``by``. Returns (created, updated).
    """
    lists = _lists_by_code(add_to_lists, "add_to_lists")
    tag_names = sorted({name.strip()[:100] for name in add_tags if name.strip()})
    if any("," in name for name in tag_names):
        raise ValidationError({"add_tags": [_("A tag name cannot contain commas.")]})

    emails = {}
    for index, payload in enumerate(contacts):
        try:
            emails[index] = normalize_email(payload.get("email") or "")
        except ValueError:
            continue  # The form reports it, in the same words as everywhere else.
    existing = {
        contact.email: contact
        for contact in Contact.objects.filter(email__in=emails.values()).prefetch_related(
            "lists", "tags"
        )
    }
    custom_keys = set(Field.objects.values_list("key", flat=True))
    names = _data_names(custom_keys)
    errors: Errors = {}
    forms = []
    first_index: dict[str, int] = {}
    for index, payload in enumerate(contacts):
        prefix = f"contacts.{index}."
        email = emails.get(index)
        if email in first_index:
            errors[prefix + "email"] = [
                _("This address is also item %(index)d of this request.")
                % {"index": first_index[email]}
            ]
            continue
        if email:
            first_index[email] = index
        contact = existing.get(email) if email else None
        form, early = build_form(payload, contact, replace=False, custom_keys=custom_keys)
        if not form.is_valid() or early:
            errors.update(form_errors(form, names, prefix))
            errors.update({prefix + name: messages for name, messages in early.items()})
        forms.append((form, payload))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        counts = _write(forms, lists, tag_names)
        for opted_out in (True, False):
            ids = [f.instance.pk for f, item in forms if item.get("sms_opt_out") is opted_out]
            _choose_sms(opted_out, ids, by)
        return counts


def _write(
    forms: list[tuple[ContactForm, dict[str, Any]]], lists: list[MailingList], tag_names: list[str]
) -> tuple[int, int]:
    """Save validated forms as ContactForm.save would, with set-based statements.

    Saving form by form costs some ten statements a contact; here new contacts, memberships
    and tags go in one statement each, plus one UPDATE per existing contact and one per
    contact that leaves a list or loses a tag. An update replaces its lists or tags only if
    its item sent them; the options only add. Returns (created, updated).
    """
    # Read before saving: a form compares the status it saves with the one it was given.
    unsubscribed = [form.instance.pk for form, _payload in forms if form.unsubscribes()]
    contacts = [form.save(commit=False) for form, _payload in forms]
    new = [contact.pk is None for contact in contacts]
    fresh = [c for c, is_new in zip(contacts, new, strict=True) if is_new]
    Contact.objects.bulk_create(fresh)
    created_ids = {c.pk for c in fresh}
    for contact in (c for c, is_new in zip(contacts, new, strict=True) if not is_new):
        # One UPDATE each: bulk_update's CASE expressions cost more Python time than they save.
        contact.save()

    names = set(tag_names)
    for form, _payload in forms:
        names.update(form.cleaned_data["tag_names"])
    Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}

    subscriptions, taggings = [], []
    joined: dict[int, list[int]] = defaultdict(list)
    tagged: dict[int, list[int]] = defaultdict(list)
    for (form, payload), contact, is_new in zip(forms, contacts, new, strict=True):
        # Existing contacts were loaded with their lists and tags prefetched.
        had_lists = set() if is_new else set(contact.lists.all())
        had_tags = set() if is_new else set(contact.tags.all())
        wanted_lists, wanted_tags = set(had_lists), set(had_tags)
        if is_new or "lists" in payload:
            wanted_lists = set(form.cleaned_data["lists"])
        if is_new or "tags" in payload:
            wanted_tags = {tags[name] for name in form.cleaned_data["tag_names"]}
        wanted_lists |= set(lists)
        wanted_tags |= {tags[name] for name in tag_names}
        subscriptions += [Subscription(contact=contact, mailing_list=ml) for ml in wanted_lists]
        taggings += [ContactTag(contact=contact, tag=tag) for tag in wanted_tags - had_tags]
        for mailing_list in wanted_lists - had_lists:
            joined[mailing_list.pk].append(contact.pk)
        for tag in wanted_tags - had_tags:
            tagged[tag.pk].append(contact.pk)
        if had_lists - wanted_lists:
            contact.lists.remove(*(had_lists - wanted_lists))
        if had_tags - wanted_tags:
            contact.tags.remove(*(had_tags - wanted_tags))
    # Memberships kept are conflicts, ignored, so they keep the date the contact joined.
    Subscription.objects.bulk_create(subscriptions, ignore_conflicts=True)
    ContactTag.objects.bulk_create(taggings, ignore_conflicts=True)
    changes.announce(events.CONTACT_CREATED, [c.pk for c in contacts if c.pk in created_ids])
    changes.announce(events.CONTACT_UPDATED, [c.pk for c in contacts if c.pk not in created_ids])
    changes.announce(events.CONTACT_UNSUBSCRIBED, unsubscribed)
    for list_id, ids in joined.items():
        changes.announce(events.LIST_JOINED, ids, list=list_id)
    for tag_id, ids in tagged.items():
        changes.announce(events.TAG_ADDED, ids, tag=tag_id)
    created = sum(new)
    return created, len(contacts) - created
