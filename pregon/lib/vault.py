"""Secrets at rest: relay passwords, provider API keys and DKIM private keys are stored
encrypted (Fernet: AES-128-CBC with an HMAC), so a copy of the database alone reveals none.

The key comes from ``PREGON_ENCRYPTION_KEY`` or, when unset, is derived from the secret key.
Changing the key that encrypted them makes the stored secrets unreadable: they must then be
entered again (``decrypt`` raises ``InvalidToken``).
"""

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt"]


@functools.cache
def _fernet(key_material: str) -> Fernet:
    # HKDF turns any secret string into the 32 bytes Fernet needs; the "info" keeps this key
    # apart from anything else that may one day be derived from the same secret.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"pregon vault").derive(
        key_material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(plain: str) -> str:
    """``plain`` encrypted, as ASCII text fit for a database column ("" stays "")."""
    if not plain:
        return ""
    return _fernet(settings.ENCRYPTION_KEY).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    """The text ``encrypt`` gave ``token`` for; raises ``InvalidToken`` if the key changed."""
    if not token:
        return ""
    return _fernet(settings.ENCRYPTION_KEY).decrypt(token.encode()).decode()
