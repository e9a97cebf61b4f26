"""Tracked short links in SMS: each web address of a personalised text becomes
``<site>/s/<token>``, where the token signs the message and the link's position. The
tracking app's view (``tracking:sms_link``) redirects only to the message's own link, so
nobody can make the address send people elsewhere (no open redirect), and it is short
enough not to cost an extra part.
"""

import re

from django.conf import settings
from django.urls import reverse

from pregon.lib import signing

URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")
# A token holds the message and the link's position: message * LINKS + position.
LINKS = 100
KIND = "sms-link"


def shorten(message_id: int, text: str) -> tuple[str, list[str]]:
    """``text`` with each web address replaced by its short link, and the addresses in order."""
    urls: list[str] = []

    def replace(match: re.Match) -> str:
        if len(urls) >= LINKS:
            return match.group(0)
        urls.append(match.group(0))
        token = signing.sign(KIND, message_id * LINKS + len(urls) - 1)
        return settings.SITE_URL + reverse("tracking:sms_link", args=[token])

    return URL.sub(replace, text), urls


def resolve(token: str) -> tuple[int, int]:
    """The message id and link position of ``token``; raises ``signing.BadToken``."""
    return divmod(signing.unsign(KIND, token), LINKS)
