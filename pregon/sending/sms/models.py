"""The SMS channel's tables: gateways, messages and the SMS quota ledger.

They live in the sending app (``pregon.sending.models`` re-exports them), because SMS is a
second channel of sending: the same lease pattern, the same retry delays, a ledger of its
own. Quotas of SMS count parts (segments), which is what gateways bill.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.contacts.models import Contact


class GatewayKind(models.TextChoices):
    HTTP = "http", _("Generic HTTP gateway")
    TWILIO = "twilio", "Twilio"
    VONAGE = "vonage", "Vonage"
    SMPP = "smpp", _("SMPP (carrier connection)")


class SmsGateway(models.Model):
    """Where SMS are handed over. The secret (password, auth token, API secret) is stored
    encrypted (pregon.lib.vault) and never shown again; the rest of a kind's settings (URL,
    method, body template, account, host and port) are in ``options``.

    ``code`` is also the secret part of its delivery-receipt and inbound addresses.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=GatewayKind.choices)
    # The number or sender id messages come from.
    sender = models.CharField(_("sender"), max_length=20, blank=True)
    username = models.CharField(_("user"), max_length=255, blank=True)
    secret = models.TextField(blank=True, editable=False)
    options = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("SMS gateway")

    def __str__(self) -> str:
        return self.name


class SmsStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    UNDELIVERED = "undelivered", _("Not delivered")
    FAILED = "failed", _("Failed")
    # The contact opted out of SMS, or was deleted, after the message was queued.
    SKIPPED = "skipped", _("Not sent: opted out")


class SmsMessage(models.Model):
    """One SMS to one phone. ``key`` makes queueing idempotent: whoever queues (a workflow's
    step, a campaign) names the message, and queueing the same key twice finds the first.

    A worker holds it while ``leased_until`` is in the future, under ``lease``.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(max_length=200, unique=True)
    contact = models.ForeignKey(Contact, null=True, on_delete=models.SET_NULL)
    # E.164, copied when queued so that the number sent to stays on record.
    phone = models.CharField(max_length=20)
    # The text as written, merge tags and all; personalised when sent.
    text = models.TextField()
    # The personalised text as handed to the gateway, its web links shortened.
    body = models.TextField(blank=True)
    # The web links of ``body``, in order, that /s/<token> redirects to.
    links = models.JSONField(default=list, blank=True)
    encoding = models.CharField(max_length=4, blank=True)
    segments = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=11, choices=SmsStatus.choices, default=SmsStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    send_after = models.DateTimeField(default=timezone.now)
    lease = models.UUIDField(null=True, blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    gateway = models.ForeignKey(SmsGateway, null=True, blank=True, on_delete=models.SET_NULL)
    gateway_message_id = models.CharField(max_length=100, blank=True, db_index=True)
    # The gateway's last answer or the reason it failed, for the report.
    reply = models.CharField(max_length=500, blank=True)
    # Who queued it: plain ids, since sending may not point at the apps to its right.
    workflow_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    campaign_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("SMS")
        indexes = [models.Index(fields=["status", "id"], name="sms_queue")]

    def __str__(self) -> str:
        return f"{self.phone} ({self.status})"


class SmsQuotaGrant(models.Model):
    """SMS parts the account may send within a period: a month of the plan, or a credit."""

    PLAN = "plan"
    CREDIT = "credit"

    kind = models.CharField(
        max_length=8, choices=[(PLAN, _("Monthly plan")), (CREDIT, _("Credit for an incident"))]
    )
    amount = models.PositiveIntegerField(_("SMS"))
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.starts_at:%Y-%m-%d}"


class SmsQuotaDebit(models.Model):
    """The parts of one SMS a gateway accepted, written in the transaction that marks it sent."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    count = models.PositiveIntegerField()
    message = models.OneToOneField(SmsMessage, null=True, on_delete=models.SET_NULL)

    def __str__(self) -> str:
        return f"{self.count} at {self.at:%Y-%m-%d %H:%M}"
