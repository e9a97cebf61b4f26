"""What the person who created a campaign is told when its messages failed: an email, in
the account's language, with the counts and the answer most of the failed messages got.
The campaign's page says the same (campaigns/progress.html)."""

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from pregon.accounts import emails
from pregon.campaigns.models import Campaign

log = logging.getLogger(__name__)


def tell_owner(campaign: Campaign) -> None:
    """Email the campaign's creator that it ended "failed" or "sent with errors", and why.

    A mail server that is down loses the email, not the campaign's outcome: the failure is
    logged and the campaign's page still says it.
    """
    owner = campaign.created_by
    if owner is None or not owner.is_active:
        return
    progress = campaign.progress()
    context = {
        "campaign": campaign,
        "progress": progress,
        "failure": progress.failure,
        "url": settings.SITE_URL + reverse("campaigns:detail", args=[campaign.code]),
    }
    try:
        # Sent from the scheduler, outside any request: in the account's language.
        with translation.override(settings.LANGUAGE_CODE):
            emails.send("campaign-failed", owner.email, context)
    except Exception:
        log.exception("could not tell user %s about campaign %s", owner.pk, campaign.pk)
