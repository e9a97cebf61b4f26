"""Campaign approval screens: ask for it, approve or refuse it (on the campaign's page, in
its approval card), and the administrators' setting (pregon/campaigns/approval.py)."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.campaigns import approval
from pregon.campaigns.models import CampaignSettings
from pregon.campaigns.views.campaigns import campaign_or_404, detail_url
from pregon.contacts.forms import bootstrap


@authorize(Role.EDITOR)
@require_POST
def approval_request(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    campaign = campaign_or_404(code)
    try:
        approval.request(campaign, by=request)
    except approval.ApprovalError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Approval asked for: the administrators were told by email."))
    return redirect(detail_url(campaign))


@authorize(Role.ADMIN)
@require_POST
def approval_decide(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    campaign = campaign_or_404(code)
    form = approval.DecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    try:
        if not form.is_valid():
            raise approval.ApprovalError(" ".join(form.errors.get("note", [])))
        data = form.cleaned_data
        approval.decide(
            campaign, by=request, approve=approve, note=data["note"], seen=data["digest"]
        )
    except approval.ApprovalError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Campaign approved.") if approve else _("Campaign refused."))
    return redirect(detail_url(campaign))


@authorize(Role.ADMIN)
def approval_settings(request: HttpRequest) -> HttpResponse:
    """Whether campaigns need an administrator's approval, and from how many recipients."""
    form = approval.SettingsForm(request.POST or None, instance=CampaignSettings.load())
    if request.method == "POST" and form.is_valid():
        approval.save_settings(form.save(commit=False), by=request)
        messages.success(request, _("Campaign approval saved."))
        return redirect("campaigns:approval_settings")
    context = {
        "form": bootstrap(form),
        "cancel_url": reverse("campaigns:index"),
        "title": _("Campaign approval"),
        "help": _(
            "An administrator may have to approve large campaigns before they can be "
            "scheduled. An edit after the approval needs a new one."
        ),
    }
    return render(request, "contacts/simple_form.html", context)
