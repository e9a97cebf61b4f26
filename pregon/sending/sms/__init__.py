"""The SMS channel: queue an SMS for a contact (``enqueue``) or for many (``enqueue_many``,
a campaign's audience), which the SMS sender (``pregon.sending.sms.sender``,
``pregon runsmssender`` and the scheduler) hands to the gateway in use. See docs/design.md,
"SMS".
"""

import datetime
from collections.abc import Iterator

import phonenumbers
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from phonenumbers import PhoneNumberType

from pregon.contacts.models import Contact, Status
from pregon.contacts.normalize import normalize_phone
from pregon.sending.sms.encoding import count
from pregon.sending.sms.models import SmsMessage


def enqueue(
    contact: Contact,
    text: str,
    key: str,
    *,
    not_before: datetime.datetime | None = None,
    workflow_id: int | None = None,
    campaign_id: int | None = None,
) -> SmsMessage | None:
    """Queue ``text`` (merge tags allowed) for ``contact``'s phone, to go at ``not_before``
    or as soon as possible; return the message.

    Idempotent on ``key``: a key already queued returns that message and queues nothing.
    Returns None, queueing nothing, when the contact opted out of SMS, has no valid phone, or
    is pending (signed up and not confirmed: they get nothing but the confirmation email).
    """
    existing = SmsMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    if contact.sms_opted_out_at is not None or contact.status == Status.PENDING:
        return None
    if not reachable(contact.phone):
        return None
    parts = count(text)
    message = SmsMessage(
        key=key,
        contact=contact,
        phone=normalize_phone(contact.phone),
        text=text,
        encoding=parts.encoding,
        segments=parts.segments,
        workflow_id=workflow_id,
        campaign_id=campaign_id,
    )
    if not_before is not None:
        message.send_after = not_before
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # Another process queued the same key in the meantime: theirs is the message.
        return SmsMessage.objects.get(key=key)
    return message


# How many contacts ``enqueue_many`` reads, and SMS it inserts, at a time.
CHUNK = 1000


def enqueue_many(
    contacts: QuerySet[Contact],
    text: str,
    key_prefix: str,
    *,
    campaign_id: int | None = None,
) -> int:
    """Queue ``text`` (merge tags allowed) for every contact of ``contacts`` who can get an
    SMS (``recipients``), each under the key ``<key_prefix><contact id>``; return how many
    have an SMS under their key now.

    Set-based: a thousand contacts read and a thousand SMS inserted at a time, not one
    ``enqueue`` per contact. Running it twice (a start that crashed half-way and ran again)
    queues nobody twice: a key already queued is left as it is (ON CONFLICT DO NOTHING).
    """
    parts = count(text)
    now = timezone.now()
    queued = 0
    batch: list[SmsMessage] = []
    for contact_id, phone in recipients(contacts):
        batch.append(
            SmsMessage(
                key=f"{key_prefix}{contact_id}",
                contact_id=contact_id,
                phone=phone,
                text=text,
                encoding=parts.encoding,
                segments=parts.segments,
                campaign_id=campaign_id,
                send_after=now,
            )
        )
        if len(batch) == CHUNK:
            SmsMessage.objects.bulk_create(batch, ignore_conflicts=True)
            queued += len(batch)
            batch = []
    SmsMessage.objects.bulk_create(batch, ignore_conflicts=True)
    return queued + len(batch)


def recipients(contacts: QuerySet[Contact]) -> Iterator[tuple[int, str]]:
    """The id and E.164 mobile number of each contact of ``contacts`` who can get an SMS:
    not opted out of SMS, not pending confirmation of a signup, with a number that takes SMS
    (``mobile``), in id order.

    The phone rule needs libphonenumber, so the numbers are checked here, a chunk of rows
    at a time, rather than in SQL.
    """
    rows = (
        contacts.filter(sms_opted_out_at__isnull=True)
        .exclude(status=Status.PENDING)
        .exclude(phone="")
        .order_by("pk")
        .values_list("pk", "phone")
    )
    for contact_id, phone in rows.iterator(chunk_size=CHUNK):
        if number := mobile(phone):
            yield contact_id, number


def reachable(phone: str) -> bool:
    """Whether ``phone`` is a valid number an SMS can be sent to: not a fixed line (a Lima
    landline such as +5114123456 is a valid phone for a contact, but takes no SMS)."""
    return bool(mobile(phone))


def mobile(phone: str) -> str:
    """``phone`` in E.164 if it is a valid number that takes SMS, else ""."""
    try:
        e164 = normalize_phone(phone)
    except ValueError:
        return ""
    if not e164:
        return ""
    if phonenumbers.number_type(phonenumbers.parse(e164)) == PhoneNumberType.FIXED_LINE:
        return ""
    return e164
