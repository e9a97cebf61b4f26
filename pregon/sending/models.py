import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.contacts.models import Contact
from pregon.domains.models import SendingDomain


class SenderIdentity(models.Model):
    """Who a message is from: a name and an address on a sending domain, and a reply-to."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    from_name = models.CharField(_("sender name"), max_length=100)
    from_email = models.EmailField(_("sender address"), unique=True)
    reply_to = models.EmailField(_("reply-to address"), blank=True)
    domain = models.ForeignKey(SendingDomain, on_delete=models.PROTECT, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["from_name"]
        verbose_name = _("sender identity")

    def __str__(self) -> str:
        return f"{self.from_name} <{self.from_email}>"

    def save(self, *args: object, **kwargs: object) -> None:
        self.domain = SendingDomain.for_address(self.from_email)
        super().save(*args, **kwargs)


class MailingStatus(models.TextChoices):
    ACTIVE = "active", _("Sending")
    PAUSED = "paused", _("Paused")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Done")


class Purpose(models.TextChoices):
    # Campaigns and workflows: only to subscribers, within pauses and the frequency cap.
    MARKETING = "marketing", _("Marketing")
    # One message a person's own action called for (a signup's confirmation, a welcome):
    # pending contacts get it too, and pauses and the frequency cap do not apply.
    TRANSACTIONAL = "transactional", _("Transactional")


class Mailing(models.Model):
    """What is being sent: a subject, a body and a sender, frozen when sending starts.

    A campaign makes one when it starts (and automation, later, one per step), so that the
    engine needs nothing but this app, and editing the template afterwards changes nothing
    that is already on its way. Workers only take messages of an active mailing.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.CharField(max_length=255)
    html = models.TextField()
    text = models.TextField()
    sender = models.ForeignKey(SenderIdentity, on_delete=models.PROTECT)
    # List-Id (RFC 2919) and Feedback-ID, which mailbox providers group complaints by.
    list_id = models.CharField(max_length=255)
    feedback_id = models.CharField(max_length=255)
    status = models.CharField(
        max_length=12, choices=MailingStatus.choices, default=MailingStatus.ACTIVE
    )
    # The web links of the HTML, in order; the HTML holds {{ tracking_link_N }} in their
    # place (pregon.sending.links), which click tokens name by position.
    links = models.JSONField(default=list, blank=True)
    track_opens = models.BooleanField(default=False)
    # Why the engine paused it: "quota" when the month's messages ran out. A pause of the
    # engine's own ends by itself when messages are available again; a person's does not.
    pause_reason = models.CharField(max_length=16, blank=True)
    purpose = models.CharField(max_length=13, choices=Purpose.choices, default=Purpose.MARKETING)
    # A transactional mailing's idempotency key (pregon.sending.transactional.send): the
    # same key never makes a second message. Empty (NULL) for every other mailing.
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    # Merge-tag values only this mailing has ({"enlace_confirmar": url}), for its one message.
    values = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.subject

    @property
    def is_marketing(self) -> bool:
        return self.purpose == Purpose.MARKETING


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # Written to the local test mailbox (var/outbox) because no relay or provider was in use:
    # it reached nobody, so it is neither delivered nor billed.
    OUTBOX = "outbox", _("Test mailbox")
    # Not sent when its turn came: ``Message.skip_reason`` says why.
    SKIPPED = "skipped", _("Skipped")


class SkipReason(models.TextChoices):
    """Why the engine skipped a message at send time."""

    # The contact unsubscribed, bounced, complained or was deleted after the audience was
    # fixed (or was never confirmed: a pending signup gets only transactional mail).
    LEFT = "left", _("No longer subscribed")
    SUPPRESSED = "suppressed", _("Suppressed address")
    PAUSED = "paused", _("Emails paused by the person")
    FREQUENCY_CAP = "frequency_cap", _("Frequency cap")


# The conditions of ``Message``'s partial indexes. A query that should use one names the
# condition itself: SQLite's planner matches them term by term (PostgreSQL's also proves
# them, from "status = 'queued'" or "provider_message_id IN (…)" alone).
QUEUED = Q(status=MessageStatus.QUEUED)
SENDING = Q(status=MessageStatus.SENDING)
FAILED = Q(status=MessageStatus.FAILED)
SKIPPED = Q(status=MessageStatus.SKIPPED)
# Not yet answered by a relay: written as two terms, so that each can use its index.
PENDING = QUEUED | SENDING
HAS_PROVIDER_ID = ~Q(provider_message_id="")


