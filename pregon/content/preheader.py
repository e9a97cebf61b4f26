"""The preheader: the hidden line that inbox lists show after the subject.

A template carries its own as the first element of ``<body>``: a hidden ``<div>``
(``display:none``), which is what mjml-python writes for ``<mj-preview>``. Being first in the
body and hidden is the mark by which it is found. A campaign's preheader replaces it; without
one, the template's own is kept. Either way it is written with the fully hidden style, never
as white text, which spam filters score (SpamAssassin's HTML_FONT_LOW_CONTRAST).
"""

import re

from pregon.content import mergetags

# Hidden in every client: mso-hide for Outlook, the sizes and opacity for those that ignore
# display:none. No colour: white-on-white text is what spam filters look for. The font size
# comes last, unterminated: SpamAssassin's __FONT_INVIS (a part of FONT_INVIS_MSGID, 1 point)
# looks for "font-size:1px;" followed, within 80 characters, by the text it hides.
STYLE = (
    "display:none;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;"
    "mso-hide:all;font-size:1px"
)
BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
# The template's own: a hidden <div> right after <body>, holding text but no other <div>.
# (css-inline, which every template goes through, writes attributes in double quotes.)
OWN = re.compile(
    r"(?P<body><body\b[^>]*>)\s*"
    r'<div\b[^>]*\bstyle="[^"]*display\s*:\s*none[^"]*"[^>]*>'
    r"(?P<content>(?:(?!</?div\b).)*?)</div>",
    re.IGNORECASE | re.DOTALL,
)


def apply(html: str, text: str = "") -> str:
    """``html`` with ``text`` (a campaign's preheader, merge tags kept) as its preheader, in
    place of the template's own; with a blank ``text``, the template's own is kept. Either is
    written with the hidden ``STYLE``. HTML without a ``<body>`` is returned as it is.
    """
    own = OWN.search(html)
    content = mergetags.as_html(text.strip()) if text.strip() else own and own["content"]
    if not content:
        return html
    hidden = f'<div style="{STYLE}">{content}</div>'
    if own:
        return f"{html[: own.start()]}{own['body']}{hidden}{html[own.end() :]}"
    return BODY_OPEN.sub(lambda tag: tag.group(0) + hidden, html, count=1)
