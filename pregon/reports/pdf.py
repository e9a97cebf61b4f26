"""A campaign's report as a PDF, for management: its figures, charts drawn in the PDF
(not pictures of the screen), clicks per link, conversions and what was sent.

Made with fpdf2, which is pure Python (its only parts beyond Pillow and defusedxml, which
Pregón already has, are fontTools, also pure Python): it installs from PyPI on a machine
with nothing but Python, which WeasyPrint does not (it needs Pango from the system). The
PDF uses the standard Helvetica, so no font file is needed; it covers Latin-1, all the
letters of Spanish, and what it lacks (emoji, other scripts) is written as "?".

``mail_report`` sends it to the campaign's ``report_to`` staff when the campaign finishes:
the reports app's listener of ``campaign.finished`` only queues the task that calls it
(``pregon.reports.tasks``), so the PDF is drawn and mailed by a task worker, outside the
transaction that finished the campaign.
"""

import logging
import unicodedata
from collections.abc import Sequence

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpResponse
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from pregon.accounts import emails
from pregon.campaigns import archive
from pregon.campaigns.models import Campaign
from pregon.content.render import InvalidTemplate
from pregon.reports import stats
from pregon.reports.cards import cards
from pregon.reports.templatetags.report_format import percent
from pregon.sending.models import MailingVariant
from pregon.tracking import conversions as tracking_conversions

log = logging.getLogger(__name__)

# A4 in millimetres, with 15 mm margins: 180 mm of width to lay things out in.
WIDTH = 180
PRIMARY = (29, 78, 137)
ACCENT = (242, 169, 0)
MUTED = (91, 100, 116)
LIGHT = (227, 232, 239)
# Where the page's content ends (A4 is 297 mm tall; the foot holds the page number).
BOTTOM = 277
# A chart of opens and clicks: its columns, their labels and its legend, in mm.
SERIES_HEIGHT = 61
# The text version is the campaign's words; past this, the PDF says it was cut.
TEXT_LIMIT = 6000
LINK_CHARACTERS = 70
# Typography Latin-1 lacks, written the nearest way it has.
_PLAIN = str.maketrans(
    {
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',
        "\u201e": '"',
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2026": "...",
        "\u20ac": "EUR",
    }
)


def latin1(text: str) -> str:
    """``text`` as the PDF's standard font can write it: Spanish unchanged, typographic
    quotes and dashes plain, accents kept where a letter has them, anything else "?"."""
    text = text.translate(_PLAIN)
    out = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char)[0]
        out.append(base if ord(base) < 128 else "?")
    return "".join(out)


