"""The preference centre: reached from every email by a signed link (no login), where a
person chooses their topics, corrects their name, pauses emails or leaves altogether.

Like the unsubscribe page, the signed token in the address is what authorises a change, so
the forms post without a CSRF token: a page elsewhere cannot know the token."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pregon.contacts.models import Contact, Status
from pregon.content.models import BrandKit
from pregon.lib import signing
from pregon.sending.models import Message
from pregon.tracking import unsubscribing
from pregon.tracking.forms import PreferencesForm


def _message(token: str) -> Message:
    try:
        return Message.objects.select_related("contact", "mailing__sender").get(
            pk=signing.unsign("preferences", token)
        )
    except (signing.BadToken, Message.DoesNotExist):
        raise Http404 from None


def _contact(message: Message) -> Contact:
    contact = unsubscribing.contact_of(message)
    if contact is None:
        # Deleted since: there is nothing of theirs left to choose about.
        raise Http404
    return contact


@csrf_exempt
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    """The person's choices as they are now, and the form to change them; "unsubscribe
    from everything" and "subscribe me again" as on the unsubscribe page."""
    message = _message(token)
    contact = _contact(message)
    context = {
        "email": message.email,
        "organisation": unsubscribing.organisation(message),
        "brand": BrandKit.load(),
    }
    action = request.POST.get("action", "")
    if action == "unsubscribe":
        unsubscribing.unsubscribe(message, "preferences", "", request)
        return render(request, "tracking/unsubscribed.html", context)
    if "resubscribe" in request.POST:
        context["back"] = unsubscribing.resubscribe(message, request)
        contact.refresh_from_db()
    if contact.status != Status.SUBSCRIBED:
        context["status"] = contact.status
        return render(request, "tracking/preferences_closed.html", context)
    form = PreferencesForm(contact, request.POST if action == "save" else None)
    if action == "save" and form.is_valid():
        context["outcome"] = form.save(unsubscribing.origin(message))
        contact.refresh_from_db()
        form = PreferencesForm(contact)
    context["form"] = form
    return render(request, "tracking/preferences.html", context)
