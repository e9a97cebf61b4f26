"""Counting requests per address and per client in Django's cache, to refuse floods.

Login failures are django-axes's; this counts what axes does not see, such as requests for
a password-reset link (each one sends a mail).
"""

import hashlib
import time

from django.core.cache import cache


def within_limit(scope: str, values: list[str], limit: int, window: int) -> bool:
    """Count one more request for each of ``values`` (an address, a client's IP) in the
    current ``window`` of seconds; False if any of them is now past ``limit``.

    Windows are fixed (one hour starts on the hour), so a burst across two of them can reach
    twice the limit. The count is read and written, not incremented atomically: two requests
    at the same instant may count once, which a limit against floods can live with.
    """
    allowed = True
    current = int(time.time() // window)
    for value in values:
        digest = hashlib.sha256(value.encode()).hexdigest()
        key = f"throttle:{scope}:{current}:{digest}"
        count = cache.get(key, 0) + 1
        cache.set(key, count, window)
        allowed = allowed and count <= limit
    return allowed
