"""The report's figures as cards: a label, the value shown, a note, and the same figure
counted the other way beside it (every event next to people's, or the reverse)."""

from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pregon.reports.stats import Figures, Skipped
from pregon.reports.templatetags.report_format import percent


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    value: str
    note: str = ""
    beside: str = ""


def cards(figures: Figures, human: bool) -> list[Card]:
    """Every figure of the report, people's (``human``) or every event's, in reading order."""
    shown, other = (figures.human, figures.raw) if human else (figures.raw, figures.human)
    if human:
        beside = _("With Apple and antivirus: %(value)s")
    else:
        beside = _("People only (Gmail included): %(value)s")
    return [
        Card(
            "sent",
            pgettext("report", "Sent"),
            intcomma(figures.sent),
            _("of %(count)s recipients") % {"count": intcomma(figures.recipients)},
        ),
        Card("delivered", _("Delivered"), intcomma(figures.delivered), _("sent and not bounced")),
        Card(
            "opened",
            pgettext("report", "Opened"),
            intcomma(shown.opened_unique),
            _("%(rate)s of delivered · %(total)s opens")
            % {"rate": percent(shown.open_rate), "total": intcomma(shown.opened_total)},
            beside % {"value": intcomma(other.opened_unique)},
        ),
        Card(
            "not_opened",
            _("Not opened"),
            intcomma(shown.not_opened),
            "",
            beside % {"value": intcomma(other.not_opened)},
        ),
        Card(
            "clicked",
            pgettext("report", "Clicked"),
            intcomma(shown.clicked_unique),
            _("%(total)s clicks") % {"total": intcomma(shown.clicked_total)},
            beside % {"value": intcomma(other.clicked_unique)},
        ),
        Card(
            "click_through_rate",
            _("Click-through rate"),
            percent(shown.click_through_rate),
            _("people who clicked, of delivered"),
            beside % {"value": percent(other.click_through_rate)},
        ),
        Card(
            "click_to_open_rate",
            _("Click-to-open rate"),
            percent(shown.click_to_open_rate),
            _("people who clicked, of those who opened"),
            beside % {"value": percent(other.click_to_open_rate)},
        ),
        Card("bounced_hard", _("Hard bounces"), intcomma(figures.bounced_hard)),
        Card("bounced_soft", _("Soft bounces"), intcomma(figures.bounced_soft)),
        Card(
            "sending_side_rejections",
            _("Refused on the sending side"),
            intcomma(figures.sending_side_rejections),
            _("our server or domain, not the address"),
        ),
        Card("complaints", _("Complaints"), intcomma(figures.complaints)),
        Card(
            "unsubscribed",
            pgettext("report", "Unsubscribed"),
            intcomma(figures.unsubscribed),
            _("from everything"),
        ),
        Card(
            "topic_opt_outs",
            _("Left a topic"),
            intcomma(figures.topic_opt_outs),
            _("still receive the other mailings"),
        ),
        Card(
            "skipped",
            pgettext("report", "Skipped"),
            intcomma(figures.skipped.total),
            _skipped_note(figures.skipped),
        ),
        Card(
            "conversions",
            _("Conversions"),
            intcomma(figures.conversions),
            _("%(rate)s of delivered") % {"rate": percent(figures.conversion_rate)},
        ),
    ]


def _skipped_note(skipped: Skipped) -> str:
    """Why messages were not sent: "pause 2 · frequency cap 5 · unsubscribed 0 · …"."""
    reasons = [
        (pgettext("skip reason", "pause"), skipped.paused),
        (pgettext("skip reason", "frequency cap"), skipped.frequency_cap),
        (pgettext("skip reason", "unsubscribed"), skipped.left),
        (pgettext("skip reason", "suppressed"), skipped.suppressed),
    ]
    return " · ".join(f"{label} {intcomma(count)}" for label, count in reasons)
