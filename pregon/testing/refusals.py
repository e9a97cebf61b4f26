"""Messages of a sent campaign, and receivers' refusals of them for something on the sending
side, for the tests of the sending-side alert."""

import datetime

from django.utils import timezone

from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.contacts.models import Contact
from pregon.sending import bounces
from pregon.sending.models import (
    BounceKind,
    BounceSource,
    Mailing,
    Message,
    MessageStatus,
    SenderIdentity,
)
from pregon.testing import drafts

BLOCKED = "554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org"


def sent(sender: SenderIdentity, emails: list[str], name: str) -> list[Message]:
    """A started campaign called ``name`` whose messages to ``emails`` were sent."""
    mailing = Mailing.objects.create(
        subject="Hola", html="<p>Hola</p>", text="Hola", sender=sender, list_id="a <a.b>"
    )
    campaign = drafts.draft(name=name, sender=sender)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SENT, mailing=mailing)
    messages = []
    for email in emails:
        Contact.objects.get_or_create(email=email)
        messages.append(
            Message.objects.create(
                mailing=mailing, email=email, status=MessageStatus.SENT, sent_at=timezone.now()
            )
        )
    return messages


def refused(message: Message, reason: str, cause: str, days_ago: float = 1) -> None:
    at = timezone.now() - datetime.timedelta(days=days_ago)
    bounces.record(
        message.email,
        BounceKind.SENDER,
        BounceSource.MAILBOX,
        cause=cause,
        reason=reason,
        message=message,
        at=at,
    )
