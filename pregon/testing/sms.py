"""What the SMS tests share: a contact with a phone, and gateways pointing at a fake
provider (pregon.testing.providers.FakeProvider, a real HTTP server on 127.0.0.1)."""

from typing import Any

from pregon.lib import vault
from pregon.sending.models import GatewayKind, SmsGateway
from pregon.sending.sms import quota as sms_quota

GATEWAY_SECRET = "Bearer sk_live_9f8e7d6c5b4a"


def http_gateway(url: str, **options: Any) -> SmsGateway:
    """A generic HTTP gateway posting JSON to ``url`` with a bearer token."""
    sms_quota.ensure_plan()
    return SmsGateway.objects.create(
        name="Proveedor local",
        kind=GatewayKind.HTTP,
        sender="PREGON",
        secret=vault.encrypt(GATEWAY_SECRET),
        options={
            "url": url,
            "method": "POST",
            "body": '{"to": "{{to}}", "message": "{{text}}", "ref": "{{id}}"}',
            "auth": "header",
            "auth_header": "Authorization",
            **options,
        },
    )


TWILIO_SID = "AC" + "a1b2c3d4" * 4
TWILIO_TOKEN = "f3e2d1c0b9a8f3e2d1c0b9a8f3e2d1c0"
VONAGE_KEY = "abcd1234"
VONAGE_SECRET = "Sx9Kq2Lm7Pz4"


def provider_gateway(kind: str, api_url: str) -> SmsGateway:
    """A Twilio or Vonage gateway whose API is ``api_url`` (a fake provider)."""
    sms_quota.ensure_plan()
    twilio = kind == GatewayKind.TWILIO
    return SmsGateway.objects.create(
        name=kind,
        kind=kind,
        sender="+15005550006" if twilio else "PREGON",
        username=TWILIO_SID if twilio else VONAGE_KEY,
        secret=vault.encrypt(TWILIO_TOKEN if twilio else VONAGE_SECRET),
        options={"api_url": api_url},
    )


def twilio_message(sid: str, status: str = "queued") -> dict[str, Any]:
    """A Message resource as Twilio answers its creation (201), trimmed of nothing we read."""
    return {
        "account_sid": TWILIO_SID,
        "api_version": "2010-04-01",
        "body": "Hola Ana",
        "date_created": "Sat, 05 Dec 2026 20:50:07 +0000",
        "date_sent": None,
        "date_updated": "Sat, 05 Dec 2026 20:50:07 +0000",
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": "+15005550006",
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": status,
        "subresource_uris": {
            "media": f"/2010-04-01/Accounts/{TWILIO_SID}/Messages/{sid}/Media.json"
        },
        "to": "+51987654321",
        "uri": f"/2010-04-01/Accounts/{TWILIO_SID}/Messages/{sid}.json",
    }
