"""The SMS channel: queue an SMS for a contact (``enqueue``), which the SMS sender
(``pregon.sending.sms.sender``, ``pregon runsmssender`` and the scheduler) hands to the
gateway in use. See docs/design.md, "SMS".
"""

import datetime

import phonenumbers
from django.db import IntegrityError, transaction
from phonenumbers import PhoneNumberType

from pregon.contacts.models import Contact
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
    Returns None, queueing nothing, when the contact opted out of SMS or has no valid phone.
    """
    existing = SmsMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    if contact.sms_opted_out_at is not None or not reachable(contact.phone):
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


def reachable(phone: str) -> bool:
    """Whether ``phone`` is a valid number an SMS can be sent to: not a fixed line (a Lima
    landline such as +5114123456 is a valid phone for a contact, but takes no SMS)."""
    try:
        e164 = normalize_phone(phone)
    except ValueError:
        return False
    if not e164:
        return False
    return phonenumbers.number_type(phonenumbers.parse(e164)) != PhoneNumberType.FIXED_LINE
