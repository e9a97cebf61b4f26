"""Stopping SMS to contacts and sending them again, for the contact screens and the API
alike, and for a BAJA or STOP reply (``sending.sms.replies``). This is the only code that
changes ``Contact.sms_opted_out_at``, and it keeps each change as an ``SmsChoice`` for the
contact's page and history: sending SMS again needs the person's request (Ley 29733), and
the record says who acted on it and when."""

from django.db.models import QuerySet
from django.utils import timezone

from pregon.accounts.models import User
from pregon.contacts import changes
from pregon.contacts.models import Contact, SmsChoice, SmsVia
from pregon.lib import events


def opt_out(
    contacts: QuerySet[Contact],
    *,
    via: SmsVia,
    by: User | None,
    note: str = "",
    announce: bool = True,
) -> int:
    """Stop SMS to those of ``contacts`` who still get them; return how many. Call it in a
    transaction: the change, its record and ``contact.updated`` (if ``announce``) go
    together."""
    now = timezone.now()
    ids = list(
        contacts.filter(sms_opted_out_at=None).select_for_update().values_list("pk", flat=True)
    )
    Contact.objects.filter(pk__in=ids).update(sms_opted_out_at=now, updated_at=now)
    SmsChoice.objects.bulk_create(
        SmsChoice(contact_id=pk, at=now, is_opted_out=True, via=via, by=by, note=note) for pk in ids
    )
    if announce:
        changes.announce(events.CONTACT_UPDATED, ids)
    return len(ids)


def opt_in(
    contacts: QuerySet[Contact],
    *,
    via: SmsVia,
    by: User | None,
    note: str = "",
    announce: bool = True,
) -> int:
    """Send SMS again to those of ``contacts`` who opted out, because they asked for it;
    return how many. In a transaction, as ``opt_out``. An opt-out that a reply made before
    replies were recorded (an earlier version) has no record of its own: it gets one
    first, so the history keeps it."""
    now = timezone.now()
    rows = list(
        contacts.exclude(sms_opted_out_at=None)
        .select_for_update()
        .values_list("pk", "sms_opted_out_at")
    )
    ids = [pk for pk, _at in rows]
    recorded = set(
        SmsChoice.objects.filter(contact_id__in=ids, is_opted_out=True).values_list(
            "contact_id", "at"
        )
    )
    replies = [
        SmsChoice(contact_id=pk, at=at, is_opted_out=True, via=SmsVia.REPLY)
        for pk, at in rows
        if (pk, at) not in recorded
    ]
    Contact.objects.filter(pk__in=ids).update(sms_opted_out_at=None, updated_at=now)
    SmsChoice.objects.bulk_create(
        [
            *replies,
            *(
                SmsChoice(contact_id=pk, at=now, is_opted_out=False, via=via, by=by, note=note)
                for pk in ids
            ),
        ]
    )
    if announce:
        changes.announce(events.CONTACT_UPDATED, ids)
    return len(ids)


def choose(contacts: QuerySet[Contact], opted_out: bool, **how: object) -> int:
    """``opt_out`` or ``opt_in`` ``contacts``, as ``opted_out`` says; how many changed."""
    return (opt_out if opted_out else opt_in)(contacts, **how)


def history(contact: Contact) -> list[SmsChoice]:
    """Every change of ``contact``'s SMS choice, oldest first, with its current opt-out if
    a reply made it before replies were recorded (unsaved, ``via`` REPLY)."""
    found = list(contact.sms_choices.select_related("by"))
    at = contact.sms_opted_out_at
    if at is not None and not any(c.is_opted_out and c.at == at for c in found):
        found.append(SmsChoice(contact=contact, at=at, is_opted_out=True, via=SmsVia.REPLY))
    return found


def current(contact: Contact) -> SmsChoice | None:
    """The opt-out in effect for ``contact`` (how, by whom, when); None if SMS may be sent."""
    if contact.sms_opted_out_at is None:
        return None
    return history(contact)[-1]
