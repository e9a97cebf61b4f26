"""The A/B test screens of a campaign: setting it up on a draft (or removing it), and
sending the winner to the rest of the audience when a person confirms it. The card on the
campaign's page is ``campaigns/templatetags/ab_card.py``."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.campaigns import ab
from pregon.campaigns.ab_forms import AbTestForm, initial
from pregon.campaigns.models import AbTest, Campaign, CampaignStatus
from pregon.campaigns.views.campaigns import campaign_or_404, changed_meanwhile, detail_url
from pregon.contacts.forms import bootstrap


def _draft_or_refuse(request: HttpRequest, campaign: Campaign) -> bool:
    """Whether an A/B test of ``campaign`` may be set up: an email draft; say why not."""
    if campaign.is_sms:
        messages.error(request, _("An SMS campaign cannot have an A/B test."))
        return False
    if campaign.status != CampaignStatus.DRAFT:
        messages.error(request, _("Only a draft's A/B test can be changed; unschedule it first."))
        return False
    return True


@authorize(Role.EDITOR)
def campaign_ab(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Set up (or change) the draft's A/B test."""
    campaign = campaign_or_404(code)
    if not _draft_or_refuse(request, campaign):
        return redirect(detail_url(campaign))
    if request.method == "POST":
        form = AbTestForm(campaign, request.POST)
        if form.is_valid():
            form.save()
            messages.success(request, _("A/B test saved: it starts when the campaign is sent."))
            return redirect(detail_url(campaign))
    else:
        form = AbTestForm(campaign, initial=initial(campaign))
    context = {
        "campaign": campaign,
        "form": bootstrap(form),
        "rows": form.variant_rows(),
        "time_zone": timezone.get_current_timezone_name(),
    }
    return render(request, "campaigns/ab_form.html", context)


@authorize(Role.EDITOR)
@require_POST
def campaign_ab_remove(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Remove the draft's A/B test: the campaign goes to everyone as it is."""
    campaign = campaign_or_404(code)
    if _draft_or_refuse(request, campaign):
        AbTest.objects.filter(campaign=campaign).delete()
        messages.success(request, _("A/B test removed: the campaign goes to everyone as it is."))
    return redirect(detail_url(campaign))


@authorize(Role.EDITOR)
@require_POST
def campaign_ab_winner(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Send the variant posted (the leader, or another) to the rest of the audience."""
    campaign = campaign_or_404(code)
    test = ab.test_of(campaign)
    try:
        number = int(request.POST.get("variant", ""))
    except ValueError:
        number = 0
    if test is None:
        changed_meanwhile(request)
        return redirect(detail_url(campaign))
    try:
        count = ab.send_winner(test, number, by=request)
    except ab.CannotDecide:
        changed_meanwhile(request)
    else:
        won = ngettext(
            "Variant %(letter)s won: it goes to %(count)s more contact.",
            "Variant %(letter)s won: it goes to %(count)s more contacts.",
            count,
        )
        messages.success(request, won % {"letter": ab.letter(number), "count": count})
    return redirect(detail_url(campaign))