class Message(models.Model):
    """One email to one person: the unit of sending, tracking and billing.

    A worker holds a batch of messages while ``leased_until`` is in the future; ``lease``
    names its claim, so that only the worker that claimed a message records its outcome.
    """

    # No index of its own: the unique (mailing, contact) index leads with it and serves
    # every lookup by mailing, one index fewer for each claim and record to write.
    mailing = models.ForeignKey(
        Mailing, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    contact = models.ForeignKey(Contact, null=True, on_delete=models.SET_NULL)
    # Copied when the audience is fixed, so the address sent to stays on record.
    email = models.EmailField(max_length=254)
    status = models.CharField(
        max_length=8, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    send_after = models.DateTimeField(default=timezone.now)
    lease = models.UUIDField(null=True, blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The last reply of the server, for the report: "250 2.0.0 Ok", "550 5.1.1 …".
    smtp_code = models.PositiveSmallIntegerField(null=True, blank=True)
    reply = models.CharField(max_length=500, blank=True)
    # The id a provider's API gave it (anymail), so that the provider's webhooks find it
    # (the partial index ``message_provider_id``).
    provider_message_id = models.CharField(max_length=255, blank=True)
    # A database default too: scripts that insert messages in SQL (benchmarks) need not know it.
    skip_reason = models.CharField(
        max_length=13, choices=SkipReason.choices, blank=True, default="", db_default=""
    )
    # The A/B variant it carries (``MailingVariant.number``), or None for a mailing's own
    # content.
    variant = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailing", "contact"], name="unique_mailing_contact")
        ]
        # Every index but the primary key and the unique one is partial: a message's claim
        # and its outcome each change ``status``, so PostgreSQL writes the new row version
        # into every index whose condition it meets, and into no other. A message so gets
        # an entry in one status's index at most (none once sent) and in ``message_sent_at``
        # once. Sent messages, the many, are read by mailing (the unique index) or by
        # ``sent_at``, never by status alone.
        indexes = [
            # Claims take queued messages in id order, however far a campaign has gone.
            # Partial, not (status, id): with statistics that say most messages are queued
            # (a campaign just queued), PostgreSQL's planner likes the primary key as well
            # as a full (status, id) index, and the claims then walk past every message
            # sent since.
            models.Index(fields=["id"], condition=QUEUED, name="message_queue"),
            # The quota's count of the messages in flight; the leases that ran out.
            models.Index(fields=["leased_until"], condition=SENDING, name="message_sending"),
            # A campaign's failures and skips (its report, a resend), the metrics' counts,
            # the consumption report's incidents.
            models.Index(fields=["mailing"], condition=FAILED, name="message_failed"),
            models.Index(fields=["mailing"], condition=SKIPPED, name="message_skipped"),
            # Domain limits count what went out in the last minute; the last-sent roll-up.
            models.Index(
                fields=["sent_at"], condition=Q(sent_at__isnull=False), name="message_sent_at"
            ),
            # Only messages sent through a provider's API have an id, looked up exactly
            # (no pattern index) by its webhooks.
            models.Index(
                fields=["provider_message_id"],
                condition=HAS_PROVIDER_ID,
                name="message_provider_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.status})"


class MailingVariant(models.Model):
    """One variant of an A/B-tested mailing: what its messages of that ``number`` get instead
    of the mailing's own subject, sender name and body. The variants' links share the
    mailing's ``links`` list (each variant's positions follow the previous one's), so a click
    token names a link whatever the variant."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="variants")
    number = models.PositiveSmallIntegerField()
    subject = models.CharField(max_length=255)
    from_name = models.CharField(max_length=100)
    html = models.TextField()
    text = models.TextField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "number"], name="unique_mailing_variant")
        ]

    def __str__(self) -> str:
        return f"{self.mailing_id}/{self.number}"


class LastSentRollup(models.Model):
    """How far contacts' last email (``Contact.last_sent_at``) is up to date: one row, moved
    on by each roll-up of the messages sent since (``pregon.sending.last_sent``)."""

    done_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"last sent rolled up until {self.done_until}"


class QuotaGrant(models.Model):
    """Messages the account may send: a month of the plan, or a credit given in a month.

    ``ends_at`` is the end of the month it belongs to. Whether unused messages expire then
    or when the term ends is ``QuotaSettings.expiry`` (pregon.sending.quota).
    """

    PLAN = "plan"
    CREDIT = "credit"

    kind = models.CharField(
        max_length=8, choices=[(PLAN, _("Monthly plan")), (CREDIT, _("Credit for an incident"))]
    )
    amount = models.PositiveIntegerField(_("messages"))
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.starts_at:%Y-%m-%d}"


class QuotaExpiry(models.TextChoices):
    # The tender's rule: each month's messages stay usable until the term ends.
    TERM = "term", _("Each month's messages can be used until the end of the term")
    # The strict alternative, Brevo's: each month's messages expire at its end.
    MONTHLY = "monthly", _("Each month's messages expire at the end of the month")


class QuotaSettings(models.Model):
    """How the plan's messages expire, and when its term starts (one row, ``load``)."""

    expiry = models.CharField(
        _("unused messages"), max_length=8, choices=QuotaExpiry.choices, default=QuotaExpiry.TERM
    )
    # The day the credentials were delivered: the term starts the day after (the tender).
    credentials_delivered_on = models.DateField(
        _("credentials delivered on"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("quota settings")

    def __str__(self) -> str:
        return f"{self.expiry} from {self.credentials_delivered_on}"

    @classmethod
    def load(cls) -> "QuotaSettings":
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


class QuotaDebit(models.Model):
    """Messages a relay accepted, written in the same transaction that marks them sent."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    count = models.PositiveIntegerField()
    mailing = models.ForeignKey(
        Mailing, null=True, on_delete=models.SET_NULL, related_name="debits"
    )

    def __str__(self) -> str:
        return f"{self.count} at {self.at:%Y-%m-%d %H:%M}"


class BackendKind(models.TextChoices):
    SMTP = "smtp", _("SMTP relay")
    FILE = "file", _("Test mailbox (nothing leaves this server)")
    AMAZON_SES = "amazon_ses", "Amazon SES"
    BREVO = "brevo", "Brevo"
    MAILGUN = "mailgun", "Mailgun"
    POSTMARK = "postmark", "Postmark"
    SENDGRID = "sendgrid", "SendGrid"


# Providers reached through their HTTP APIs (django-anymail), not SMTP.
PROVIDER_KINDS = {
    BackendKind.AMAZON_SES,
    BackendKind.BREVO,
    BackendKind.MAILGUN,
    BackendKind.POSTMARK,
    BackendKind.SENDGRID,
}


class Security(models.TextChoices):
    STARTTLS = "starttls", _("STARTTLS")
    TLS = "tls", _("TLS from the start")
    NONE = "none", _("None (loopback only)")


class Backend(models.Model):
    """Where messages are handed over: an SMTP relay, or the test mailbox on disk.

    The relay's password is stored encrypted (pregon.lib.vault) and never shown again.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=BackendKind.choices)
    host = models.CharField(_("host"), max_length=253, blank=True)
    port = models.PositiveIntegerField(_("port"), default=587)
    security = models.CharField(
        _("encryption"), max_length=8, choices=Security.choices, default=Security.STARTTLS
    )
    username = models.CharField(_("user"), max_length=255, blank=True)
    # The relay's password or the provider's API key (secret key for Amazon SES), encrypted.
    password = models.TextField(blank=True, editable=False)
    # A provider's other settings: region, sender domain, API address (not secret).
    options = models.JSONField(default=dict, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        help_text=_("With several in use, each takes a share of the messages in this proportion."),
    )
    max_connections = models.PositiveSmallIntegerField(
        _("connections at once"),
        default=4,
        help_text=_("How many senders may use it at the same time, on all servers together."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("delivery backend")

    def __str__(self) -> str:
        return self.name


class SendingLimits(models.Model):
    """Speed limits all workers share (one row): a global rate, and per recipient domain
    (``DomainLimit``). Receivers defer or reject mail that comes faster than they accept."""

    per_second = models.PositiveIntegerField(
        _("messages per second"), default=0, help_text=_("0: as fast as the relays take them.")
    )
    frequency_cap = models.PositiveSmallIntegerField(
        _("marketing emails per contact in 7 days"),
        default=0,
        help_text=_(
            "At most this many campaign and workflow emails to each contact in any 7 days; "
            "the rest are skipped and not billed. 0: no limit."
        ),
    )
    # When the next message may go out under per_second: the workers' shared pace.
    next_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("sending limits")

    def __str__(self) -> str:
        return f"{self.per_second}/s"

    @classmethod
    def load(cls) -> "SendingLimits":
        limits, _created = cls.objects.get_or_create(pk=1)
        return limits


class DomainLimit(models.Model):
    """At most ``per_minute`` messages a minute to addresses at ``domain``."""

    domain = models.CharField(_("recipient domain"), max_length=253, unique=True)
    per_minute = models.PositiveIntegerField(_("messages per minute"))

    class Meta:
        ordering = ["domain"]
        verbose_name = _("domain limit")

    def __str__(self) -> str:
        return f"{self.domain}: {self.per_minute}/min"


class BackendSlot(models.Model):
    """One of a backend's ``max_connections``: a sender holds a slot while it sends through
    the backend, and renews it; a slot whose holder died frees itself when ``held_until``
    passes, or at once for a sender of the holder's machine (``transports.slots``). This is
    how every sender, on every machine, keeps to the limit together."""

    backend = models.ForeignKey(Backend, on_delete=models.CASCADE, related_name="slots")
    number = models.PositiveSmallIntegerField()
    holder = models.UUIDField(null=True, blank=True)
    # The holder's process, "host:pid" (lib.processes): a sender on the same machine takes
    # over at once the slot of one that was killed.
    holder_process = models.CharField(max_length=300, blank=True, default="")
    held_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["backend", "number"], name="unique_backend_slot")
        ]

    def __str__(self) -> str:
        return f"{self.backend_id}#{self.number}"


class BounceKind(models.TextChoices):
    """What a bounce means for the recipient (see ``pregon.sending.bounces.classifier``)."""

    HARD = "hard", _("Hard bounce")
    SOFT = "soft", _("Soft bounce")
    COMPLAINT = "complaint", _("Complaint")
    # Refused for something on our side (a block of our IP, SPF/DKIM/DMARC, the content):
    # the person is still there, so the address is never suppressed for it.
    SENDER = "sender", _("Sending-side rejection")


class BounceCause(models.TextChoices):
    """Why a message did not arrive, after sisimai's reason taxonomy."""

    # The address is dead: suppressed at once.
    USER_UNKNOWN = "user_unknown", _("Mailbox does not exist")
    HOST_UNKNOWN = "host_unknown", _("Domain does not exist")
    HAS_MOVED = "has_moved", _("Person has moved")
    NOT_ACCEPT = "not_accept", _("Domain accepts no mail")
    SUSPENDED = "suspended", _("Mailbox disabled")
    # Passing trouble: counted, suppressed only after the soft-bounce limit.
    MAILBOX_FULL = "mailbox_full", _("Mailbox full")
    EXPIRED = "expired", _("Delivery time expired")
    SYSTEM_ERROR = "system_error", _("Receiving server error")
    NETWORK_ERROR = "network_error", _("Network error")
    TOO_MANY_CONNECTIONS = "too_many_conn", _("Too many connections")
    RATE_LIMITED = "rate_limited", _("Sending rate limited")
    UNDEFINED = "undefined", _("Unspecified failure")
    # Our side: never suppresses the recipient, flagged for the sender to fix.
    BLOCKED = "blocked", _("Our server is blocked")
    POLICY_VIOLATION = "policy", _("Receiver's policy")
    SPAM_DETECTED = "spam", _("Taken for spam")
    SECURITY_ERROR = "security", _("SPF/DKIM/DMARC failure")
    REJECTED_SENDER = "rejected_sender", _("Sender address refused")
    CONTENT_ERROR = "content", _("Content refused")
    # Someone marked the message as spam.
    COMPLAINT = "complaint", _("Complaint")


class BounceSource(models.TextChoices):
    SMTP = "smtp", _("Relay's reply while sending")
    MAILBOX = "mailbox", _("Bounce mailbox")
    WEBHOOK = "webhook", _("Provider's notice")


class Bounce(models.Model):
    """A message that did not arrive, or a complaint about one, from wherever we heard of it:
    the relay's reply, a delivery status notice in the bounce mailbox, a provider's webhook.
    ``message`` is empty when the notice names only an address."""

    kind = models.CharField(_("kind"), max_length=9, choices=BounceKind.choices)
    source = models.CharField(_("source"), max_length=8, choices=BounceSource.choices)
    email = models.EmailField(_("email address"), max_length=254, db_index=True)
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="bounces"
    )
    cause = models.CharField(
        _("cause"), max_length=16, choices=BounceCause.choices, default=BounceCause.UNDEFINED
    )
    # What the server said: "5.1.1 User unknown", a provider's description, the ARF type.
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("bounce")

    def __str__(self) -> str:
        return f"{self.kind} {self.email}"


class BatchLease(models.Model):
    """Which process claimed a batch: one row per claim (``Message.lease``), so that when a
    sender is killed, a process of its machine can see at once that the batch's holder has
    ended and queue the batch again (``sending.leases``), instead of waiting out the lease.
    Rows go when their lease has run out."""

    lease = models.UUIDField(primary_key=True)
    # "host:pid" (lib.processes).
    holder_process = models.CharField(max_length=300)
    leased_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.lease} {self.holder_process}"


class Heartbeat(models.Model):
    """A long-running process saying it is alive: a sender, the scheduler, a task worker.
    One row per process (``name`` is host and pid, or a systemd instance), updated every few
    seconds; /readyz and /metrics read them. Rows of processes gone quiet are pruned."""

    kind = models.CharField(max_length=16)
    name = models.CharField(max_length=120, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


# The SMS channel's tables, in a module of their own (see its docstring).
from pregon.sending.sms.models import (  # noqa: E402, F401
    GatewayKind,
    SmsGateway,
    SmsMessage,
    SmsQuotaDebit,
    SmsQuotaGrant,
    SmsStatus,
)
