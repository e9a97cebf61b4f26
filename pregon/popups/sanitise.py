"""A pop-up's text: the HTML it may carry, what is refused outright, and the cleaning (nh3).

The text is shown on the classroom's pages, inside its users' sessions, so code in it would
run as the classroom. Code is refused with a message (``active_content``) rather than
cleaned away in silence, so that the person who pasted it learns why it did nothing; the
rest goes through nh3's allow-list (``clean_body``) before it is saved and again before it
is served.
"""

from html.parser import HTMLParser

import nh3
from django.utils.translation import gettext as _

TAGS = {"p", "br", "strong", "em", "b", "i", "u", "a", "ul", "ol", "li", "span"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Elements whose whole point is to run or embed something.
CODE_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base"}
CODE_SCHEMES = ("javascript:", "vbscript:", "data:")


def clean_body(html: str) -> str:
    """``html`` reduced to the allowed tags (p, br, strong, em, b, i, u, a[href], ul, ol,
    li, span) and link schemes (http, https, mailto); returns the cleaned HTML."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()


def active_content(html: str) -> list[str]:
    """What in ``html`` would run code, each as a message saying what to remove."""
    finder = _CodeFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


class _CodeFinder(HTMLParser):
    """Reads the HTML as a browser would (any case, entities decoded in attribute values)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def _add(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE_TAGS:
            self._add(
                _("Remove the <%(tag)s> tag: the text of a pop-up cannot carry code.")
                % {"tag": tag}
            )
        for name, value in attrs:
            if name.startswith("on"):
                self._add(
                    _("Remove the “%(name)s” attribute: the text of a pop-up cannot carry code.")
                    % {"name": name}
                )
            plain = "".join(ch for ch in (value or "") if ch > " ").lower()
            if name in {"href", "src", "action", "formaction", "xlink:href"} and plain.startswith(
                CODE_SCHEMES
            ):
                self._add(
                    _("Remove the link “%(value)s”: links must start with https://.")
                    % {"value": (value or "")[:40]}
                )
