"""Contacts' last email (``Contact.last_sent_at``), which the segment rule "received an email
in the last N days" reads (``segment_rules``), brought up to date from the messages sent.

The scheduler's tick does it (``roll_up``), not the engine: writing a hundred contact rows
in each batch's transaction cost the engine a tenth of its speed on PostgreSQL, and the
rule can be a tick behind. One statement per tick: the latest message sent to each contact
since the last roll-up (through the index of messages by ``sent_at``) is written where it
is newer. A batch's transaction stamps ``sent_at`` before it commits, so each roll-up reads
back ``OVERLAP`` before where the last one stopped; rows already right are not written
again.
"""

import datetime

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from pregon.contacts.models import Contact
from pregon.sending.models import LastSentRollup, Message, MessageStatus

# Longer than a batch's transaction can stay open (its lease, engine.LEASE, is 2 minutes).
OVERLAP = datetime.timedelta(minutes=5)


def roll_up() -> int:
    """Write each contact's latest email sent since the last roll-up where it is newer;
    return how many contacts changed. The first roll-up reads every message ever sent."""
    LastSentRollup.objects.get_or_create(pk=1)
    now = timezone.now()
    with transaction.atomic():
        # Two schedulers take turns; neither moves the checkpoint past the other's reading.
        checkpoint = LastSentRollup.objects.select_for_update().get(pk=1)
        sent = Message.objects.filter(
            status=MessageStatus.SENT, contact__isnull=False, sent_at__lte=now
        )
        if checkpoint.done_until is not None:
            sent = sent.filter(sent_at__gte=checkpoint.done_until - OVERLAP)
        latest = (
            sent.order_by()
            .values(latest_contact=F("contact_id"))
            .annotate(latest_at=Max("sent_at"))
        )
        changed = Contact.move_forward("last_sent_at", latest)
        checkpoint.done_until = now
        checkpoint.save(update_fields=["done_until"])
    return changed
