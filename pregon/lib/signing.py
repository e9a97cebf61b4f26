"""Compact signed tokens for the links and addresses inside sent messages.

A token names one object by number (a message, later a link) and carries a truncated HMAC,
so it fits in a URL or in the local part of a VERP address, and nobody can forge one for
another message. ``kind`` separates uses: an unsubscribe token is no bounce token.
"""

import functools
import hashlib
import hmac

from django.conf import settings

# 80 bits: forging one token takes 2**80 guesses, and each guess is a request to us.
MAC_BYTES = 10


class BadToken(Exception):
    """The token is malformed or its signature does not match."""


# Lower-case base32 (RFC 4648's alphabet): safe in URLs and in the local part of an email
# address, and not changed by mail systems that fold the case of addresses. Two characters
# for each 10 bits.
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
_BASE32_PAIRS = [first + second for first in _BASE32 for second in _BASE32]


@functools.lru_cache(maxsize=4)
def _keyed(secret: str) -> hmac.HMAC:
    """HMAC-SHA256 keyed from ``secret``, its pads started once: each MAC is a copy and an
    update, a fifth of what ``hmac.new`` costs (a message's send signs six tokens or more)."""
    key = hashlib.sha256(f"pregon-signing:{secret}".encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def _mac(kind: str, number: int) -> bytes:
    mac = _keyed(settings.SECRET_KEY).copy()
    mac.update(f"{kind}:{number}".encode())
    return mac.digest()[:MAC_BYTES]


def _b32(data: bytes) -> str:
    # What base64.b32encode gives in lower case (pure Python there, 5 µs a MAC): ``data`` is
    # a MAC of MAC_BYTES, a multiple of 5 bytes, so there is no padding.
    number = int.from_bytes(data, "big")
    shifts = range(len(data) * 8 - 10, -1, -10)
    return "".join([_BASE32_PAIRS[number >> shift & 1023] for shift in shifts])


def sign(kind: str, number: int) -> str:
    """A token for ``number``: the number in base 36, a dash, and the MAC in base 32."""
    return f"{_base36(number)}-{_b32(_mac(kind, number))}"


def unsign(kind: str, token: str) -> int:
    """The number ``sign(kind, number)`` gave ``token`` for; raises ``BadToken`` otherwise."""
    number_text, _dash, mac_text = token.lower().partition("-")
    try:
        number = int(number_text, 36)
    except ValueError:
        raise BadToken(token) from None
    if number < 0 or not hmac.compare_digest(mac_text, _b32(_mac(kind, number))):
        raise BadToken(token)
    return number


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text
