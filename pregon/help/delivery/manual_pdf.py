"""The user manual (``docs/manual/``, pregon.help.manual) as one PDF with its screenshots:
a title page, the contents with each page's page number, then each page of the manual in
the README's order, its headings also the PDF's bookmarks.

The Markdown becomes HTML as in the help centre, and fpdf2's ``write_html`` lays it out:
headings, paragraphs, lists, bold, code, tables and the screenshots, scaled to the page.
Links between the manual's pages become plain text (a PDF reader cannot follow them);
links to the web stay links.
"""

import datetime
import hashlib
import os
import re
import tempfile
from html import escape
from pathlib import Path, PurePosixPath

import markdown
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf.fonts import TextStyle

from pregon.help import manual
from pregon.help.delivery.document import Document, fitted, plain
from pregon.reports.pdf import PRIMARY

# The page's own "# Title": the PDF writes the README's title for it instead.
TITLE_LINE = re.compile(r"^# .*$", re.MULTILINE)
IMAGE = re.compile(r"<img [^>]*>")
SOURCE = re.compile(r'src="([^"]+)"')
ALT = re.compile(r'alt="([^"]*)"')
TABLE = re.compile(r"<table>.*?</table>", re.DOTALL)
# write_html lays out a table's cells as plain text: no bold, code or links inside them.
INLINE_TAG = re.compile(r"</?(?!table|thead|tbody|tr|th|td)\w+[^>]*>")
TAG = re.compile(r"</?([a-zA-Z][\w-]*)[^>]*>")
# The tags Markdown makes; any other one is the manual's text (an MJML tag it explains).
KNOWN_TAGS = {
    *("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "hr", "br"),
    *("strong", "em", "b", "i", "code", "pre", "a", "img"),
    *("table", "thead", "tbody", "tr", "th", "td"),
}
LOCAL_LINK = re.compile(r'<a href="(?!https?:|mailto:)[^"]*">(.*?)</a>', re.DOTALL)
# The largest a screenshot is drawn, in mm.
PICTURE_WIDTH, PICTURE_HEIGHT = 170, 125
STYLES = {
    "h2": TextStyle("helvetica", "B", 14, PRIMARY, t_margin=6, b_margin=2),
    "h3": TextStyle("helvetica", "B", 12, PRIMARY, t_margin=4, b_margin=1),
    "h4": TextStyle("helvetica", "B", 10.5, (0, 0, 0), t_margin=3, b_margin=1),
    "code": TextStyle("courier"),
    "pre": TextStyle("courier", t_margin=2, b_margin=2),
}


def cached() -> Path:
    """The manual's PDF in the active language, drawn once for each version of the manual and
    its screenshots (drawing it takes several seconds) and kept in ``<var>/manual-pdf/``."""
    sources = _sources()
    language = get_language()
    stamps = [_stamp(source) for source in sources]
    digest = hashlib.sha256(repr((language, settings.SITE_URL, stamps)).encode()).hexdigest()
    folder = settings.VAR_DIR / "manual-pdf"
    path = folder / f"manual-{language}-{digest[:16]}.pdf"
    if path.is_file():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    latest = datetime.datetime.fromtimestamp(max(s.stat().st_mtime for s in sources), datetime.UTC)
    data = manual_pdf(timezone.localtime(latest).date())
    # Each drawing writes its own file (two requests may draw at once), then renames it
    # into place whole: a reader never gets half a file.
    handle, name = tempfile.mkstemp(dir=folder, suffix=".partial")
    with os.fdopen(handle, "wb") as partial:
        partial.write(data)
    Path(name).replace(path)
    for stale in folder.glob(f"manual-{language}-*.pdf"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return path


def _sources() -> list[Path]:
    return sorted([*manual.FOLDER.glob("*.md"), *manual.SCREENSHOTS.glob("*.png")])


def _stamp(path: Path) -> tuple[str, int, int]:
    status = path.stat()
    return (path.name, status.st_mtime_ns, status.st_size)


def manual_pdf(version: datetime.date) -> bytes:
    """The whole manual as PDF bytes; its title page calls it the version of ``version``."""
    title = _("Pregón user manual")
    pdf = Document(title)
    when = _("Version of %(date)s") % {"date": formats.date_format(version, "DATE_FORMAT")}
    pdf.title_page(title, [settings.SITE_URL, when])
    pages = manual.pages()
    pdf.add_page()
    pdf.contents([page.title for page in pages])
    # The contents leave the first page of the manual open.
    for index, page in enumerate(pages):
        if index:
            pdf.add_page()
        pdf.start_section(plain(page.title), level=0)
        pdf.heading(page.title, size=17)
        pdf.set_font("helvetica", size=10)
        pdf.set_text_color(0, 0, 0)
        pdf.write_html(
            html(page.source),
            font_family="helvetica",
            tag_styles=STYLES,
            li_prefix_color=PRIMARY,
            table_line_separators=True,
        )
    return bytes(pdf.output())


def html(source: str) -> str:
    """A manual page's Markdown as the HTML ``write_html`` reads: Latin-1 text, without its
    first title, local links as text, screenshots sized to fit (a missing one named)."""
    source = TITLE_LINE.sub("", plain(source), count=1)
    converted = markdown.markdown(source, extensions=["tables", "fenced_code", "sane_lists"])
    converted = TAG.sub(
        lambda tag: tag.group(0) if tag.group(1) in KNOWN_TAGS else escape(tag.group(0)), converted
    )
    converted = LOCAL_LINK.sub(r"\1", converted)
    converted = TABLE.sub(lambda table: INLINE_TAG.sub("", table.group(0)), converted)
    return IMAGE.sub(_picture, converted)


def _picture(match: re.Match) -> str:
    tag = match.group(0)
    source = SOURCE.search(tag)
    name = PurePosixPath(source.group(1)).name if source else ""
    path = manual.SCREENSHOTS / name
    if not name.endswith(".png") or not path.is_file():
        alt = ALT.search(tag)
        missing = _("[Screenshot missing: %(name)s]") % {"name": name}
        return f"<i>{plain(missing)} {alt.group(1) if alt else ''}</i>"
    width, height = fitted(path, PICTURE_WIDTH, PICTURE_HEIGHT)
    # write_html reads an image's size in points.
    points = 72 / 25.4
    return f'<img src="{path}" width="{width * points:.0f}" height="{height * points:.0f}">'
