"""The public side of conversions (pregon.tracking.conversions): the pixel the virtual
classroom's page loads when a person reaches a goal, and the script that does it for them.

Errors answer JSON, as the API does: the page's own code may read them while testing.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pregon.lib import signing
from pregon.lib.proxy import client_ip
from pregon.sending.models import Message
from pregon.tracking import conversions
from pregon.tracking.hits import NO_STORE, PIXEL
from pregon.tracking.models import ConversionMethod


@require_GET
def converted(request: HttpRequest, token: str) -> HttpResponse:
    """Record a conversion (``objetivo``: the goal) and answer a one-pixel GIF."""
    try:
        goal = conversions.goal_name(request.GET.get("objetivo"))
    except conversions.BadGoal:
        detail = _("Name the goal with letters, digits and dashes, at most %(max)s.") % {
            "max": conversions.MAX_GOAL
        }
        return JsonResponse({"detail": detail, "errors": {"objetivo": [detail]}}, status=400)
    user_agent = request.headers.get("User-Agent", "")
    ip = client_ip(request)
    try:
        message_id = conversions.read_token(token)
        conversions.record(message_id, goal, user_agent, ip, method=ConversionMethod.SCRIPT)
    except (signing.BadToken, Message.DoesNotExist):
        # Not a message's: a pop-up click's, say (registered by its app), or nobody's.
        if not conversions.record_other(token, goal, user_agent, ip):
            detail = _("This conversion code is not valid.")
            return JsonResponse({"detail": detail, "errors": {}}, status=404)
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = NO_STORE
    return response


@require_GET
def script(request: HttpRequest) -> HttpResponse:
    """The script for the virtual classroom's pages (docs/manual/impacto.md)."""
    pixel = settings.SITE_URL + reverse("tracking:convert", args=["TOKEN"])
    context = {"pixel": pixel, "parameter": conversions.PARAMETER}
    response = render(
        request, "tracking/conversion.js", context, content_type="text/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
