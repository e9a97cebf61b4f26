"""``{% approval_card %}``: the campaign page's approval card (campaigns/approval_card.html),
with what it needs worked out here, so that the detail view needs no context of its own."""

from typing import Any

from django import template

from pregon.campaigns import approval
from pregon.campaigns.models import CampaignSettings, CampaignStatus

register = template.Library()


@register.inclusion_tag("campaigns/approval_card.html", takes_context=True)
def approval_card(context: template.Context) -> dict[str, Any]:
    """The card of the page's ``campaign`` (its recipients: the page's ``count``): shown
    while one needs approval, and afterwards if it was asked for."""
    campaign = context["campaign"]
    rule = CampaignSettings.load()
    draft = campaign.status == CampaignStatus.DRAFT
    pending = campaign.status in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)
    needed = pending and approval.needed(context.get("count"), rule)
    if not needed and not campaign.approval:
        return {"shown": False}
    state = approval.state(campaign)
    user = context["request"].user
    return {
        "shown": True,
        "campaign": campaign,
        "state": state,
        "count": context.get("count"),
        "threshold": rule.approval_threshold,
        "can_request": draft and needed and state in ("", "refused", "edited"),
        "can_decide": draft and needed and state != "approved" and user.is_admin,
        "form": approval.DecisionForm(initial={"digest": approval.digest(campaign)}),
        "is_admin": user.is_admin,
        "csrf_token": context.get("csrf_token"),
    }
