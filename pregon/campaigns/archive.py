"""A campaign's public web version: the message without anybody's data, at a share link
anyone may open, for posting an announcement on social media or WhatsApp.

It is opt-in per campaign (``Campaign.public_archive``): off, the link answers 404. The
page is the frozen mailing once the campaign started (an A/B test's winning variant once it
is chosen; the draft's template before), with
the merge tags' fallbacks in place of personal data (``{{ nombre | default("colega") }}``
reads "colega"), its links straight to their destinations (no tracking, no open pixel), and
without the unsubscribe and preference links, which belong to a recipient.
"""

import re

from django.conf import settings
from django.urls import reverse

from pregon.campaigns.models import AbTest, Campaign, Channel
from pregon.contacts.models import Contact, Field
from pregon.content import preheader
from pregon.content.render import Personaliser, Rendered, context_for
from pregon.lib import signing
from pregon.sending import links
from pregon.sending.models import Mailing, MailingVariant

# A recipient's own links, as the merge tags that stand for them in an href: the anchors
# holding them are left out of the public page, text and all.
_PERSONAL_LINK = re.compile(
    r"<a\b[^>]*\bhref=\"\{\{\s*(?:enlace_baja|unsubscribe_url|enlace_preferencias|"
    r"preferences_url|ver_en_navegador|view_in_browser)\s*\}\}\"[^>]*>.*?</a\s*>",
    re.IGNORECASE | re.DOTALL,
)


def share_url(campaign: Campaign) -> str:
    """The absolute address of ``campaign``'s public page (a signed token, not its code)."""
    token = signing.sign("archive", campaign.pk)
    return settings.SITE_URL + reverse("campaigns:public", args=[token])


def published(token: str) -> Campaign | None:
    """The campaign a share link names, if it is an email campaign whose public version is
    on; None for a token we did not sign, or one whose campaign withdrew it."""
    try:
        campaign_id = signing.unsign("archive", token)
    except signing.BadToken:
        return None
    return (
        Campaign.objects.select_related("mailing", "template")
        .filter(pk=campaign_id, public_archive=True)
        .exclude(channel=Channel.SMS)
        .first()
    )


def set_published(campaign: Campaign, on: bool) -> None:
    """Turn the campaign's public version on or off (any status: a campaign is often shared
    after it went out)."""
    Campaign.objects.filter(pk=campaign.pk).update(public_archive=on)
    campaign.public_archive = on


def sent_content(campaign: Campaign, mailing: Mailing) -> Mailing | MailingVariant:
    """What the campaign sent to most of its audience: once an A/B test's winner is chosen,
    the winning variant's content (the mailing's own is the first variant's); else the
    mailing's."""
    winner = AbTest.objects.filter(campaign=campaign).values_list("winner", flat=True).first()
    if winner is None:
        return mailing
    return mailing.variants.filter(number=winner).first() or mailing


def rendered(campaign: Campaign) -> Rendered | None:
    """The public version's subject, HTML and text; None while the campaign has nothing to
    show (no template yet). Raises ``content.render.InvalidTemplate`` if it cannot render."""
    mailing = campaign.mailing
    if mailing is not None:
        shown = sent_content(campaign, mailing)
        subject, html, text = shown.subject, shown.html.replace(links.PIXEL, ""), shown.text
        destinations = {f"tracking_link_{n}": url for n, url in enumerate(mailing.links)}
    elif campaign.template is not None:
        template = campaign.template
        subject, text = campaign.subject, template.text
        html = preheader.apply(template.html, campaign.preheader)
        destinations = {}
    else:
        return None
    nobody = Contact(email="", first_name="", last_name="", phone="", attributes={})
    field_keys = list(Field.objects.values_list("key", flat=True))
    values = context_for(nobody, "", field_keys) | destinations
    return Personaliser(subject, _PERSONAL_LINK.sub("", html), text).render(values)
