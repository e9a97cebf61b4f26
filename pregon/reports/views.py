"""Report screens: the account overview, the consumption of the plan, and a contact's history."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.campaigns.models import Campaign
from pregon.contacts.forms import bootstrap
from pregon.contacts.models import Contact, MailingList, Segment, Status
from pregon.reports import consumption as usage
from pregon.reports import getting_started, overview
from pregon.reports.history import history
from pregon.sending import deliverability, quota
from pregon.sending.forms import CreditForm

HISTORY_PAGE_SIZE = 50


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


def _credit(request: HttpRequest, form: CreditForm) -> bool:
    """Credit messages back as the form asks (audited); False if the plan has no month."""
    amount, reason = form.cleaned_data["amount"], form.cleaned_data["reason"]
    try:
        with transaction.atomic():
            quota.credit(amount, reason, request.user)
            audit.record(
                request, AuditAction.QUOTA_CREDIT, str(amount), reason=reason, messages=amount
            )
    except ValueError:
        form.add_error(None, _("The plan has no current month: nothing can be credited."))
        return False
    message = ngettext(
        "%(amount)s message credited back until the end of the month.",
        "%(amount)s messages credited back until the end of the month.",
        amount,
    )
    messages.success(request, message % {"amount": amount})
    return True


@authorize(Role.ANALYST)
def consumption(request: HttpRequest) -> HttpResponse:
    """The plan, its use month by month (a chart and a table), the balance and the ledger;
    administrators also credit messages back for an incident here."""
    is_admin = request.user.has_role(Role.ADMIN)
    form = CreditForm(request.POST or None)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid() and _credit(request, form):
            return redirect("reports:consumption")
    figures = usage.consumption()
    chart = {
        "type": "bar",
        "labels": [
            formats.date_format(month.start, "YEAR_MONTH_FORMAT") for month in figures.months
        ],
        "datasets": [
            {"label": _("Granted"), "data": [month.granted for month in figures.months]},
            {
                "label": _("Used"),
                "data": [
                    month.used for month in figures.months if month.is_past or month.is_current
                ],
            },
        ],
    }
    context = {
        "figures": figures,
        "chart": chart,
        "ledger": usage.ledger(),
        "is_admin": is_admin,
        "form": bootstrap(form) if is_admin else None,
    }
    return render(request, "reports/consumption.html", context)


@authorize(Role.EDITOR)
def contact_history(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """A contact's history, a page of it at a time: a fragment the contact's page loads
    (htmx), or a page of its own when opened directly."""
    contact = get_object_or_404(Contact, code=code)
    page = Paginator(history(contact), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"contact": contact, "page": page}
    if request.headers.get("HX-Request"):
        return render(request, "reports/history_fragment.html", context)
    return render(request, "reports/history.html", context)
