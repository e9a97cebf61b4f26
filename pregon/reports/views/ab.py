"""The A/B test report of a campaign: its variants side by side, with the difference from
the leader and whether it is larger than chance (pregon/reports/ab.py)."""

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.campaigns.models import AbTest
from pregon.reports import ab


@authorize(Role.ANALYST)
def campaign_ab_report(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """404 for a campaign without an A/B test, or whose test has not started."""
    test = get_object_or_404(
        AbTest.objects.select_related("campaign__mailing", "decided_by"), campaign__code=code
    )
    if test.campaign.mailing_id is None:
        raise Http404
    comparison = ab.compare(test)
    context = {
        "campaign": test.campaign,
        "test": test,
        "comparison": comparison,
        "chart": comparison.chart,
        # Each row beside its variant: what it changed.
        "lines": list(zip(comparison.rows, test.variants.select_related("template"), strict=True)),
        "time_zone": timezone.get_current_timezone_name(),
    }
    return render(request, "reports/ab_report.html", context)
