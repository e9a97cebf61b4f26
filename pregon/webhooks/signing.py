"""Standard Webhooks signing: the body every receiver gets, and its three headers.

``webhook-id`` stays the same on every attempt at a delivery, ``webhook-timestamp`` is the
time of the attempt and ``webhook-signature`` holds one ``v1,<base64 HMAC-SHA256>`` per
secret in use (two during the day after a rotation), as the specification says.
"""

import base64
import datetime
import json
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from pregon.lib import vault
from pregon.webhooks.models import CallSecret, Delivery


def new_secret() -> str:
    """A fresh secret in the specification's form: "whsec_" and 32 random bytes, base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def call_secret() -> CallSecret:
    """The secret of automations' calls, created with a fresh value on first need."""
    found = CallSecret.objects.filter(pk=CallSecret.ONLY).first()
    if found is not None:
        return found
    created = CallSecret(pk=CallSecret.ONLY)
    created.replace_secret(new_secret())
    try:
        with transaction.atomic():
            created.save(force_insert=True)
    except IntegrityError:
        return CallSecret.objects.get(pk=CallSecret.ONLY)  # Another process made it first.
    return created


def reveal_call_secret() -> str | None:
    """The calls' secret in the clear if no administrator has been shown it yet (it was
    just created, or seeded from the secret that earlier versions derived), and from now
    on it counts as shown; None otherwise. Of two pages asking at once, one gets it."""
    found = call_secret()
    if found.shown_at is not None:
        return None
    shown = CallSecret.objects.filter(pk=found.pk, shown_at=None, secret=found.secret)
    if not shown.update(shown_at=timezone.now()):
        return None
    return vault.decrypt(found.secret)


def body(delivery: Delivery) -> bytes:
    """The JSON document a receiver gets: the event's type, its time and its data."""
    document = {
        "type": delivery.event,
        "timestamp": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def headers(
    delivery: Delivery, data: bytes, at: datetime.datetime, keys: list[str]
) -> dict[str, str]:
    """The Standard Webhooks headers for one attempt at ``delivery`` at time ``at``, signed
    with each of ``keys`` (its endpoint's secrets, or the calls' secrets)."""
    text = data.decode()
    signatures = [Webhook(key).sign(delivery.message_id, at, text) for key in keys]
    return {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
