"""The campaign page's card of resends (campaigns/unreached_card.html): the incident banner
of a campaign that ended with messages unsent, what a resend is a resend of, the campaign's
resends and the buttons that create them. An inclusion tag, so that the shared detail view
needs no context of ours."""

from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.utils import timezone

from pregon.campaigns import resend
from pregon.campaigns.models import Campaign, CampaignStatus, ResendKind

register = template.Library()


@register.inclusion_tag("campaigns/unreached_card.html", takes_context=True)
def resend_card(context: template.Context, campaign: Campaign) -> dict[str, Any]:
    if campaign.is_sms:
        return {"shown": False}
    # A draft resend to non-openers offers to be scheduled for the time it is meant to go,
    # which the schedule form takes as the account's wall-clock time.
    planned = resend.planned_at(campaign) if campaign.status == CampaignStatus.DRAFT else None
    local = planned and timezone.localtime(planned, ZoneInfo(settings.TIME_ZONE))
    return {
        "shown": True,
        "campaign": campaign,
        "csrf_token": context.get("csrf_token"),
        "summary": resend.summary(campaign),
        "resends": list(campaign.resends.order_by("created_at", "pk")),
        "non_openers_refusal": resend.refusal(campaign, ResendKind.NON_OPENERS),
        "planned": planned,
        "planned_passed": planned is not None and planned <= timezone.now(),
        "planned_value": local and local.strftime("%Y-%m-%dT%H:%M"),
    }
