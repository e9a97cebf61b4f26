"""The consumption of the plan (pregon.reports.consumption), incident credits, and the
quota's settings (the expiry rule and the credentials' delivery date)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.contacts.forms import bootstrap
from pregon.reports import consumption as usage
from pregon.sending import quota, quota_settings
from pregon.sending.forms import CreditForm, QuotaSettingsForm
from pregon.sending.sms import quota as sms_quota


def _credit(request: HttpRequest, form: CreditForm) -> bool:
    """Credit messages back as the form asks (audited); False if the plan has no month."""
    amount, reason = form.cleaned_data["amount"], form.cleaned_data["reason"]
    try:
        with transaction.atomic():
            grant = quota.credit(amount, reason, request.user)
            audit.record(
                request, AuditAction.QUOTA_CREDIT, str(amount), reason=reason, messages=amount
            )
    except ValueError:
        form.add_error(None, _("The plan has no current month: nothing can be credited."))
        return False
    until = quota.expires_at(quota.term(), grant.starts_at) - quota.ONE_DAY
    message = ngettext(
        "%(amount)s message credited back, usable until the end of %(day)s.",
        "%(amount)s messages credited back, usable until the end of %(day)s.",
        amount,
    )
    day = formats.date_format(until, "DATE_FORMAT")
    messages.success(request, message % {"amount": amount, "day": day})
    return True


def _chart(figures: usage.Consumption) -> dict:
    """Granted against used per month, and (under the term rule) the balance carried in."""
    begun = [month for month in figures.months if month.is_past or month.is_current]
    datasets = [
        {"label": _("Granted"), "data": [month.granted for month in figures.months]},
        {"label": _("Used"), "data": [month.used for month in begun]},
    ]
    if figures.carries_over:
        datasets.append({"label": _("Carried over"), "data": [month.carried for month in begun]})
    # Calendar months read as "noviembre de 2026"; months from another day by their start.
    calendar = figures.term_start.day == 1
    style = "YEAR_MONTH_FORMAT" if calendar else "SHORT_DATE_FORMAT"
    labels = [formats.date_format(month.start, style) for month in figures.months]
    return {"type": "bar", "labels": labels, "datasets": datasets}


@authorize(Role.ANALYST)
def consumption(request: HttpRequest) -> HttpResponse:
    """The plan, its use month by month (a chart and a table), the balance, the term's end
    and the ledger; administrators also credit messages back for an incident here."""
    is_admin = request.user.has_role(Role.ADMIN)
    form = CreditForm(request.POST or None)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid() and _credit(request, form):
            return redirect("reports:consumption")
    figures = usage.consumption()
    context = {
        "figures": figures,
        "chart": _chart(figures),
        "ledger": usage.ledger(figures.term, figures.now),
        # SMS have a ledger of their own, counted in parts, as gateways bill them.
        "sms": dict(
            zip(("balance", "used"), sms_quota.SMS.month(figures.now, figures.term), strict=True),
            monthly=settings.SMS_QUOTA_MONTHLY,
        ),
        "is_admin": is_admin,
        "form": bootstrap(form) if is_admin else None,
    }
    return render(request, "reports/consumption.html", context)


@authorize(Role.ADMIN)
def quota_settings_edit(request: HttpRequest) -> HttpResponse:
    """The expiry rule of unused messages and the credentials' delivery date (audited)."""
    current = quota.read_settings()
    initial = {
        "expiry": current.expiry,
        "credentials_delivered_on": current.credentials_delivered_on,
    }
    form = QuotaSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        quota_settings.change(data["expiry"], data["credentials_delivered_on"], request=request)
        term = quota.term()
        messages.success(
            request,
            _("Quota settings saved. The term runs from %(start)s to %(end)s.")
            % {
                "start": formats.date_format(term.start, "DATE_FORMAT"),
                "end": formats.date_format(term.last_day, "DATE_FORMAT"),
            },
        )
        return redirect("reports:consumption")
    context = {"form": bootstrap(form), "term": quota.term(current)}
    return render(request, "reports/quota_settings.html", context)
