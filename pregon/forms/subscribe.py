"""Writing a signup onto its contact: at once when the form has no double opt-in, or when
the person follows the confirmation link.

Confirmed by the link, the person proved the address is theirs: their names, phone, fields
and lists are updated as they submitted them, and a contact who had unsubscribed is subscribed
again (they asked, and the consent is recorded). Without that proof (no double opt-in), anyone
could have typed the address, so an existing contact keeps what staff have (only empty values
are filled) and keeps their status, as a pop-up's form always did. Either way a bounced or
complained contact keeps that status, and the suppression list is never touched.

A confirmation applies what still holds: its data was checked when the person sent it, but
staff may have since deleted a custom field or a list, or the phone rules may have changed.
What no longer validates is left out rather than refusing the person; only when the contact
itself cannot be saved (its address, its status) does the confirmation fail.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from pregon.contacts.models import ConsentSource, Contact, MailingList, Status, Suppression
from pregon.contacts.upsert import save_contact
from pregon.forms import days, mails
from pregon.forms.models import Signup, SignupStatus
from pregon.lib import events

# What a suppressed address's new contact starts as.
SUPPRESSED_STATUS = {
    "unsubscribed": Status.UNSUBSCRIBED,
    "bounced": Status.BOUNCED,
    "complained": Status.COMPLAINED,
}
KEPT = {Status.BOUNCED, Status.COMPLAINED}
# The payload's names a confirmation may leave out when they no longer validate.
DROPPABLE = {"first_name", "last_name", "phone"}


def _status(contact: Contact | None, email: str, *, confirmed: bool) -> str:
    if contact is not None and contact.status in KEPT:
        return contact.status
    if contact is None or contact.status == Status.PENDING:
        reason = Suppression.objects.filter(email=email).values_list("reason", flat=True).first()
        return SUPPRESSED_STATUS.get(reason, Status.UNSUBSCRIBED) if reason else Status.SUBSCRIBED
    return Status.SUBSCRIBED if confirmed else contact.status


def payload(signup: Signup, contact: Contact | None, *, confirmed: bool) -> dict[str, Any]:
    """The contact's data for pregon.contacts.upsert.save_contact."""
    data = signup.data or {}
    overwrite = confirmed or contact is None or contact.status == Status.PENDING
    lists = (
        {str(code) for code in contact.lists.values_list("code", flat=True)} if contact else set()
    )
    tags = set(contact.tags.values_list("name", flat=True)) if contact else set()
    result: dict[str, Any] = {
        "email": signup.email,
        "status": _status(contact, signup.email, confirmed=confirmed),
        "lists": sorted(lists | set(data.get("lists") or [])),
        "tags": sorted(tags | {tag.name for tag in signup.form.tags.all()}),
        # The consent is this form's, word for word; never the visitor's address itself.
        "consent": {
            "source": ConsentSource.FORM,
            "text": signup.consent_text,
            "at": signup.created_at,
            "ip": None,
        },
    }
    for name in ("first_name", "last_name", "phone"):
        value = data.get(name)
        if value and (overwrite or not getattr(contact, name)):
            result[name] = value
    attributes = contact.attributes if contact else {}
    fields = {
        key: value
        for key, value in (data.get("fields") or {}).items()
        if value not in (None, "") and (overwrite or attributes.get(key) in (None, ""))
    }
    if fields:
        result["fields"] = fields
    return result


def apply(signup: Signup, contact: Contact | None, *, confirmed: bool) -> Contact:
    """Write ``signup`` onto ``contact`` (locked by the caller; None: a new contact), mark
    the signup confirmed, count it, announce ``form.submitted`` and queue the welcome email.
    ``confirmed``: the person followed the confirmation link, and what no longer validates
    is left out. Runs in the caller's transaction; raises ValidationError as save_contact
    does (when confirmed, only if the contact cannot be saved at all)."""
    form = signup.form
    now = timezone.now()
    data = payload(signup, contact, confirmed=confirmed)
    contact = _save(data, contact) if confirmed else save_contact(data, contact, replace=False)
    Contact.objects.filter(pk=contact.pk).update(
        consent_form=form.name[:150],
        consent_ip_hash=signup.ip_hash,
        consent_confirmed_at=now if confirmed else None,
    )
    signup.contact = contact
    signup.status = SignupStatus.CONFIRMED
    signup.confirmed_at = now
    signup.save()
    days.add(form, "confirmations")
    event = {"form": form.pk, "contact": contact.pk, "popup": signup.popup_id}
    events.emit(events.FORM_SUBMITTED, [{**event, "at": now.isoformat()}])
    mails.send_welcome(form, contact)
    return contact


def _save(data: dict[str, Any], contact: Contact | None) -> Contact:
    """save_contact, leaving out of ``data`` each value it refuses that can be left out."""
    while True:
        try:
            return save_contact(data, contact, replace=False)
        except ValidationError as invalid:
            refused = set(invalid.message_dict)
            if not refused or not all(_drop(data, name) for name in refused):
                raise


def _drop(data: dict[str, Any], name: str) -> bool:
    """Remove the value ``name`` (a save_contact error key) from ``data``; whether it could."""
    fields = data.get("fields") or {}
    if name.startswith("fields.") and name.removeprefix("fields.") in fields:
        del fields[name.removeprefix("fields.")]
        return True
    if name == "lists" and data.get("lists"):
        # A list deleted since: the others are still chosen.
        codes = {str(code) for code in MailingList.objects.values_list("code", flat=True)}
        kept = [code for code in data["lists"] if code in codes]
        if len(kept) < len(data["lists"]):
            data["lists"] = kept
            return True
        return False
    if name in DROPPABLE and data.get(name):
        data.pop(name)
        return True
    return False
