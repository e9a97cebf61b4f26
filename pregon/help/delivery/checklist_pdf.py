"""The checklist as a PDF ("lista de cotejo"): each requirement of the terms of reference in
its own words, the screens that fulfil it with their addresses on this installation, the
tests that prove it and its current screenshots."""

import datetime

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from fpdf.enums import XPos, YPos

from pregon.help.delivery import evidence
from pregon.help.delivery.checklist import Requirement
from pregon.help.delivery.document import BOTTOM, WIDTH, Document, fitted, plain
from pregon.reports.pdf import LIGHT, MUTED

LABEL_WIDTH = 28
# The tallest a screenshot is drawn, in mm: about two to a page.
SCREENSHOT_HEIGHT = 110


def checklist_pdf(requirements: tuple[Requirement, ...], day: datetime.date) -> bytes:
    """The checklist of ``requirements`` as PDF bytes, dated ``day``. Every screen and
    screenshot must exist (``evidence.gaps`` is empty), as ``pack.build`` makes sure."""
    title = _("Checklist of the service's features")
    pdf = Document(title)
    pdf.title_page(
        title,
        [
            settings.SITE_URL,
            formats.date_format(day, "DATE_FORMAT"),
            "",
            _(
                "Each requirement of the terms of reference, in its own words, with the "
                "screens that fulfil it and their addresses, its screenshots and the "
                "automated tests that prove it."
            ),
        ],
    )
    pdf.add_page()
    pdf.contents([_title(requirement) for requirement in requirements])
    for index, requirement in enumerate(requirements):
        if index:
            pdf.add_page()
        _requirement(pdf, requirement)
    return bytes(pdf.output())


def _title(requirement: Requirement) -> str:
    return f"{requirement.code}. {requirement.source}"


def _requirement(pdf: Document, requirement: Requirement) -> None:
    pdf.start_section(plain(_title(requirement)), level=0)
    pdf.heading(_title(requirement))
    pdf.set_font("helvetica", "I", 10)
    pdf.set_fill_color(*LIGHT)
    pdf.multi_cell(
        0, 5, plain(f"«{requirement.wording}»"), fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(3)
    _label(pdf, _("Screens"))
    for screen in requirement.screens:
        url = settings.SITE_URL + (evidence.path_of(screen) or "")
        pdf.set_x(15 + LABEL_WIDTH)
        pdf.set_font("helvetica", size=9.5)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(0, 5, plain(screen.label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_x(15 + LABEL_WIDTH)
        pdf.set_text_color(29, 78, 137)
        pdf.multi_cell(0, 5, plain(url), link=url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    _label(pdf, _("Tests"))
    pdf.set_font("courier", size=8.5)
    pdf.set_text_color(0, 0, 0)
    for test in requirement.tests:
        pdf.set_x(15 + LABEL_WIDTH)
        pdf.multi_cell(0, 4.5, plain(test), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    # A screenshot goes under the text if it fits there, else on the next page, with its
    # caption always above it.
    for name in requirement.screenshots:
        path = evidence.screenshot(name)
        _width, height = fitted(path, WIDTH, SCREENSHOT_HEIGHT)
        if pdf.get_y() + 8 + height > BOTTOM:
            pdf.add_page()
        pdf.set_font("helvetica", size=8)
        pdf.set_text_color(*MUTED)
        caption = _("Screenshot %(name)s") % {"name": name}
        pdf.cell(0, 5, plain(caption), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.screenshot(path, height=SCREENSHOT_HEIGHT)


def _label(pdf: Document, text: str) -> None:
    y = pdf.get_y()
    pdf.set_font("helvetica", "B", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(LABEL_WIDTH, 5, plain(text))
    pdf.set_y(y)
