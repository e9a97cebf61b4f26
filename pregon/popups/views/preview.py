"""A pop-up's preview: the real embed script showing it inside a page that looks like a
Moodle course page (Boost theme), at a computer's width and at a phone's, and which other
pop-ups would show before it, or wait for it, where they meet."""

import uuid

from csp.decorators import csp_replace, csp_update
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_sameorigin

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.content.models import BrandKit
from pregon.popups import config, lifecycle, priority
from pregon.popups.models import Popup

# The classroom page is shown in frames of the preview page (of our own origin only). It
# shows the pop-up's picture, which may be anywhere on the web, and the embed script writes
# its styles into a <style> of its shadow root, which inherits the page's policy (Moodle
# pages have none).
FRAME_POLICY = {"frame-ancestors": ["'self'"]}
CLASSROOM_POLICY = {"img-src": ["https:"], "style-src": ["'unsafe-inline'"]}


@authorize(Role.ANALYST)
def popup_preview(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    popup = get_object_or_404(Popup, code=code)
    ahead, behind = priority.rivals(popup)
    context = {
        "popup": popup,
        "status": popup.status(),
        "ahead": ahead,
        "behind": behind,
        "publish_problem": lifecycle.publish_problem(popup),
    }
    return render(request, "popups/popup_preview.html", context)


@authorize(Role.ANALYST)
@xframe_options_sameorigin
@csp_replace(FRAME_POLICY)
@csp_update(CLASSROOM_POLICY)
def popup_preview_page(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The classroom-looking page, with the embed script in preview mode (``data-preview``:
    it shows this one pop-up at once, and records and remembers nothing)."""
    popup = get_object_or_404(Popup, code=code)
    context = {"popup": popup, "document": preview_document(popup)}
    return render(request, "popups/classroom.html", context)


def preview_document(popup: Popup) -> dict:
    """The configuration the embed script would get, with only ``popup`` in it; its button
    leads straight to its link, since a preview's click is nobody's click."""
    with translation.override(settings.LANGUAGE_CODE):
        entry = config.describe(popup, BrandKit.load())
        if entry["button"]:
            entry["button"]["url"] = popup.button_url
        return {"v": 1, "tz": settings.TIME_ZONE, "labels": config.labels(), "popups": [entry]}
