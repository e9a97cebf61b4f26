"""Standard Webhooks signing: the body every receiver gets, and its three headers.

``webhook-id`` stays the same on every attempt at a delivery, ``webhook-timestamp`` is the
time of the attempt and ``webhook-signature`` holds one ``v1,<base64 HMAC-SHA256>`` per
secret in use (two during the day after a rotation), as the specification says.
"""

import base64
import datetime
import functools
import json
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from standardwebhooks.webhooks import Webhook

from pregon.webhooks.models import Delivery


def new_secret() -> str:
    """A fresh secret in the specification's form: "whsec_" and 32 random bytes, base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@functools.cache
def _call_secret(key_material: str) -> str:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"pregon webhook calls"
    ).derive(key_material.encode())
    return "whsec_" + base64.b64encode(derived).decode()


def call_secret() -> str:
    """The secret that signs automations' calls to a URL (they have no endpoint of their
    own): derived from the encryption key, shown to administrators on the webhooks page."""
    return _call_secret(settings.ENCRYPTION_KEY)


def body(delivery: Delivery) -> bytes:
    """The JSON document a receiver gets: the event's type, its time and its data."""
    document = {
        "type": delivery.event,
        "timestamp": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def headers(delivery: Delivery, data: bytes, at: datetime.datetime) -> dict[str, str]:
    """The Standard Webhooks headers for one attempt at ``delivery`` at time ``at``."""
    keys = delivery.endpoint.secrets() if delivery.endpoint_id else [call_secret()]
    text = data.decode()
    signatures = [Webhook(key).sign(delivery.message_id, at, text) for key in keys]
    return {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
