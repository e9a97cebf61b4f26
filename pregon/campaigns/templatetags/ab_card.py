"""The A/B test card of a campaign's page (``{% ab_card campaign %}``), so that the shared
detail view needs no context of its own for it."""

from typing import Any

from django import template

from pregon.campaigns import ab
from pregon.campaigns.models import Campaign, CampaignStatus

register = template.Library()


@register.inclusion_tag("campaigns/ab_card.html", takes_context=True)
def ab_card(context: template.Context, campaign: Campaign) -> dict[str, Any]:
    """The test's settings and variants; once started, each variant's figures, the leader,
    and the winner or the form to confirm one. On a draft with no test, the offer to set
    one up; nothing for an SMS campaign, nor for one that started without a test."""
    test = None if campaign.is_sms else ab.test_of(campaign)
    is_draft = campaign.status == CampaignStatus.DRAFT
    card: dict[str, Any] = {
        "campaign": campaign,
        "test": test,
        "shown": not campaign.is_sms and (test is not None or is_draft),
        "csrf_token": context.get("csrf_token"),
        "is_draft": is_draft,
        "time_zone": context.get("time_zone"),
    }
    if test is None:
        return card
    if test.decide_at is None:
        card["problems"] = ab.problems(test)
        return card
    tallies = ab.tallies(test)
    card.update(
        tallies=tallies,
        leader=ab.leader(test, tallies),
        over=ab.is_over(test),
        decidable=campaign.status in ab.DECIDABLE,
    )
    return card
