"""What the pack's PDFs share: A4 pages with the document's name and the page number at the
foot, headings, text and screenshots scaled to fit, in Helvetica as pregon.reports.pdf
draws its reports (Latin-1: every letter of Spanish, no font file)."""

from pathlib import Path

from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.outline import OutlineSection
from PIL import Image

from pregon.reports.pdf import MUTED, PRIMARY, latin1

# A4 in millimetres with 15 mm margins: 180 mm of width.
WIDTH = 180
BOTTOM = 277
CONTENTS_LINE = 6.5
# Lines of contents on a page below its heading (277 - 32 mm, at 6.5 mm a line).
CONTENTS_LINES_PER_PAGE = 37
# Signs the manual uses that Latin-1 lacks, written the nearest way it has: menu paths
# ("Campañas \u203a Calendario"), arrows, a close button, a minus sign, the Mac's command key.
_SIGNS = str.maketrans(
    {"\u203a": "\u00bb", "\u2192": "->", "\u2715": "x", "\u2212": "-", "\u2318": "Cmd"}
)


def plain(text: str) -> str:
    """``text`` as Helvetica can write it (see pregon.reports.pdf.latin1)."""
    return latin1(text.translate(_SIGNS))


class Document(FPDF):
    """A4 pages whose foot reads "<name> · Page n of m"."""

    def __init__(self, name: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.name = name
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(plain(name))
        self.set_creator("Pregón")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.set_text_color(*MUTED)
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 5, plain(f"{self.name} · {page}"), align="C")

    def title_page(self, title: str, lines: list[str]) -> None:
        """A first page with ``title`` large and ``lines`` below it."""
        self.add_page()
        self.set_y(80)
        self.set_font("helvetica", "B", 24)
        self.set_text_color(*PRIMARY)
        self.multi_cell(0, 12, plain(title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(8)
        self.set_font("helvetica", size=12)
        self.set_text_color(0, 0, 0)
        for line in lines:
            self.multi_cell(0, 7, plain(line), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def contents(self, titles: list[str]) -> None:
        """Keep room here for the contents: each of the document's ``start_section`` titles
        of level 0 (``titles``, in order) with the page it starts on, drawn at the end."""
        self.set_font("helvetica", size=10)
        pages, used = 1, 0
        for n, title in enumerate(titles, start=1):
            lines = len(
                self.multi_cell(
                    160, CONTENTS_LINE, f"{n}. {plain(title)}", dry_run=True, output="LINES"
                )
            )
            # As drawn: an entry that does not fit starts the next page.
            if used + lines > CONTENTS_LINES_PER_PAGE:
                pages, used = pages + 1, 0
            used += lines
        self.insert_toc_placeholder(_draw_contents, pages=pages)

    def heading(self, text: str, size: float = 14, room: float = 30) -> None:
        """A section's title, on a new page unless ``room`` mm of what follows fit below."""
        if self.get_y() + 12 + room > BOTTOM:
            self.add_page()
        self.ln(3)
        self.set_font("helvetica", "B", size)
        self.set_text_color(*PRIMARY)
        self.multi_cell(0, size * 0.55, plain(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*PRIMARY)
        self.line(15, self.get_y() + 1, 15 + WIDTH, self.get_y() + 1)
        self.ln(4)

    def paragraph(self, text: str, size: float = 10, bold: bool = False, height: float = 5) -> None:
        self.set_font("helvetica", "B" if bold else "", size)
        self.set_text_color(0, 0, 0)
        self.multi_cell(0, height, plain(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def label_and_value(self, label: str, value: str, width: float = 38) -> None:
        """One line of a sheet: ``label`` in grey on the left, ``value`` beside it."""
        self.set_font("helvetica", "B", 9)
        self.set_text_color(*MUTED)
        self.cell(width, 5, plain(label))
        self.set_font("helvetica", size=9.5)
        self.set_text_color(0, 0, 0)
        self.multi_cell(0, 5, plain(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def screenshot(self, path: Path, width: float = WIDTH, height: float = 150) -> None:
        """The picture at ``path``, centred, as large as fits ``width`` by ``height`` mm and
        never larger than at 0.2 mm a pixel (a phone's screenshot stays phone-sized)."""
        w, h = fitted(path, width, height)
        self.image(str(path), x=15 + (WIDTH - w) / 2, w=w, h=h)
        self.ln(3)


def fitted(path: Path, width: float, height: float) -> tuple[float, float]:
    """The size in mm of the picture at ``path`` fitted into ``width`` by ``height``."""
    with Image.open(path) as picture:
        pixels_w, pixels_h = picture.size
    scale = min(width / pixels_w, height / pixels_h, 0.2)
    return pixels_w * scale, pixels_h * scale


def _draw_contents(pdf: Document, outline: list[OutlineSection]) -> None:
    """The contents: each section of level 0 with the page it starts on, linked to it."""
    last_page = pdf.page + pdf.toc_placeholder.pages - 1
    pdf.heading(_("Contents"), size=17)
    for number, section in enumerate((s for s in outline if s.level == 0), start=1):
        link = pdf.add_link(page=section.page_number)
        pdf.set_font("helvetica", size=10)
        pdf.set_text_color(0, 0, 0)
        title = f"{number}. {section.name}"
        height = CONTENTS_LINE * len(
            pdf.multi_cell(160, CONTENTS_LINE, title, dry_run=True, output="LINES")
        )
        # An entry never breaks across pages: its page number is drawn beside its first line.
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        y = pdf.get_y()
        pdf.multi_cell(160, CONTENTS_LINE, title, link=link, new_x=XPos.LMARGIN)
        bottom = pdf.get_y()
        pdf.set_xy(175, y)
        pdf.set_text_color(*MUTED)
        pdf.cell(20, CONTENTS_LINE, str(section.page_number), align="R", link=link)
        pdf.set_xy(15, bottom)
    # fpdf2 wants the contents to fill exactly the pages kept for them.
    while pdf.page < last_page:
        pdf.add_page()
