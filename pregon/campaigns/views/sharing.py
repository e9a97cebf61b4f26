"""Sharing a campaign: its public web version (pregon.campaigns.archive), the public page
itself and the switch on the campaign's page that publishes or withdraws it."""

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.campaigns import archive
from pregon.campaigns.views.campaigns import campaign_or_404, detail_url
from pregon.content.render import InvalidTemplate
from pregon.tracking.web_version import page_response


@require_http_methods(["GET", "HEAD"])
def public_page(request: HttpRequest, token: str) -> HttpResponse:
    """The campaign's public version, for anyone with the link; 404 when it is off."""
    campaign = archive.published(token)
    if campaign is None:
        raise Http404
    try:
        page = archive.rendered(campaign)
    except InvalidTemplate:
        page = None
    if page is None:
        raise Http404
    return page_response(page.html, private=False)


@authorize(Role.EDITOR)
@require_POST
def campaign_publish(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Publish (``on=1``) or withdraw the campaign's public version."""
    campaign = campaign_or_404(code)
    if campaign.is_sms:
        raise Http404
    on = request.POST.get("on") == "1"
    archive.set_published(campaign, on)
    if on:
        messages.success(request, _("The public version is on: anyone with the link can see it."))
    else:
        messages.success(request, _("The public version is off: its link no longer works."))
    return redirect(detail_url(campaign))
