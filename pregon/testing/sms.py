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
