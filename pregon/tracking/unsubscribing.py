"""A recipient leaving, or coming back, by whatever way they asked: the page, their mail
program's one-click button, or a mail to the List-Unsubscribe address. Each takes effect at
once, is audited, and counts in the campaign's report."""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from pregon.accounts import audit
from pregon.accounts.models import AuditAction
from pregon.contacts import changes
from pregon.contacts.models import Contact, MailingList, Status
from pregon.contacts.preferences import Origin
from pregon.content.models import BrandKit
from pregon.lib import events
from pregon.sending.models import Message
from pregon.tracking.models import Event, EventKind


def organisation(message: Message) -> str:
    """Whose mailings these are, as the recipient knows them: the brand kit's name, or the
    sender's name while the brand kit has none."""
    return BrandKit.load().name or message.mailing.sender.from_name


def contact_of(message: Message) -> Contact | None:
    """The contact ``message`` went to, found by its address if the message lost it."""
    if message.contact is not None:
        return message.contact
    return Contact.objects.filter(email=message.email).first()


def origin(message: Message) -> Origin:
    """The message, and its campaign if it has one, that a choice was made from."""
    campaign_id = (
        Message.objects.filter(pk=message.pk).values_list("mailing__campaign", flat=True).first()
    )
    return Origin(message_id=message.pk, campaign_id=campaign_id)


def campaign_topics(message: Message, contact: Contact) -> list[MailingList]:
    """The public topics the message's campaign was sent to that ``contact`` still
    receives: what "leave only this topic" on the unsubscribe page takes them off. Read
    through the mailing's campaign (tracking may not import campaigns)."""
    list_ids = Message.objects.filter(pk=message.pk).values("mailing__campaign__include_lists")
    return list(
        MailingList.objects.filter(
            pk__in=list_ids, is_topic=True, subscription__contact=contact
        ).order_by("public_name", "name")
    )


def is_unsubscribed(message: Message) -> bool:
    """Whether the person ``message`` went to has already left (and could come back)."""
    return Contact.objects.filter(email=message.email, status=Status.UNSUBSCRIBED).exists()


# Who an unsubscription takes out.
LEAVING = (Status.SUBSCRIBED, Status.PENDING)


def unsubscribe(
    message: Message, via: str, reason: str = "", request: HttpRequest | None = None
) -> bool:
    """Unsubscribe the person ``message`` went to; False if they were not subscribed. A
    person pending confirmation of a signup who unsubscribes (from its confirmation email)
    refused it: they are unsubscribed too, so they are neither reminded nor deleted."""
    with transaction.atomic():
        leaving = Contact.objects.filter(email=message.email, status__in=LEAVING)
        ids = list(leaving.values_list("pk", flat=True))
        changed = Contact.objects.filter(pk__in=ids, status__in=LEAVING).update(
            status=Status.UNSUBSCRIBED, updated_at=timezone.now()
        )
        if changed:
            changes.announce(events.CONTACT_UNSUBSCRIBED, ids, message=message.pk, via=via)
            Event.objects.create(kind=EventKind.UNSUBSCRIBED, message=message, detail=reason[:255])
            audit.record(
                request,
                AuditAction.UNSUBSCRIBE,
                message.email,
                email=message.email,
                via=via,
                reason=reason[:255],
                mailing=str(message.mailing.code),
            )
    return bool(changed)


def resubscribe(message: Message, request: HttpRequest | None = None) -> bool:
    """Take back an unsubscription made by mistake. Bounced or complained addresses stay out."""
    with transaction.atomic():
        changed = Contact.objects.filter(email=message.email, status=Status.UNSUBSCRIBED).update(
            status=Status.SUBSCRIBED, updated_at=timezone.now()
        )
        if changed:
            Event.objects.filter(message=message, kind=EventKind.UNSUBSCRIBED).delete()
            audit.record(
                request,
                AuditAction.RESUBSCRIBE,
                message.email,
                email=message.email,
                mailing=str(message.mailing.code),
            )
    return bool(changed)
