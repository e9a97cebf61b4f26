import datetime
import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.sending.models import Message, Security
from pregon.tracking import agents


class EventKind(models.TextChoices):
    # anymail's EventType words, so that providers' webhooks and our own views agree.
    OPENED = "opened", _("Opened")
    CLICKED = "clicked", _("Clicked")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    # An enrolment (or any goal) the virtual classroom reported back (pregon.tracking.conversions).
    CONVERTED = "converted", _("Converted")


class ConversionMethod(models.TextChoices):
    """How a conversion was measured: the script pasted in the classroom's page (its
    pixel), a call from the classroom's server to the API, or a Moodle sync that found the
    enrolment (pregon.moodle). "" for conversions recorded before the method was kept."""

    SCRIPT = "script", _("Script in the classroom's page")
    API = "api", _("The classroom's server, through the API")
    MOODLE = "moodle", _("Moodle sync")


# The events that show a message was opened: an open, or a click (a person whose mail
# program blocked the pixel still read the message).
OPENING_KINDS = (EventKind.OPENED, EventKind.CLICKED)


class Event(models.Model):
    """One thing a recipient did with a message: opened it, or clicked one of its links."""

    kind = models.CharField(max_length=16, choices=EventKind.choices)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    # The link's position in the mailing's links (clicks only).
    link = models.PositiveSmallIntegerField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    # The mail program and device, from the user agent (pregon.tracking.agents).
    client = models.CharField(max_length=60, blank=True)
    device = models.CharField(max_length=8, blank=True)
    # Why it looks like a machine's (a privacy proxy, a link scanner), or "" for a person.
    machine = models.CharField(max_length=16, blank=True)
    # A keyed hash, so that the same address can be recognised without being kept.
    ip_hash = models.CharField(max_length=16, blank=True)
    # The reason given when unsubscribing; the goal's name for a conversion.
    detail = models.CharField(max_length=255, blank=True)
    # A conversion's ConversionMethod.
    method = models.CharField(max_length=6, choices=ConversionMethod.choices, blank=True)

    class Meta:
        indexes = [models.Index(fields=["message", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"

    @staticmethod
    def opening(*, human: bool = True, through: str = "") -> Q:
        """The events that show their message was opened: opens and clicks, people's only
        (``machine`` "") unless ``human`` is False. Every list, figure and segment rule
        that says "opened" or "did not open" asks this. ``through`` is the path to the
        events from the model queried ("events__" from a message)."""
        return _of(OPENING_KINDS, human, through)

    @staticmethod
    def clicking(*, human: bool = True, through: str = "") -> Q:
        """The clicks, people's only unless ``human`` is False (as ``opening``)."""
        return _of((EventKind.CLICKED,), human, through)

    @classmethod
    def described(
        cls,
        *,
        kind: str,
        message_id: int,
        sent_at: datetime.datetime | None,
        at: datetime.datetime,
        link: int | None,
        user_agent: str,
        machine: str,
        ip_hash: str,
    ) -> "Event":
        """An unsaved event with the mail program and device its user agent names, flagged
        too if it is a click that came too soon after delivery (``machine`` says why the
        request itself looked like a machine's, or "").

        Only clicks are held to the delay: scanners click as the message arrives, but a
        person may open it as soon, and Gmail's image proxy, which fetches only when a
        person opens the message, then counts as that person's open."""
        if not machine and kind == EventKind.CLICKED and sent_at:
            machine = agents.too_soon(at - sent_at)
        agent = agents.describe(user_agent)
        return cls(
            kind=kind,
            message_id=message_id,
            at=at,
            link=link,
            user_agent=user_agent,
            client=agent.client,
            device=agent.device,
            machine=machine,
            ip_hash=ip_hash,
        )


def _of(kinds: tuple[str, ...], human: bool, through: str) -> Q:
    events = Q(**{f"{through}kind__in": kinds})
    return events & Q(**{f"{through}machine": ""}) if human else events


class SpoolFile(models.Model):
    """A spool file of events already written to the database (pregon.tracking.spool): if
    the flusher dies after the commit and before deleting the file, it is not read twice.
    The name starts with the file's second, which is all the flusher needs to forget it."""

    name = models.CharField(max_length=200, unique=True)

    def __str__(self) -> str:
        return self.name


def hash_ip(address: str | None) -> str:
    """A short keyed hash of an IP address ("" without one)."""
    if not address:
        return ""
    key = f"pregon-ip:{settings.SECRET_KEY}:{address}".encode()
    return hashlib.sha256(key).hexdigest()[:16]


class Protocol(models.TextChoices):
    IMAP = "imap", "IMAP"
    POP3 = "pop3", "POP3"


class BounceMailbox(models.Model):
    """A mailbox that receives what comes back to the VERP return path (``rebote+…@``) and
    the List-Unsubscribe address (``baja+…@``), read on a schedule (pregon.tracking.mailbox).

    The password is stored encrypted (pregon.lib.vault) and never shown again.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    protocol = models.CharField(
        _("protocol"), max_length=4, choices=Protocol.choices, default=Protocol.IMAP
    )
    host = models.CharField(_("server"), max_length=253)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("encryption"), max_length=8, choices=Security.choices, default=Security.TLS
    )
    username = models.CharField(_("user"), max_length=255)
    password = models.TextField(blank=True, editable=False)
    folder = models.CharField(
        _("IMAP folder"), max_length=255, default="INBOX", help_text=_("Ignored for POP3.")
    )
    is_active = models.BooleanField(_("in use"), default=True)
    last_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=500, blank=True, editable=False)
    # POP3 has no flags: the ids of messages left on the server (neither bounces nor
    # unsubscribes), so that they are not read again at every check.
    kept_uids = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["host", "username"]
        verbose_name = _("bounce mailbox")

    def __str__(self) -> str:
        return f"{self.username}@{self.host}"
