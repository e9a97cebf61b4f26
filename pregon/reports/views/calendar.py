"""The calendar page (pregon.reports.calendar): one month at a time, ``?mes=2026-12``."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.reports import calendar

# Months further away than this are nobody's plan; refusing them keeps the dates valid.
YEARS = range(2000, 2101)


def _chosen(value: str) -> tuple[int, int] | None:
    """The year and month of ``?mes=YYYY-MM``, or None if it names no month we show."""
    year, _dash, number = value.partition("-")
    if not (year.isdecimal() and number.isdecimal()):
        return None
    if int(year) not in YEARS or not 1 <= int(number) <= 12:
        return None
    return int(year), int(number)


@authorize(Role.ANALYST)
def calendar_page(request: HttpRequest) -> HttpResponse:
    """A month of campaigns, pop-ups and workflows; the current month unless ``?mes``
    names another (a month that does not exist shows the current one, and says so)."""
    value = request.GET.get("mes", "")
    chosen = _chosen(value)
    today = timezone.localdate()
    year, number = chosen or (today.year, today.month)
    context = {
        "month": calendar.month(year, number),
        "unknown_month": bool(value) and chosen is None,
        "this_month": today.replace(day=1),
        "time_zone": timezone.get_current_timezone_name(),
    }
    return render(request, "reports/calendar.html", context)
