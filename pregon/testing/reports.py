"""A sent campaign with hand-made messages, bounces and events, whose every figure is
worked out in the comments below, for the report tests to check."""

import datetime

from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.contacts.models import Contact
from pregon.sending.models import Bounce, BounceCause, BounceKind, BounceSource, Mailing, Message
from pregon.testing import drafts
from pregon.tracking.models import Event, EventKind

LINKS = ["https://aula.example.gob.pe/curso", "https://aula.example.gob.pe/becas"]
HTML = (
    '<html><body><p>Hola.</p><p><a href="{{ tracking_link_0 }}">Inscríbete</a></p>'
    '<p><a href="{{ tracking_link_1 }}">Becas</a></p></body></html>'
)
# 10:00 in Lima (UTC-5).
MORNING = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=datetime.UTC)
STATUSES = ["sent"] * 8 + ["failed", "queued"]


def at(minutes: int) -> datetime.datetime:
    return MORNING + datetime.timedelta(minutes=minutes)


def reported_campaign(status: CampaignStatus = CampaignStatus.SENT) -> Campaign:
    """A campaign of 10 messages to persona0…persona9@example.pe: 0-7 sent, 8 failed, 9 queued.

    Bounces: 0 hard after sending, 8 hard while sending, 1 soft, 2 complained: sent 8,
    delivered 6 (0 and 1 bounced). People: 2 opened twice and clicked link 0, and converted;
    3 opened, clicked link 1 twice and unsubscribed; 6 clicked link 0 without the pixel;
    7 opened at 21:30 Lima. Machines: Apple's proxy opened 4, a scanner clicked link 0 of 5.
    Human: 4 opened (4 opens), 3 clicked (4 clicks). Raw: 6 opened (5 opens), 4 clicked
    (5 clicks).
    """
    campaign = drafts.draft()
    mailing = Mailing.objects.create(
        subject="Curso de diciembre",
        html=HTML,
        text="Hola.",
        sender=campaign.sender,
        links=LINKS,
        track_opens=True,
    )
    messages = []
    for n, message_status in enumerate(STATUSES):
        contact = Contact.objects.create(email=f"persona{n}@example.pe", first_name=f"Persona{n}")
        messages.append(
            Message.objects.create(
                mailing=mailing,
                contact=contact,
                email=contact.email,
                status=message_status,
                sent_at=MORNING if message_status == "sent" else None,
            )
        )
    Campaign.objects.filter(pk=campaign.pk).update(
        status=status, mailing=mailing, started_at=MORNING
    )
    bounce(messages[0], BounceKind.HARD, "5.1.1 User unknown")
    bounce(messages[8], BounceKind.HARD, "550 5.1.1 No such user", BounceSource.SMTP)
    bounce(messages[1], BounceKind.SOFT, "4.2.2 Mailbox full")
    bounce(messages[2], BounceKind.COMPLAINT, "abuse")
    event(messages[2], EventKind.OPENED, 10, client="Gmail", device="desktop")
    event(messages[2], EventKind.OPENED, 40, client="Gmail", device="desktop")
    event(messages[2], EventKind.CLICKED, 20, link=0, client="Gmail", device="desktop")
    event(messages[2], EventKind.CONVERTED, 50, detail="matricula")
    event(messages[3], EventKind.OPENED, 12, client="Apple Mail", device="mobile")
    event(messages[3], EventKind.CLICKED, 21, link=1, client="Apple Mail", device="mobile")
    event(messages[3], EventKind.CLICKED, 22, link=1, client="Apple Mail", device="mobile")
    event(messages[3], EventKind.UNSUBSCRIBED, 30, detail="Demasiados correos")
    event(
        messages[4],
        EventKind.OPENED,
        1,
        client="Apple Mail",
        device="other",
        machine="apple_privacy",
    )
    event(messages[5], EventKind.CLICKED, 0, link=0, machine="scanner")
    event(messages[6], EventKind.CLICKED, 25, link=0, client="Outlook", device="desktop")
    event(messages[7], EventKind.OPENED, 690, client="Gmail", device="mobile")
    campaign.refresh_from_db()
    return campaign


def bounce(message: Message, kind: str, reason: str, source: str = BounceSource.MAILBOX) -> Bounce:
    return Bounce.objects.create(
        kind=kind, source=source, email=message.email, message=message, reason=reason, at=at(5)
    )


BLOCKED = "554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org"


def refuse(message: Message) -> Bounce:
    """Record that the receiver refused ``message`` because it blocks our server."""
    return Bounce.objects.create(
        kind=BounceKind.SENDER,
        cause=BounceCause.BLOCKED,
        source=BounceSource.MAILBOX,
        email=message.email,
        message=message,
        reason=BLOCKED,
        at=at(6),
    )


def event(message: Message, kind: str, minutes: int, **fields: object) -> Event:
    return Event.objects.create(kind=kind, message=message, at=at(minutes), **fields)
