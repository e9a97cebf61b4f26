"""Campaign screens that resend (pregon.campaigns.resend): to those who did not open, some
days later, and to those a campaign did not reach (R21), with the list of them and why.

Both create a draft resend and lead to its page, from which it is scheduled through the
usual confirmation."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.campaigns import resend
from pregon.campaigns.models import Campaign, ResendKind
from pregon.campaigns.views.campaigns import campaign_or_404, detail_url
from pregon.contacts.forms import bootstrap
from pregon.sending import unreached

# How many of the unreached the page shows; the report's list and its export have them all.
SHOWN = 20


def _created(request: HttpRequest, created: Campaign) -> HttpResponse:
    messages.success(
        request,
        _("Resend “%(name)s” created as a draft: check it, then schedule it.")
        % {"name": created.name},
    )
    return redirect(detail_url(created))


def _refused(request: HttpRequest, parent: Campaign, error: resend.CannotResend) -> HttpResponse:
    messages.error(request, str(error))
    return redirect(detail_url(parent))


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def resend_non_openers(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The form of "Resend to those who did not open": after how many days, a new subject,
    and whether machines' opens count, with how many each choice would reach today."""
    parent = campaign_or_404(code)
    problem = resend.refusal(parent, ResendKind.NON_OPENERS)
    if problem:
        messages.error(request, problem)
        return redirect(detail_url(parent))
    form = resend.NonOpenersForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return _created(request, form.create(parent, request.user))
        except resend.CannotResend as error:
            return _refused(request, parent, error)
    context = {
        "campaign": parent,
        "form": bootstrap(form),
        "people_count": resend.reach(parent, counts_machines=False),
        "every_count": resend.reach(parent, counts_machines=True),
        "time_zone": timezone.get_current_timezone_name(),
    }
    return render(request, "campaigns/resend_non_openers.html", context)


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def resend_unreached(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The page of "Send again to those not reached": who they are and why (the first ones;
    the report's list and export have them all), and the button that creates the resend."""
    parent = campaign_or_404(code)
    if request.method == "POST":
        try:
            return _created(request, resend.create(parent, ResendKind.UNREACHED, request.user))
        except resend.CannotResend as error:
            return _refused(request, parent, error)
    summary = resend.summary(parent)
    if summary is None:
        messages.error(request, _("The campaign has nobody it did not reach."))
        return redirect(detail_url(parent))
    rows = unreached.messages(parent.mailing_id).select_related("contact")[:SHOWN]
    context = {
        "campaign": parent,
        "summary": summary,
        "rows": [(message, unreached.Reason(message.reason).label) for message in rows],
        "left": resend.left_to_reach(parent),
    }
    return render(request, "campaigns/resend_unreached.html", context)
