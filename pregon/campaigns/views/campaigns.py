"""Campaign screens that write the draft: the list, create (an email or an SMS campaign),
edit, delete and duplicate; and the helpers the sending screens (views/sending.py) share
with them."""

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
from pregon.campaigns.forms import AudienceForm, CampaignForm, SmsCampaignForm, unready_templates
from pregon.campaigns.models import HANDED_OVER, Campaign, CampaignStatus, IllegalTransition
from pregon.contacts.forms import bootstrap
from pregon.sending.models import MessageStatus, SmsMessage
from pregon.sending.views.sms import counter_labels

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
    shown = list(page)
    _count_sms_sent(shown)
    rows = [(campaign, campaign.recipient_count()) for campaign in shown]
    context = {"page": page, "rows": rows, "time_zone": timezone.get_current_timezone_name()}
    return render(request, "campaigns/campaign_index.html", context)


def _count_sms_sent(campaigns: list[Campaign]) -> None:
    """Set ``sent_count`` of the SMS campaigns among ``campaigns``: their SMS handed over to
    a gateway, in one query for the page."""
    texts = {campaign.pk: campaign for campaign in campaigns if campaign.is_sms}
    rows = (
        SmsMessage.objects.filter(campaign_id__in=list(texts), status__in=HANDED_OVER)
        .order_by()
        .values_list("campaign_id")
        .annotate(n=Count("id"))
    )
    sent = dict(rows)
    for pk, campaign in texts.items():
        campaign.sent_count = sent.get(pk, 0)


@authorize(Role.EDITOR)
def campaign_create(request: HttpRequest) -> HttpResponse:
    return _create(request, CampaignForm(request.POST or None))


@authorize(Role.EDITOR)
def sms_campaign_create(request: HttpRequest) -> HttpResponse:
    return _create(request, SmsCampaignForm(request.POST or None))


def _create(request: HttpRequest, form: AudienceForm) -> HttpResponse:
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
    form_class = SmsCampaignForm if campaign.is_sms else CampaignForm
    form = form_class(request.POST or None, instance=campaign)
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


def _form_page(request: HttpRequest, form: AudienceForm, campaign: Campaign | None) -> HttpResponse:
    context = {
        "form": bootstrap(form),
        "campaign": campaign,
        "cancel_url": detail_url(campaign) if campaign else reverse("campaigns:index"),
    }
    if form.instance.is_sms:
        context["title"] = _("Edit SMS campaign") if campaign else _("New SMS campaign")
        context["counter_labels"] = counter_labels()
        return render(request, "campaigns/sms_campaign_form.html", context)
    context["title"] = _("Edit campaign") if campaign else _("New campaign")
    context["unready_templates"] = unready_templates()
    return render(request, "campaigns/campaign_form.html", context)
