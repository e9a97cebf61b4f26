"""The click heat map: the mailing's HTML with each tracked link outlined in a colour from
cool to hot and labelled with its clicks and share, shown in a sandboxed frame.

The frame runs no script (pregon.content.preview's policy), so the marks are plain CSS: an
outline and an ``::after`` label per link, keyed by a ``data-pregon-link`` attribute put in
place of the ``{{ tracking_link_N }}`` tag.
"""

import re

from django.http import HttpResponse
from django.utils.translation import gettext as _

from pregon.content.preview import preview_response
from pregon.reports.stats import LinkClicks

TRACKED_HREF = re.compile(r"""href=(["'])\{\{ tracking_link_(\d+) \}\}\1""")
OPEN_PIXEL = "{{ tracking_open }}"
HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


def colour(share: float) -> str:
    """Blue for no clicks, through yellow, to red for all of them."""
    hue = round(220 - 220 * min(max(share, 0.0), 1.0))
    return f"hsl({hue} 85% 45%)"


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def style(links: list[LinkClicks]) -> str:
    rules = [
        "a[data-pregon-link]{position:relative;outline-offset:2px;}",
        "a[data-pregon-link]::after{position:absolute;left:0;top:-1.6em;z-index:10;"
        "padding:1px 5px;border-radius:3px;color:#fff;font:bold 11px/1.4 sans-serif;"
        "white-space:nowrap;text-decoration:none;}",
    ]
    for link in links:
        label = _("%(clicks)s clicks · %(share)s %%") % {
            "clicks": link.total,
            "share": round(link.share * 100),
        }
        selector = f'a[data-pregon-link="{link.position}"]'
        rules.append(f"{selector}{{outline:3px solid {colour(link.share)};}}")
        rules.append(
            f"{selector}::after{{content:{_css_string(label)};background:{colour(link.share)};}}"
        )
    return "<style>" + "".join(rules) + "</style>"


def marked_html(html: str, links: list[LinkClicks]) -> str:
    """``html`` (a mailing's, with tracking tags) with its links marked and no pixel."""
    html = TRACKED_HREF.sub(r'href="#" data-pregon-link="\2"', html)
    html = html.replace(OPEN_PIXEL, "data:,")
    css = style(links)
    html, added = HEAD_END.subn(lambda end: css + end.group(0), html, count=1)
    return html if added else css + html


def heatmap_response(html: str, links: list[LinkClicks]) -> HttpResponse:
    """The marked HTML, personalised for the sample person, safe in a frame of ours."""
    return preview_response(marked_html(html, links), None)
