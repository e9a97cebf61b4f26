"""Pre-flight checks: what must be right before a template can be sent, and what to improve.

They run on the compiled HTML and the text, each time a template is saved. An error keeps the
template from being used in a campaign; a warning is advice.
"""

import re
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pregon.content.mergetags import UNSUBSCRIBE_NAMES

ERROR = "error"
WARNING = "warning"
# Gmail cuts a message whose HTML is larger than this and shows "[Message clipped]".
GMAIL_CLIP_BYTES = 102 * 1024
UNSUBSCRIBE_HREF = re.compile(r"^\{\{\s*(" + "|".join(sorted(UNSUBSCRIBE_NAMES)) + r")\s*\}\}$")
# Absolute web links, mail and phone links, and links a merge tag fills in at send time.
ACCEPTED_HREF = re.compile(r"^(https?://[^\s/]+|mailto:|tel:|\{\{)", re.IGNORECASE)
# Addresses reserved for examples (RFC 2606), and the one gallery designs and manuals use.
SAMPLE_DOMAINS = ("example.com", "example.org", "example.net", "example.gob.pe")


@dataclass(frozen=True)
class Check:
    """A failed check. It is stored as data (code, level, params) and worded when read, so
    that each person reads it in their own language."""

    code: str
    level: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return MESSAGES[self.code](self.params)

    def stored(self) -> dict[str, Any]:
        return asdict(self)

    def as_dict(self) -> dict[str, Any]:
        """The check for people and API clients: code, level and message."""
        return {"code": self.code, "level": self.level, "message": self.message}


def _unsubscribe_message(params: dict[str, Any]) -> str:
    return _(
        "There is no unsubscribe link. Add a link whose address is {{ enlace_baja }}, "
        "as in the footer of the gallery templates."
    )


def _alt_message(params: dict[str, Any]) -> str:
    return ngettext(
        "%(count)d image has no alternative text; describe it for people who do not see images.",
        "%(count)d images have no alternative text; describe them for people who do "
        "not see images.",
        params["count"],
    ) % {"count": params["count"]}


def _links_message(params: dict[str, Any]) -> str:
    shown = ", ".join(f"“{href}”" if href else _("(empty)") for href in params["links"])
    return ngettext(
        "%(count)d link is not a full web address (https://…): %(links)s.",
        "%(count)d links are not full web addresses (https://…): %(links)s.",
        params["count"],
    ) % {"count": params["count"], "links": shown}


def _placeholder_links_message(params: dict[str, Any]) -> str:
    shown = ", ".join(f"“{href}”" for href in params["links"])
    return ngettext(
        "%(count)d link leads to Pregón's own address or to a sample address, not to your "
        "website: %(links)s. Write your website in the brand kit or change the link.",
        "%(count)d links lead to Pregón's own address or to a sample address, not to your "
        "website: %(links)s. Write your website in the brand kit or change the links.",
        params["count"],
    ) % {"count": params["count"], "links": shown}


def _text_message(params: dict[str, Any]) -> str:
    return _("The plain-text version is empty; write it or generate it again.")


def _size_message(params: dict[str, Any]) -> str:
    return _(
        "The message weighs %(size)d KB; Gmail cuts messages above 102 KB. Remove "
        "content or split it into two messages."
    ) % {"size": params["size"] // 1024}


MESSAGES = {
    "unsubscribe": _unsubscribe_message,
    "alt": _alt_message,
    "links": _links_message,
    "placeholder_links": _placeholder_links_message,
    "text": _text_message,
    "size": _size_message,
}


class _LinksAndImages(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append((dict(attrs).get("href") or "").strip())
        elif tag == "img":
            self.images.append(dict(attrs))


def _parse(html: str) -> _LinksAndImages:
    parser = _LinksAndImages()
    parser.feed(html)
    parser.close()
    return parser


def _is_placeholder(href: str) -> bool:
    """True for a link to this platform's own host or to a sample domain: what a design
    filled with an empty brand kit links to, which no reader should be sent to."""
    host = (urlsplit(href).hostname or "") if ACCEPTED_HREF.match(href) else ""
    if not host:
        return False
    own = urlsplit(settings.SITE_URL).hostname
    return host == own or any(host == d or host.endswith("." + d) for d in SAMPLE_DOMAINS)


def placeholder_links_check(html: str) -> Check | None:
    """The warning for the links of ``html`` that lead to Pregón itself or to a sample
    address, or None if it has none. Campaigns ask it again before sending."""
    if links := [href for href in _parse(html).hrefs if _is_placeholder(href)]:
        unique = list(dict.fromkeys(links))
        return Check("placeholder_links", WARNING, {"count": len(unique), "links": unique[:3]})
    return None


def preflight(html: str, text: str) -> list[Check]:
    """The checks ``html`` and ``text`` fail, errors first."""
    parser = _parse(html)
    found: list[Check] = []
    if not any(UNSUBSCRIBE_HREF.match(href) for href in parser.hrefs):
        found.append(Check("unsubscribe", ERROR))
    if missing_alt := [image for image in parser.images if not (image.get("alt") or "").strip()]:
        found.append(Check("alt", ERROR, {"count": len(missing_alt)}))
    if bad_links := [href for href in parser.hrefs if not ACCEPTED_HREF.match(href)]:
        found.append(Check("links", ERROR, {"count": len(bad_links), "links": bad_links[:3]}))
    if not text.strip():
        found.append(Check("text", ERROR))
    size = len(html.encode())
    if size > GMAIL_CLIP_BYTES:
        found.append(Check("size", WARNING, {"size": size}))
    if placeholders := placeholder_links_check(html):
        found.append(placeholders)
    return found
