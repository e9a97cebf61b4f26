"""System checks of the providers' webhook settings (pregon/tracking/webhooks.py): a mistake
there closes an endpoint without a word, and providers give up posting after a while."""

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.checks import Warning, register


@register("pregon")
def check_webhook_settings(app_configs: object, **kwargs: object) -> list[Warning]:
    webhooks = settings.ANYMAIL
    warnings = []
    secret = webhooks.get("WEBHOOK_SECRET") or ""
    if secret and ":" not in secret:
        warnings.append(
            Warning(
                "PREGON_WEBHOOK_SECRET has no colon: no provider's basic auth can match it.",
                hint="Write it as user:password, and give providers https://user:password@…",
                id="pregon.W050",
            )
        )
    key = webhooks.get("SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY") or ""
    if key and not _is_public_key(key):
        warnings.append(
            Warning(
                "PREGON_SENDGRID_WEBHOOK_VERIFICATION_KEY is not a public key: every SendGrid "
                "webhook would fail.",
                hint="Copy the Verification Key SendGrid shows for its Signed Event Webhook.",
                id="pregon.W051",
            )
        )
    return warnings


def _is_public_key(key: str) -> bool:
    # The way anymail reads it: base64 DER between PEM lines.
    pem = f"-----BEGIN PUBLIC KEY-----\n{key}\n-----END PUBLIC KEY-----"
    try:
        serialization.load_pem_public_key(pem.encode())
    except ValueError:
        return False
    return True
