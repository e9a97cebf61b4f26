"""Open and click tracking, prepared once per mailing and filled in per message.

``prepare`` swaps each web link of a mailing's HTML for a merge tag (``{{ tracking_link_3 }}``)
and adds an open pixel (``{{ tracking_open }}``); ``context`` gives one message the signed
addresses those tags stand for. Rendering them costs nothing extra: they go through the
same precompiled template as the contact's own data. The same pass adds the mailing's UTM
parameters (``pregon.sending.utm``) to its web links, tracked or not. The tracking app's
views turn a token back into the message and the link, and refuse any token they did not
sign, so the click address can never send anybody elsewhere (no open redirect).
"""

import html as html_module
import re
from collections.abc import Callable

from django.conf import settings
from django.urls import reverse

from pregon.lib import signing
from pregon.sending.utm import Utm

# A link is tracked if it is a web address in an <a href>; mailto:, tel:, anchors and merge
# tags (the unsubscribe link) are left alone.
HREF = re.compile(r'(<a\b[^>]*?\bhref=")(https?://[^"]+)(")', re.IGNORECASE)
BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)
PIXEL = (
    '<img src="{{ tracking_open }}" width="1" height="1" alt="" '
    'style="display:block;height:1px;width:1px;border:0;margin:0;padding:0">'
)
# A click token holds the message and the link's position: message * LINKS + position.
LINKS = 1000


def prepare(
    html: str, clicks: bool, opens: bool, utm: Utm | None = None, first: int = 0
) -> tuple[str, list[str]]:
    """``html`` with its links and pixel as merge tags, and the links' addresses in order.

    With ``utm``, every web link gets its tags, whether clicks are tracked or not. The
    tags are numbered from ``first``: an A/B test's variants follow one another in their
    mailing's one list of links.
    """
    urls: list[str] = []
    seen = 0

    def tag(match: re.Match) -> str:
        nonlocal seen
        # A link with a merge tag in it differs per person: it is not ours to store or tag.
        if "{{" in match.group(2) or "{%" in match.group(2):
            return match.group(0)
        url = html_module.unescape(match.group(2))
        if utm is not None:
            url = utm.apply(url, seen)
        seen += 1
        if not clicks or first + len(urls) >= LINKS:
            href = html_module.escape(url) if utm is not None else match.group(2)
            return f"{match.group(1)}{href}{match.group(3)}"
        urls.append(url)
        position = first + len(urls) - 1
        return f"{match.group(1)}{{{{ tracking_link_{position} }}}}{match.group(3)}"

    if clicks or utm is not None:
        html = HREF.sub(tag, html)
    if opens:
        html, added = BODY_END.subn(lambda end: PIXEL + end.group(0), html, count=1)
        if not added:
            html += PIXEL
    return html, urls


def context(
    message_id: int, link_count: int, address: Callable[[str, str], str] | None = None
) -> dict[str, str]:
    """The tracking addresses of one message, for the tags ``prepare`` put in.

    ``address`` makes the absolute URL of a view name and a token; the engine's worker
    gives one that reverses each name once (``Worker.address``), not once per link.
    """
    address = address or _reversed
    values = {"tracking_open": address("tracking:open", open_token(message_id))}
    for position in range(link_count):
        token = signing.sign("click", message_id * LINKS + position)
        values[f"tracking_link_{position}"] = address("tracking:click", token)
    return values


def _reversed(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, args=[token])


def open_token(message_id: int) -> str:
    return signing.sign("open", message_id)


def read_click(token: str) -> tuple[int, int]:
    """The message and link position of a click token; raises ``signing.BadToken``."""
    return divmod(signing.unsign("click", token), LINKS)
