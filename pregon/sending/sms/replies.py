"""What gateways tell us after sending: delivery receipts (DLR) and replies from phones.

A receipt moves a sent SMS to delivered or undelivered. A reply of "BAJA" or "STOP" opts
the phone's contacts out of SMS only: their email subscription, lists and tags stay.
"""

from django.utils import timezone

from pregon.contacts.models import Contact
from pregon.contacts.normalize import normalize_phone
from pregon.sending.models import SmsGateway, SmsMessage, SmsStatus
from pregon.sending.sms.gateways import Inbound, Receipt

OPT_OUT_WORDS = {"BAJA", "STOP"}


def apply_receipts(gateway: SmsGateway, receipts: list[Receipt]) -> int:
    """Record each receipt on the SMS ``gateway`` sent under its id; return how many changed.
    A receipt for an SMS that is not (or no longer) waiting for one changes nothing."""
    changed = 0
    for receipt in receipts:
        waiting = SmsMessage.objects.filter(
            gateway=gateway, gateway_message_id=receipt.ref, status=SmsStatus.SENT
        )
        if receipt.delivered:
            changed += waiting.update(status=SmsStatus.DELIVERED, delivered_at=timezone.now())
        else:
            changed += waiting.update(status=SmsStatus.UNDELIVERED, reply=receipt.reason[:500])
    return changed


def is_opt_out(text: str) -> bool:
    """Whether a reply asks for no more SMS: its first word is BAJA or STOP, in any case."""
    words = text.strip().upper().split()
    return bool(words) and words[0].strip(".!¡") in OPT_OUT_WORDS


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
    return Contact.objects.filter(phone=phone, sms_opted_out_at__isnull=True).update(
        sms_opted_out_at=timezone.now()
    )