class _Document(FPDF):
    """The report's pages, with the campaign's name and the page number at the foot."""

    def __init__(self, campaign: Campaign) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.campaign = campaign
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(latin1(_("Report: %(name)s") % {"name": campaign.name}))
        self.set_creator("Pregón")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.set_text_color(*MUTED)
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 5, latin1(f"{self.campaign.name} · {page}"), align="C")

    def write_text(
        self, text: str, size: float = 10, bold: bool = False, height: float = 5
    ) -> None:
        self.set_font("helvetica", "B" if bold else "", size)
        self.set_text_color(0, 0, 0)
        self.multi_cell(0, height, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, room: float = 25) -> None:
        """A section's title, on a new page unless ``room`` mm of what follows fit below."""
        if self.get_y() + 14 + room > BOTTOM:
            self.add_page()
        self.ln(4)
        self.set_font("helvetica", "B", 13)
        self.set_text_color(*PRIMARY)
        self.cell(0, 8, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*PRIMARY)
        self.line(15, self.get_y(), 15 + WIDTH, self.get_y())
        self.ln(2)

    def note(self, text: str) -> None:
        self.set_font("helvetica", size=8)
        self.set_text_color(*MUTED)
        self.multi_cell(0, 4, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def campaign_pdf(campaign: Campaign) -> bytes:
    """The report of ``campaign`` (an email campaign that started) as PDF bytes, in the
    active language, with times in the account's time zone."""
    mailing = campaign.mailing
    figures = stats.figures(mailing)
    pdf = _Document(campaign)
    pdf.add_page()
    _title(pdf, campaign)
    pdf.heading(_("Figures"))
    pdf.note(
        _(
            "People's figures: automatic opens (Apple Mail Privacy Protection) and the "
            "clicks of antivirus link checks are left out."
        )
    )
    _figure_boxes(pdf, [(card.label, card.value, card.note) for card in cards(figures, True)])
    pdf.heading(_("From sending to clicking"), room=40)
    human = figures.human
    _bar_chart(
        pdf,
        [
            (pgettext("report", "Sent"), figures.sent),
            (_("Delivered"), figures.delivered),
            (pgettext("report", "Opened"), human.opened_unique),
            (pgettext("report", "Clicked"), human.clicked_unique),
            (_("Conversions"), figures.conversions),
        ],
    )
    pdf.heading(_("Opens and clicks over time"), room=SERIES_HEIGHT)
    _series_chart(pdf, stats.over_time(mailing))
    pdf.heading(_("Opens and clicks by hour of the day"), room=SERIES_HEIGHT)
    _series_chart(pdf, stats.by_hour_of_day(mailing))
    pdf.heading(_("Clicks per link"))
    _links_table(pdf, stats.clicks_per_link(mailing))
    pdf.heading(_("Conversions"))
    conversions = ngettext(
        "%(count)s conversion: %(rate)s of the messages delivered.",
        "%(count)s conversions: %(rate)s of the messages delivered.",
        figures.conversions,
    )
    pdf.write_text(
        conversions
        % {"count": intcomma(figures.conversions), "rate": percent(figures.conversion_rate)}
    )
    _conversion_methods(pdf, figures.conversions_by_method)
    pdf.heading(_("The message"))
    _content(pdf, campaign)
    return bytes(pdf.output())


def _conversion_methods(pdf: _Document, by_method: dict[str, int]) -> None:
    """Which method measured the conversions: messages by each, and a note on counting."""
    if not by_method:
        return
    pdf.set_font("helvetica", "B", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(
        0, 5, latin1(_("How the conversions were measured")), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    for method, count in by_method.items():
        pdf.set_font("helvetica", size=9)
        pdf.set_text_color(0, 0, 0)
        pdf.cell(120, 5, latin1(tracking_conversions.method_label(method)))
        pdf.cell(0, 5, intcomma(count), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.note(
        _(
            "Messages with a conversion: each counts once per goal, by the method that "
            "measured it first."
        )
    )


def _when(moment: object) -> str:
    if moment is None:
        return "—"
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _title(pdf: _Document, campaign: Campaign) -> None:
    pdf.set_font("helvetica", "B", 18)
    pdf.set_text_color(*PRIMARY)
    pdf.multi_cell(0, 9, latin1(campaign.name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    zone = timezone.get_current_timezone_name()
    rows = [
        (_("Status"), str(campaign.get_status_display())),
        (_("Started"), _when(campaign.started_at)),
        (_("Finished"), _when(campaign.finished_at)),
        (_("Report made"), f"{_when(timezone.now())} ({zone})"),
    ]
    for label, value in rows:
        pdf.set_font("helvetica", "B", 9)
        pdf.set_text_color(*MUTED)
        pdf.cell(35, 5, latin1(label))
        pdf.set_font("helvetica", size=9)
        pdf.set_text_color(0, 0, 0)
        pdf.cell(0, 5, latin1(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _figure_boxes(pdf: _Document, boxes: Sequence[tuple[str, str, str]]) -> None:
    """Each figure in a box, three to a row: its label, its value large, its note."""
    width, height, gap = 58, 21, 3
    for index, (label, value, note) in enumerate(boxes):
        column = index % 3
        if column == 0:
            if pdf.get_y() + height > BOTTOM:
                pdf.add_page()
            top = pdf.get_y()
        x = 15 + column * (width + gap)
        pdf.set_fill_color(245, 247, 250)
        pdf.rect(x, top, width, height, style="F")
        pdf.set_xy(x + 2, top + 1.5)
        pdf.set_font("helvetica", size=8)
        pdf.set_text_color(*MUTED)
        pdf.cell(width - 4, 4, latin1(label)[:40])
        pdf.set_xy(x + 2, top + 6)
        pdf.set_font("helvetica", "B", 14)
        pdf.set_text_color(*PRIMARY)
        pdf.cell(width - 4, 7, latin1(value))
        pdf.set_xy(x + 2, top + 13.5)
        pdf.set_font("helvetica", size=6.5)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(width - 4, 3, latin1(note)[:110])
        if column == 2 or index == len(boxes) - 1:
            pdf.set_xy(15, top + height + gap)


def _bar_chart(pdf: _Document, rows: Sequence[tuple[str, int]]) -> None:
    """Horizontal bars, one per row, as long as its value against the largest."""
    largest = max((value for _label, value in rows), default=0) or 1
    label_width, bar_width = 40, 115
    for label, value in rows:
        y = pdf.get_y()
        pdf.set_font("helvetica", size=9)
        pdf.set_text_color(0, 0, 0)
        pdf.cell(label_width, 7, latin1(label))
        pdf.set_fill_color(*LIGHT)
        pdf.rect(15 + label_width, y + 1, bar_width, 5, style="F")
        pdf.set_fill_color(*PRIMARY)
        if value:
            pdf.rect(15 + label_width, y + 1, bar_width * value / largest, 5, style="F")
        pdf.set_xy(15 + label_width + bar_width + 2, y)
        pdf.cell(0, 7, intcomma(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _series_chart(pdf: _Document, series: stats.Series) -> None:
    """Opens and clicks as pairs of columns over ``series.labels``, with its scale."""
    if not any(series.opens) and not any(series.clicks):
        pdf.note(_("No opens or clicks yet."))
        return
    height, left = SERIES_HEIGHT - 16, 25
    top = pdf.get_y() + 2
    width = WIDTH - (left - 15)
    largest = max([*series.opens, *series.clicks]) or 1
    pdf.set_draw_color(*LIGHT)
    for step in range(5):
        y = top + height - height * step / 4
        pdf.line(left, y, left + width, y)
        pdf.set_xy(15, y - 2)
        pdf.set_font("helvetica", size=6.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(9, 4, intcomma(round(largest * step / 4)), align="R")
    slot = width / len(series.labels)
    bar = max(slot * 0.38, 0.3)
    every = max(1, round(len(series.labels) / 12))
    for index, label in enumerate(series.labels):
        x = left + index * slot + slot * 0.12
        for offset, (values, colour) in enumerate(
            ((series.opens, PRIMARY), (series.clicks, ACCENT))
        ):
            if values[index]:
                tall = height * values[index] / largest
                pdf.set_fill_color(*colour)
                pdf.rect(x + offset * bar, top + height - tall, bar, tall, style="F")
        if index % every == 0:
            pdf.set_xy(left + index * slot, top + height + 1)
            pdf.set_font("helvetica", size=6)
            pdf.set_text_color(*MUTED)
            pdf.cell(slot * every, 3, latin1(label[-11:]))
    pdf.set_xy(15, top + height + 6)
    _legend(pdf, [(_("Opens"), PRIMARY), (_("Clicks"), ACCENT)])


def _legend(pdf: _Document, entries: Sequence[tuple[str, tuple[int, int, int]]]) -> None:
    y = pdf.get_y()
    x = 25
    pdf.set_font("helvetica", size=8)
    pdf.set_text_color(0, 0, 0)
    for label, colour in entries:
        pdf.set_fill_color(*colour)
        pdf.rect(x, y + 1, 3, 3, style="F")
        pdf.set_xy(x + 4, y)
        text = latin1(label)
        pdf.cell(pdf.get_string_width(text) + 2, 5, text)
        x += pdf.get_string_width(text) + 12
    pdf.set_xy(15, y + 7)


def _links_table(pdf: _Document, links: Sequence[stats.LinkClicks]) -> None:
    if not links:
        pdf.note(_("The message has no tracked links."))
        return
    pdf.set_font("helvetica", "B", 8)
    pdf.set_text_color(*MUTED)
    for text, width, align in (
        ("#", 8, "L"),
        (_("Link"), 112, "L"),
        (_("People"), 20, "R"),
        (_("Clicks"), 20, "R"),
        (_("Share"), 20, "R"),
    ):
        pdf.cell(width, 6, latin1(text), align=align)
    pdf.ln(6)
    for link in links:
        if pdf.get_y() + 6 > BOTTOM:
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_fill_color(*LIGHT)
        pdf.rect(23, y + 5, 112, 0.8, style="F")
        if link.share:
            pdf.set_fill_color(*ACCENT)
            pdf.rect(23, y + 5, 112 * link.share, 0.8, style="F")
        pdf.set_font("helvetica", size=8)
        pdf.set_text_color(0, 0, 0)
        url = link.url if len(link.url) <= LINK_CHARACTERS else link.url[:LINK_CHARACTERS] + "..."
        pdf.cell(8, 6, str(link.position + 1))
        pdf.cell(112, 6, latin1(url))
        pdf.cell(20, 6, intcomma(link.unique), align="R")
        pdf.cell(20, 6, intcomma(link.total), align="R")
        pdf.cell(20, 6, latin1(percent(link.share)), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _content(pdf: _Document, campaign: Campaign) -> None:
    """The subject, preheader and sender, and the words of the message (its text version,
    without anybody's data: the public version's)."""
    mailing = campaign.mailing
    sender = mailing.sender
    # An A/B test's winner, once chosen: what most of the audience got.
    shown = archive.sent_content(campaign, mailing)
    from_name = shown.from_name if isinstance(shown, MailingVariant) else sender.from_name
    for label, value in (
        (_("Subject"), shown.subject),
        (_("Preheader"), campaign.preheader or "—"),
        (pgettext("email header", "From"), f"{from_name} <{sender.from_email}>"),
    ):
        pdf.set_font("helvetica", "B", 9)
        pdf.set_text_color(*MUTED)
        pdf.cell(30, 5, latin1(label))
        pdf.set_font("helvetica", size=9)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(0, 5, latin1(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    try:
        page = archive.rendered(campaign)
    except InvalidTemplate:
        page = None
    text = page.text.strip() if page else ""
    if len(text) > TEXT_LIMIT:
        text = text[:TEXT_LIMIT] + "\n[…]"
    pdf.set_fill_color(245, 247, 250)
    pdf.set_font("helvetica", size=8.5)
    pdf.multi_cell(0, 4.2, latin1(text or "—"), fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def filename(campaign: Campaign) -> str:
    """The PDF's file name: "informe-" and the campaign's name as a slug."""
    return f"informe-{slugify(campaign.name) or campaign.code}.pdf"


def pdf_response(campaign: Campaign) -> HttpResponse:
    """The report as a download."""
    response = HttpResponse(campaign_pdf(campaign), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(campaign)}"'
    return response


def mail_report(campaign_id: int) -> int:
    """Email the report of campaign ``campaign_id`` to its active ``report_to`` staff, one
    message each; return how many were sent. A campaign that never started has no report.

    A mail server that is down loses the email, not anything else: it is logged.
    """
    campaign = Campaign.objects.select_related("mailing__sender").filter(pk=campaign_id).first()
    if campaign is None or campaign.mailing is None:
        return 0
    recipients = list(campaign.report_to.filter(is_active=True).values_list("email", flat=True))
    if not recipients:
        return 0
    # Sent by a task worker, outside any request: in the account's language.
    with translation.override(settings.LANGUAGE_CODE):
        data = campaign_pdf(campaign)
        context = {
            "campaign": campaign,
            "url": settings.SITE_URL + reverse("reports:campaign", args=[campaign.code]),
        }
        attachment = (filename(campaign), data, "application/pdf")
        sent = 0
        for address in recipients:
            try:
                emails.send("campaign-report", address, context, attachments=[attachment])
            except Exception:
                log.exception("could not mail the report of campaign %s", campaign.pk)
                continue
            sent += 1
    return sent
