"""The consumption of the plan (pregon.reports.consumption), and incident credits."""

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
from pregon.sending import quota
from pregon.sending.forms import CreditForm
from pregon.sending.sms import quota as sms_quota


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
        # SMS have a ledger of their own, counted in parts, as gateways bill them.
        "sms": dict(
            zip(("balance", "used"), sms_quota.month(), strict=True),
            monthly=settings.SMS_QUOTA_MONTHLY,
        ),
        "is_admin": is_admin,
        "form": bootstrap(form) if is_admin else None,
    }
    return render(request, "reports/consumption.html", context)
