"""Outgoing webhooks: the URLs administrators subscribe to events, and each delivery to them.

A ``Delivery`` is written in the transaction of the change that caused it (an outbox, see
``pregon.lib.events``), and the worker (``deliveries.py``) sends it later, in order per
endpoint, retrying with a growing delay for a day.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.lib import vault

# How long a delivery is retried before it fails for good (and its endpoint is disabled).
RETRY_WINDOW = datetime.timedelta(hours=24)
# How long the previous secret still signs after a rotation.
OVERLAP = datetime.timedelta(hours=24)


class SigningKeys(models.Model):
    """A signing secret kept with pregon.lib.vault, and the one it replaced, which signs
    too for ``OVERLAP`` after a rotation so that receivers can switch without losing any:
    an endpoint's, and the automations' calls' (``CallSecret``)."""

    # "whsec_…" (Standard Webhooks), encrypted.
    secret = models.TextField(editable=False)
    previous_secret = models.TextField(blank=True, editable=False)
    previous_until = models.DateTimeField(null=True, blank=True, editable=False)

    FIELDS = ("secret", "previous_secret", "previous_until")

    class Meta:
        abstract = True

    def secrets(self) -> list[str]:
        """The secrets that sign a delivery now: the current one, and the previous one
        during the day after a rotation."""
        found = [vault.decrypt(self.secret)]
        if self.previous_secret and self.previous_until and self.previous_until > timezone.now():
            found.append(vault.decrypt(self.previous_secret))
        return found

    def replace_secret(self, secret: str) -> None:
        """Sign with ``secret`` (in the clear) from now on, and with the current secret, if
        there is one and it can still be read, for ``OVERLAP`` more; not saved. After the
        encryption key changed, rotating is the way out: the old secret then signs no more."""
        self.previous_secret, self.previous_until = "", None
        if self.secret and _readable(self.secret):
            self.previous_secret = self.secret
            self.previous_until = timezone.now() + OVERLAP
        self.secret = vault.encrypt(secret)


def _readable(token: str) -> bool:
    try:
        vault.decrypt(token)
    except vault.InvalidToken:
        return False
    return True


class Endpoint(SigningKeys):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    url = models.URLField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Names from pregon.lib.events.NAMES.
    events = models.JSONField(_("events"), default=list)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    # Failed attempts in a row; a delivery that succeeds resets it.
    failure_count = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.url


class CallSecret(SigningKeys):
    """The secret that signs automations' webhook calls (they have no endpoint of their
    own): one row, created on first need (``signing.call_secret``), shown once to an
    administrator and rotated on demand, as an endpoint's."""

    ONLY = 1

    created_at = models.DateTimeField(default=timezone.now)
    # When an administrator was shown the current secret; None until then.
    shown_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return "automation calls"


class AllowedHost(models.Model):
    """A host name an administrator allowed although it resolves to a private address (a
    service on the office's own network)."""

    name = models.CharField(_("host name"), max_length=253, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    # None for a one-off call to ``url`` (an automation's webhook step).
    endpoint = models.ForeignKey(
        Endpoint, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    url = models.CharField(max_length=2000, blank=True)
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    key = models.CharField(max_length=200)
    # The webhook-id header: the same on every attempt, so receivers can skip repeats.
    message_id = models.CharField(max_length=40, unique=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempt_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Retries stop a day after this (the creation, or the last "send again").
    retry_from = models.DateTimeField(default=timezone.now)
    next_at = models.DateTimeField(default=timezone.now)
    lease = models.UUIDField(null=True, blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "key"],
                condition=Q(endpoint__isnull=False),
                name="webhooks_delivery_key_per_endpoint",
            ),
            models.UniqueConstraint(
                fields=["key"], condition=Q(endpoint__isnull=True), name="webhooks_call_key"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_at"], name="webhooks_delivery_due"),
            models.Index(fields=["endpoint", "status", "id"], name="webhooks_delivery_order"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.message_id}"

    def target(self) -> str:
        return self.endpoint.url if self.endpoint_id else self.url


class Attempt(models.Model):
    """One try at a delivery: what the receiver answered, or why there was no answer."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # The first characters of the answer's body, or the error (time-out, refused address).
    response = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code}"

    @property
    def is_success(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
