"""The campaign report: figures, clicks per link and their heat map, charts, and the lists of
who did what, with exports. The figures part polls while the campaign is on its way."""

import datetime
import uuid

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRefresh

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.campaigns import sms
from pregon.campaigns.models import FINAL, Campaign
from pregon.reports import exports, heatmap, live, pdf, people, stats
from pregon.reports.cards import cards
from pregon.sending.models import Mailing
from pregon.tracking import conversions

PAGE_SIZE = 50
POLL_SECONDS = 3
ALL_EVENTS = "todos"
DEVICES = {
    "desktop": gettext_lazy("Computer"),
    "mobile": gettext_lazy("Phone"),
    "tablet": gettext_lazy("Tablet"),
    "other": gettext_lazy("Other"),
}


def _campaign(code: uuid.UUID) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("mailing"), code=code)


def _mailing(campaign: Campaign) -> Mailing:
    if campaign.mailing is None:
        raise Http404
    return campaign.mailing


def _human(request: HttpRequest) -> bool:
    """People only (the default), or every event including machines' (``?eventos=todos``)."""
    return request.GET.get("eventos") != ALL_EVENTS


def live_context(campaign: Campaign, human: bool, data: dict | None = None) -> dict[str, object]:
    """What the live part shows: the figures, clicks per link and the charts' data, from
    ``data`` (``live.compute``'s answer: the polls pass the snapshot ``live.latest`` keeps),
    else computed now."""
    mailing = campaign.mailing
    context: dict[str, object] = {
        "campaign": campaign,
        "human": human,
        "polling": campaign.status not in FINAL,
        "poll_seconds": POLL_SECONDS,
    }
    if mailing is None:
        return context
    if data is None:
        data = live.refresh(mailing)
    figures = live.figures(data)
    links = live.links(data, human)
    charts = data["human" if human else "raw"]
    unknown = _("Unknown")
    context.update(
        figures=figures,
        cards=cards(figures, human),
        conversion_methods=[
            (method or "unknown", conversions.method_label(method), count)
            for method, count in figures.conversions_by_method.items()
        ],
        links=links,
        link_clicks=sum(link.total for link in links),
        charts={
            "hours": charts["hours"],
            "timeline": charts["timeline"],
            "clients": [(name or unknown, n) for name, n in charts["clients"]],
            "devices": [(str(DEVICES.get(name, unknown)), n) for name, n in charts["devices"]],
        },
    )
    return context


@authorize(Role.ANALYST)
def campaign_report(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    campaign = _campaign(code)
    if campaign.is_sms:
        return _sms_report(request, campaign)
    context = live_context(campaign, _human(request))
    context["lists"] = people.LISTS
    context["time_zone"] = timezone.get_current_timezone_name()
    return render(request, "reports/campaign_report.html", context)


def _sms_report(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """An SMS campaign's report: its SMS by status and what became of them, the card its
    page shows (analysts may not open that page), without polling it."""
    context = {
        "campaign": campaign,
        "progress": campaign.progress(),
        "report": sms.report(campaign) if campaign.started_at else None,
        "polling": False,
    }
    return render(request, "reports/sms_campaign_report.html", context)


@authorize(Role.ANALYST)
def campaign_live(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The live part alone, which the report page polls while the campaign sends: from the
    snapshot of its figures (pregon.reports.live), never aggregated in the request once the
    page has been shown.

    When the campaign started since the page was shown (``?mailing=0``), the whole page is
    reloaded instead, so that the charts and the click map appear.
    """
    # Every poll: the campaign, its mailing without its content, and the snapshot of its
    # figures, in one query.
    polled = Campaign.objects.select_related("mailing__live_figures").defer(
        "mailing__html", "mailing__text"
    )
    campaign = get_object_or_404(polled, code=code)
    if request.htmx and request.GET.get("mailing") == "0" and campaign.mailing_id:
        return HttpResponseClientRefresh()
    data = None
    # The last poll (the campaign has finished, and the page stops polling) shows the
    # figures afresh, not the snapshot of a moment before.
    if campaign.mailing is not None and campaign.status not in FINAL:
        data = live.latest(campaign.mailing, datetime.timedelta(seconds=POLL_SECONDS))
    context = live_context(campaign, _human(request), data)
    return render(request, "reports/campaign_live.html", context)


@authorize(Role.ANALYST)
def campaign_pdf(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The report as a PDF (pregon.reports.pdf), once the campaign has started."""
    campaign = _campaign(code)
    if campaign.is_sms:
        raise Http404
    _mailing(campaign)
    return pdf.pdf_response(campaign)


@authorize(Role.ANALYST)
def campaign_heatmap(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The mailing's HTML with its links marked by their clicks, for a sandboxed frame."""
    mailing = _mailing(_campaign(code))
    return heatmap.heatmap_response(mailing.html, stats.clicks_per_link(mailing, _human(request)))


def _people_list(slug: str) -> people.PeopleList:
    try:
        return people.BY_SLUG[slug]
    except KeyError:
        raise Http404 from None


# The lists name people: like the contacts themselves, for editors and up.
@authorize(Role.EDITOR)
def campaign_people(request: HttpRequest, code: uuid.UUID, slug: str) -> HttpResponse:
    """One list of the report (who opened, did not, clicked…), a page at a time."""
    campaign = _campaign(code)
    mailing = _mailing(campaign)
    chosen = _people_list(slug)
    human = _human(request)
    page = Paginator(chosen.rows(mailing, human), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        [
            (column, column.shown(value))
            for column, value in zip(chosen.columns, chosen.cells(mailing, row), strict=True)
        ]
        for row in page
    ]
    context = {
        "campaign": campaign,
        "chosen": chosen,
        "lists": people.LISTS,
        "page": page,
        "rows": rows,
        "human": human,
        "time_zone": timezone.get_current_timezone_name(),
    }
    return render(request, "reports/campaign_people.html", context)


@authorize(Role.EDITOR)
def campaign_export(request: HttpRequest, code: uuid.UUID, slug: str) -> HttpResponse:
    """Download one list as CSV or XLSX (``?format=``); every export is audited."""
    campaign = _campaign(code)
    mailing = _mailing(campaign)
    chosen = _people_list(slug)
    human = _human(request)
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    audit.record(
        request,
        AuditAction.EXPORT,
        f"campaign {campaign.code}",
        format=file_format,
        list=chosen.slug,
        rows=chosen.rows(mailing, human).count(),
        human=human,
    )
    if file_format == "xlsx":
        return exports.xlsx_response(chosen, mailing, human)
    return exports.csv_response(chosen, mailing, human)
