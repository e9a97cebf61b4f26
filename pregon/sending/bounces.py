"""Bounces and complaints, from wherever they come (the relay's reply, the bounce mailbox, a
provider's webhook): one place records them and decides whom to mail no more.

A hard bounce or a complaint suppresses the address at once; soft bounces (a full mailbox,
a server that refused for a while) do after ``settings.SOFT_BOUNCE_LIMIT`` of them, counted
over the address's whole history (not only in a row: an address that keeps failing now and
then is as costly to the sender's reputation). A sending-side rejection (our IP blocked, our
SPF/DKIM/DMARC, our content) never suppresses anyone: the person is still there. What kind a
failure is comes from ``pregon.sending.bounce_classifier``.
"""

import datetime

from django.conf import settings
from django.db import transaction

from pregon.contacts.models import Contact, Status, Suppression, SuppressionReason
from pregon.sending.models import Bounce, BounceCause, BounceKind, Message

SUPPRESSING = {
    BounceKind.HARD: (Status.BOUNCED, SuppressionReason.BOUNCED),
    BounceKind.COMPLAINT: (Status.COMPLAINED, SuppressionReason.COMPLAINED),
}


def record(
    email: str,
    kind: str,
    source: str,
    *,
    cause: str = BounceCause.UNDEFINED,
    reason: str = "",
    message: Message | None = None,
    at: datetime.datetime | None = None,
) -> Bounce:
    """Store one bounce or complaint and suppress the address if it calls for it."""
    email = email.strip().lower()
    with transaction.atomic():
        bounce = Bounce(
            kind=kind,
            source=source,
            email=email,
            message=message,
            cause=cause,
            reason=reason[:500],
        )
        if at is not None:
            bounce.at = at
        bounce.save()
        if kind == BounceKind.SOFT and (
            Bounce.objects.filter(email=email, kind=BounceKind.SOFT).count()
            >= settings.SOFT_BOUNCE_LIMIT
        ):
            kind = BounceKind.HARD
        if kind in SUPPRESSING:
            status, why = SUPPRESSING[kind]
            Contact.objects.filter(email=email).exclude(status=Status.COMPLAINED).update(
                status=status
            )
            Suppression.objects.get_or_create(
                email=email, defaults={"reason": why, "note": reason[:255]}
            )
    return bounce
