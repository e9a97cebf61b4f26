"""A pop-up's report: its figures, views and clicks by day and by hour, by page, course and
device, and the known contacts who met it, with their export. People's events only."""

import uuid

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.popups import people, stats
from pregon.popups.models import Popup
from pregon.tracking import conversions

PAGE_SIZE = 50
DEVICES = {"desktop": gettext_lazy("Computer"), "phone": pgettext_lazy("device", "Phone")}


def _chart(series: stats.Series, kind: str) -> dict[str, object]:
    """A chart as static/js/account-charts.js draws it."""
    return {
        "type": kind,
        "counts": True,
        "labels": series.labels,
        "datasets": [
            {"label": _("Views"), "data": series.views},
            {"label": _("Clicks"), "data": series.clicks},
        ],
    }


def _course(course_id: int | None) -> str:
    if course_id is None:
        return _("Outside any course")
    return _("Course %(id)s") % {"id": course_id}


def _cards(figures: dict) -> list[tuple[str, str, object]]:
    return [
        ("views", _("Views"), figures["views"]),
        ("visitors", _("Unique visitors"), figures["visitors"]),
        ("clicks", _("Clicks"), figures["clicks"]),
        ("click_rate", _("Click rate"), figures["click_rate"]),
        ("closes", _("Times closed"), figures["closes"]),
        ("submissions", _("Forms sent"), figures["submissions"]),
        ("conversions", _("Conversions"), figures["conversions"]),
    ]


@authorize(Role.ANALYST)
def report(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    popup = get_object_or_404(Popup, code=code)
    figures = stats.figures(popup)
    context = {
        "popup": popup,
        "figures": figures,
        "cards": _cards(figures),
        "conversion_methods": [
            (method or "unknown", conversions.method_label(method), count)
            for method, count in stats.conversions_by_method(popup).items()
        ],
        "days_chart": _chart(stats.by_day(popup), "bar"),
        "hours_chart": _chart(stats.by_hour(popup), "bar"),
        "pages": [(row.key or _("Unknown"), row) for row in stats.by_page(popup)],
        "courses": [(_course(row.key), row) for row in stats.by_course(popup)],
        "devices": [(DEVICES.get(row.key, _("Unknown")), row) for row in stats.by_device(popup)],
        "time_zone": timezone.get_current_timezone_name(),
    }
    # The list names people: like the contacts themselves, for editors and up.
    if request.user.has_role(Role.EDITOR):
        context["page"] = Paginator(people.people(popup), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    return render(request, "popups/report.html", context)


@authorize(Role.EDITOR)
def report_export(request: HttpRequest, code: uuid.UUID) -> StreamingHttpResponse:
    """Download the known contacts who met the pop-up as CSV; every export is audited."""
    popup = get_object_or_404(Popup, code=code)
    rows = people.people(popup)
    audit.record(
        request, AuditAction.EXPORT, f"pop-up {popup.code}", format="csv", rows=rows.count()
    )
    return people.csv_response(popup)
