"""The sharing card of a campaign's page (campaigns/sharing_card.html): view in browser,
the public version and the PDF report, with what it needs, so that the detail view passes
nothing more."""

from urllib.parse import quote

from django import template

from pregon.campaigns import archive
from pregon.campaigns.models import Campaign
from pregon.sending import engine

register = template.Library()


@register.inclusion_tag("campaigns/sharing_card.html")
def sharing_card(campaign: Campaign) -> dict[str, object]:
    content = campaign.mailing or campaign.template
    share_url = archive.share_url(campaign) if campaign.public_archive else ""
    return {
        "campaign": campaign,
        "has_content": content is not None,
        "web_version": content is not None and engine.mentions_web_version(content.html),
        "share_url": share_url,
        "whatsapp_url": f"https://wa.me/?text={quote(share_url)}" if share_url else "",
        "report_to": list(
            campaign.report_to.filter(is_active=True).values_list("email", flat=True)
        ),
    }
