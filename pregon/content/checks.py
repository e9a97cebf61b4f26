"""Pre-flight checks: what must be right before a template can be sent, and what to improve.

They run on the compiled HTML and the text, each time a template is saved. An error keeps the
template from being used in a campaign; a warning is advice.
"""

import re
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from typing import Any

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


@dataclass(frozen=True)
class Check:
    code: str
    level: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


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


def preflight(html: str, text: str) -> list[Check]:
    """The checks ``html`` and ``text`` fail, errors first."""
    parser = _LinksAndImages()
    parser.feed(html)
    parser.close()
    found: list[Check] = []
    if not any(UNSUBSCRIBE_HREF.match(href) for href in parser.hrefs):
        message = _(
            "There is no unsubscribe link. Add a link whose address is {{ enlace_baja }}, "
            "as in the footer of the gallery templates."
        )
        found.append(Check("unsubscribe", ERROR, message))
    if missing_alt := [image for image in parser.images if not (image.get("alt") or "").strip()]:
        message = ngettext(
            "%(count)d image has no alternative text; describe it for people who do not "
            "see images.",
            "%(count)d images have no alternative text; describe them for people who do "
            "not see images.",
            len(missing_alt),
        ) % {"count": len(missing_alt)}
        found.append(Check("alt", ERROR, message))
    if bad_links := [href for href in parser.hrefs if not ACCEPTED_HREF.match(href)]:
        shown = ", ".join(f"“{href}”" if href else _("(empty)") for href in bad_links[:3])
        message = ngettext(
            "%(count)d link is not a full web address starting with https:// : %(links)s.",
            "%(count)d links are not full web addresses starting with https:// : %(links)s.",
            len(bad_links),
        ) % {"count": len(bad_links), "links": shown}
        found.append(Check("links", ERROR, message))
    if not text.strip():
        message = _("The plain-text version is empty; write it or generate it again.")
        found.append(Check("text", ERROR, message))
    size = len(html.encode())
    if size > GMAIL_CLIP_BYTES:
        message = _(
            "The message weighs %(size)d KB; Gmail cuts messages above 102 KB. Remove "
            "content or split it into two messages."
        ) % {"size": size // 1024}
        found.append(Check("size", WARNING, message))
    return found
