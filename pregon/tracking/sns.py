"""Amazon SNS's message signatures, which django-anymail 15 does not check.

Amazon SES posts its events through an SNS topic. Every SNS message is signed with RSA by a
certificate that SNS publishes at ``SigningCertURL``; the signature covers some of the
message's fields in a fixed order (https://docs.aws.amazon.com/sns/latest/dg/
sns-verify-signature-of-message.html). The certificate is fetched only from an https address
of SNS itself, and kept in memory, since SNS uses the same one for a long time.
"""

import base64
import functools
import re
from typing import Any
from urllib.parse import urlsplit

import requests
from anymail.exceptions import AnymailWebhookValidationFailure
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# Where SNS keeps its signing certificates, in every region (and China's partition).
SNS_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$")
# The fields each kind of SNS message signs, in the order they are signed.
SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
SIGNED_FIELDS["UnsubscribeConfirmation"] = SIGNED_FIELDS["SubscriptionConfirmation"]
HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}
TIMEOUT = 10


class CertificateUnavailable(Exception):
    """SNS's certificate could not be fetched: a 500, so that SNS tries again later."""


def is_sns_url(url: str) -> bool:
    """Whether ``url`` is an https address of Amazon SNS itself."""
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(SNS_HOST.match(parts.hostname or ""))


def verify(message: dict[str, Any]) -> None:
    """Check the signature of an SNS message (its parsed JSON body).

    Raises AnymailWebhookValidationFailure (a 400) when it is missing or wrong, and
    CertificateUnavailable when SNS's certificate can't be fetched.
    """
    fields = SIGNED_FIELDS.get(message.get("Type", ""))
    digest = HASHES.get(str(message.get("SignatureVersion", "")))
    url = message.get("SigningCertURL", "")
    if fields is None or digest is None or not isinstance(url, str) or not is_sns_url(url):
        raise AnymailWebhookValidationFailure("Amazon SNS message without a valid signature")
    signed = "".join(
        f"{name}\n{message[name]}\n" for name in fields if message.get(name) is not None
    )
    try:
        signature = base64.b64decode(message.get("Signature", ""), validate=True)
        _public_key(url).verify(signature, signed.encode(), padding.PKCS1v15(), digest())
    except (ValueError, TypeError, InvalidSignature) as error:
        raise AnymailWebhookValidationFailure(
            "Amazon SNS message with an incorrect signature"
        ) from error


@functools.lru_cache(maxsize=16)
def _public_key(url: str) -> rsa.RSAPublicKey:
    try:
        response = requests.get(url, timeout=TIMEOUT, allow_redirects=False)
        response.raise_for_status()
    except requests.RequestException as error:
        raise CertificateUnavailable(f"Could not fetch {url}: {error}") from error
    key = x509.load_pem_x509_certificate(response.content).public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("Amazon SNS's certificate has no RSA key")
    return key
