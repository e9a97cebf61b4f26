"""The preference centre: reached from every email by a signed link (no login), where a
person chooses their topics, corrects their name, pauses emails or leaves altogether."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from pregon.lib import signing
from pregon.sending.models import Message


def _message(token: str) -> Message:
    try:
        return Message.objects.select_related("contact", "mailing__sender").get(
            pk=signing.unsign("preferences", token)
        )
    except (signing.BadToken, Message.DoesNotExist):
        raise Http404 from None


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    """The person's choices, as they are now, and the form to change them."""
    message = _message(token)
    return render(request, "tracking/preferences.html", {"email": message.email})
