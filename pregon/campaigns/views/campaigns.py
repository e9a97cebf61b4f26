"""Campaign screens that write the draft: the list, create, edit, delete and duplicate; and
the helpers the sending screens (views/sending.py) share with them."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.campaigns import scheduling
from pregon.campaigns.forms import CampaignForm, unready_templates
from pregon.campaigns.models import Campaign, CampaignStatus, IllegalTransition
from pregon.contacts.forms import bootstrap
from pregon.sending.models import MessageStatus

PAGE_SIZE = 50


def changed_meanwhile(request: HttpRequest) -> None:
    """Say that the campaign's status changed since the page that posted was shown."""
    messages.error(request, _("The campaign already changed; reload to see its state."))


def detail_url(campaign: Campaign) -> str:
    return reverse("campaigns:detail", args=[campaign.code])


def campaign_or_404(code: uuid.UUID) -> Campaign:
    """The campaign with ``code``, with its sender, template and mailing; 404 if none."""
    return get_object_or_404(
        Campaign.objects.select_related("sender", "template", "mailing"), code=code
    )


@authorize(Role.EDITOR)
def campaign_index(request: HttpRequest) -> HttpResponse:
    """Every campaign, newest first, with its recipients (``Campaign.recipient_count``)."""
    campaigns = Campaign.objects.annotate(
        message_count=Count("mailing__messages"),
        sent_count=Count(
            "mailing__messages", filter=Q(mailing__messages__status=MessageStatus.SENT)
        ),
    ).order_by("-created_at", "-pk")
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(campaign, campaign.recipient_count()) for campaign in page]
    context = {"page": page, "rows": rows, "time_zone": timezone.get_current_timezone_name()}
    return render(request, "campaigns/campaign_index.html", context)


@authorize(Role.EDITOR)
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        campaign = form.save_new(request.user)
        messages.success(request, _("Campaign “%(name)s” created.") % {"name": campaign.name})
        return redirect(detail_url(campaign))
    return _form_page(request, form, None)


@authorize(Role.EDITOR)
def campaign_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    campaign = get_object_or_404(Campaign, code=code)
    if campaign.status != CampaignStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited; unschedule it first."))
        return redirect(detail_url(campaign))
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            form.save_draft()
        except IllegalTransition:
            changed_meanwhile(request)
        else:
            messages.success(request, _("Changes saved."))
        return redirect(detail_url(campaign))
    return _form_page(request, form, campaign)


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def campaign_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    campaign = get_object_or_404(Campaign, code=code)
    if campaign.status != CampaignStatus.DRAFT:
        changed_meanwhile(request)
        return redirect(detail_url(campaign))
    if request.method == "POST":
        if not scheduling.delete_draft(campaign, by=request):
            changed_meanwhile(request)
            return redirect(detail_url(campaign))
        messages.success(request, _("Campaign “%(name)s” deleted.") % {"name": campaign.name})
        return redirect("campaigns:index")
    context = {
        "title": _("Delete campaign"),
        "question": _("Delete the draft “%(name)s”? This cannot be undone.")
        % {"name": campaign.name},
        "button": _("Delete"),
        "cancel_url": detail_url(campaign),
    }
    return render(request, "contacts/confirm.html", context)


@authorize(Role.EDITOR)
@require_POST
def campaign_duplicate(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    copy = campaign_or_404(code).duplicate(request.user)
    messages.success(request, _("Copy created as a draft; change what you need."))
    return redirect(reverse("campaigns:edit", args=[copy.code]))


def _form_page(request: HttpRequest, form: CampaignForm, campaign: Campaign | None) -> HttpResponse:
    context = {
        "form": bootstrap(form),
        "campaign": campaign,
        "unready_templates": unready_templates(),
        "title": _("Edit campaign") if campaign else _("New campaign"),
        "cancel_url": detail_url(campaign) if campaign else reverse("campaigns:index"),
    }
    return render(request, "campaigns/campaign_form.html", context)
