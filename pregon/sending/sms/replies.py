"""What gateways tell us after sending: delivery receipts (DLR) and replies from phones.

A receipt moves a sent SMS to delivered or undelivered, and announces it on the event bus
as the email side does (``message.delivered``, ``message.bounced``), so that outgoing
webhooks and automation see SMS too. A reply of "BAJA" or "STOP" opts the phone's contacts
out of SMS only (``contacts.sms_opt_out``, which records it for the contact's history and
announces ``contact.updated``): their email subscription, lists and tags stay.

The SMS payloads name the SMS (``sms``; ``message`` is None, as it names email messages
only), its contact, the campaign or workflow that queued it (or None) and
``"channel": "sms"``; a ``message.bounced`` of an SMS adds the ``phone`` and the gateway's
``reason`` ("UNDELIV err:001").
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from pregon.contacts import sms_opt_out
from pregon.contacts.models import Contact, SmsVia
from pregon.contacts.normalize import normalize_phone
from pregon.lib import events
from pregon.sending.models import SmsGateway, SmsMessage, SmsStatus
from pregon.sending.sms.gateways import Inbound, Receipt

OPT_OUT_WORDS = {"BAJA", "STOP"}


def apply_receipts(gateway: SmsGateway, receipts: list[Receipt]) -> int:
    """Record each receipt on the SMS ``gateway`` sent under its id, and announce it; return
    how many changed. A receipt for an SMS that is not (or no longer) waiting for one
    changes nothing."""
    changed = 0
    for receipt in receipts:
        waiting = _named(gateway, receipt).filter(status=SmsStatus.SENT)
        if receipt.delivered:
            values = {"status": SmsStatus.DELIVERED, "delivered_at": timezone.now()}
            name, extra = events.MESSAGE_DELIVERED, {}
        else:
            values = {"status": SmsStatus.UNDELIVERED, "reply": receipt.reason[:500]}
            name, extra = events.MESSAGE_BOUNCED, {"reason": receipt.reason[:500]}
        with transaction.atomic():
            # One conditional UPDATE per SMS: of two copies of a receipt handled at once,
            # only the one that changes the row announces it.
            done = [
                pk
                for pk in waiting.values_list("pk", flat=True)
                if SmsMessage.objects.filter(pk=pk, status=SmsStatus.SENT).update(**values)
            ]
            _announce(name, done, extra)
        changed += len(done)
    return changed


def early(gateway: SmsGateway, receipt: Receipt) -> bool:
    """Whether ``receipt`` may have come before its SMS was recorded as sent: it names no
    SMS of ``gateway`` while some SMS are being handed over (a receipt for the first part
    of a long SMS can come while the last part is still being submitted)."""
    sending = SmsMessage.objects.filter(status=SmsStatus.SENDING).exists()
    return sending and not _named(gateway, receipt).exists()


def _named(gateway: SmsGateway, receipt: Receipt) -> QuerySet:
    """The SMS of ``gateway`` a receipt names: by its id as written, else by the one other
    spelling of it (``receipt.also``) that some SMS has. An id some SMS has as written is
    never read another way, so a repeated receipt cannot reach a second SMS."""
    sent = SmsMessage.objects.filter(gateway=gateway)
    exact = sent.filter(gateway_message_id=receipt.ref)
    if not receipt.also or exact.exists():
        return exact
    found = set(
        sent.filter(gateway_message_id__in=receipt.also)
        .order_by()
        .values_list("gateway_message_id", flat=True)
        .distinct()[:2]
    )
    if len(found) != 1:
        return sent.none()  # None, or two SMS with different spellings: no telling which.
    return sent.filter(gateway_message_id=found.pop())


def _announce(name: str, pks: list[int], extra: dict) -> None:
    if not pks:
        return
    at = timezone.now().isoformat()
    rows = SmsMessage.objects.filter(pk__in=pks).values_list(
        "pk", "contact_id", "campaign_id", "workflow_id", "phone"
    )
    payloads = []
    for pk, contact, campaign, workflow, phone in rows:
        payload = {
            "message": None,
            "sms": pk,
            "contact": contact,
            "campaign": campaign,
            "workflow": workflow,
            "channel": "sms",
            "at": at,
        }
        if name == events.MESSAGE_BOUNCED:
            payload["phone"] = phone
        payloads.append({**payload, **extra})
    events.emit(name, payloads)


def is_opt_out(text: str) -> bool:
    """Whether a reply asks for no more SMS: its first word is BAJA or STOP, in any case and
    with any punctuation ("Baja, gracias")."""
    words = text.strip().upper().split()
    return bool(words) and words[0].strip(".,;:!¡?¿") in OPT_OUT_WORDS


def handle_reply(reply: Inbound) -> int:
    """Opt the replying phone's contacts out of SMS if the reply asks for it; return how
    many contacts it opted out (a phone already out, or unknown, opts out nobody)."""
    if not is_opt_out(reply.text):
        return 0
    try:
        phone = normalize_phone(reply.phone)
    except ValueError:
        return 0
    if not phone:
        return 0
    with transaction.atomic():
        return sms_opt_out.opt_out(
            Contact.objects.filter(phone=phone), via=SmsVia.REPLY, by=None, note=reply.text[:200]
        )
