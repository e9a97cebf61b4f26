"""A signup form's report: views, submissions, confirmations and the confirmation rate, by
day as a chart, and the latest signups (for editors, with their CSV export)."""

import uuid

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.forms import export, stats
from pregon.forms.models import SignupForm

PAGE_SIZE = 50


def _chart(series: stats.Series) -> dict[str, object]:
    """A chart as static/js/account-charts.js draws it."""
    return {
        "type": "bar",
        "counts": True,
        "labels": series.labels,
        "datasets": [
            {"label": _("Views"), "data": series.views},
            {"label": _("Submissions"), "data": series.submissions},
            {"label": _("Confirmations"), "data": series.confirmations},
        ],
    }


@authorize(Role.ANALYST)
def report(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    form = get_object_or_404(SignupForm, code=code)
    figures = stats.figures(form)
    context = {
        "signup_form": form,
        "figures": figures,
        "cards": [
            ("views", _("Views"), figures["views"]),
            ("submissions", _("Submissions"), figures["submissions"]),
            ("confirmations", _("Confirmations"), figures["confirmations"]),
            ("confirmation_rate", _("Confirmation rate"), figures["confirmation_rate"]),
        ],
        "days_chart": _chart(stats.by_day(form)),
        "time_zone": timezone.get_current_timezone_name(),
    }
    # The signups name people: like the contacts themselves, for editors and up.
    if request.user.has_role(Role.EDITOR):
        page = Paginator(stats.signups(form), PAGE_SIZE).get_page(request.GET.get("page"))
        for signup in page:
            signup.channel_label = stats.channel_label(signup)
        context["page"] = page
    return render(request, "forms/report.html", context)


@authorize(Role.EDITOR)
def report_export(request: HttpRequest, code: uuid.UUID) -> StreamingHttpResponse:
    """Download the form's signups as CSV; every export is audited."""
    form = get_object_or_404(SignupForm, code=code)
    signups = stats.signups(form)
    audit.record(
        request, AuditAction.EXPORT, f"signup form {form.code}", format="csv", rows=signups.count()
    )
    return export.csv_response(form, signups)
