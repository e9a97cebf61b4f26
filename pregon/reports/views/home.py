"""The dashboard: the account overview on the home page."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact, MailingList, Segment, Status
from pregon.reports import getting_started, overview
from pregon.sending import deliverability


def _comparison_chart(compared: list[overview.Compared]) -> dict[str, object]:
    return {
        "type": "bar",
        "percent": True,
        "labels": [item.campaign.name for item in compared],
        "datasets": [
            {"label": _("Open rate"), "data": [item.figures.human.open_rate for item in compared]},
            {
                "label": _("Click-through rate"),
                "data": [item.figures.human.click_through_rate for item in compared],
            },
        ],
    }


def _growth_chart(growth: overview.Growth) -> dict[str, object]:
    return {
        "type": "bar",
        "labels": [formats.date_format(start, "SHORT_DATE_FORMAT") for start in growth.starts],
        "datasets": [
            {"label": _("Joined"), "data": growth.joined},
            {"label": pgettext("growth", "Subscribed again"), "data": growth.resubscribed},
            {"label": pgettext("growth", "Unsubscribed"), "data": growth.unsubscribed},
        ],
    }


@authorize(Role.ANALYST)
def home(request: HttpRequest) -> HttpResponse:
    """The account overview: contacts, the last campaigns side by side, the audience's
    growth, registered people and conversions, bounces; an aggregate query or two each.

    Until the first campaign has gone out, the first-run checklist leads it; an account with
    neither contacts nor campaigns gets what to do next instead of zeros and empty charts."""
    counts = Contact.objects.aggregate(
        total=Count("id"),
        subscribed=Count("id", filter=Q(status=Status.SUBSCRIBED)),
        unsubscribed=Count("id", filter=Q(status=Status.UNSUBSCRIBED)),
        bounced=Count("id", filter=Q(status=Status.BOUNCED)),
        complained=Count("id", filter=Q(status=Status.COMPLAINED)),
    )
    lists = MailingList.objects.annotate(contact_count=Count("subscription")).order_by(
        "-contact_count", "name"
    )[:10]
    by = "day" if request.GET.get("por") == "dia" else "week"
    compared = overview.last_campaigns()
    growth = overview.growth(by)
    # Analysts cannot do any of its steps: they get the figures alone.
    checklist = None
    if request.user.has_role(Role.EDITOR):
        checklist = getting_started.checklist(request.user)
    if counts["total"] == 0 and not Campaign.objects.exists():
        context = {"checklist": checklist, "is_empty": True}
        return render(request, "reports/home.html", context)
    context = {
        "checklist": checklist,
        "counts": counts,
        "list_count": MailingList.objects.count(),
        "segment_count": Segment.objects.count(),
        "top_lists": lists,
        "compared": compared,
        "popups": overview.popups(),
        "popup_days": overview.POPUP_DAYS,
        "comparison_chart": _comparison_chart(compared),
        "growth": growth,
        "growth_chart": _growth_chart(growth),
        "registered": overview.registered(),
        "bounces": overview.recent_bounces(),
        "bounce_days": overview.BOUNCE_DAYS,
        "refusals": deliverability.refusals(),
        "refusal_days": deliverability.REFUSAL_DAYS,
    }
    return render(request, "reports/home.html", context)
