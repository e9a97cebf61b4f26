"""What a recipient reaches from inside a message: the open pixel, tracked links and the
unsubscribe page. Public: no login, no cookie. A token we did not sign gets a 404 and
records nothing; a click never goes anywhere but the mailing's own link."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pregon.contacts import preferences
from pregon.content.models import BrandKit
from pregon.lib import signing
from pregon.sending import links
from pregon.sending.models import Message
from pregon.tracking import conversions, hits, unsubscribing
from pregon.tracking.forms import PauseForm, UnsubscribeForm
from pregon.tracking.models import EventKind


@require_http_methods(["GET", "HEAD"])
def opened(request: HttpRequest, token: str) -> HttpResponse:
    """The open pixel: records an open and answers with a one-pixel transparent GIF. In
    production pregon.tracking.hits.FastPixel answers it ahead of Django, the same way."""
    if not hits.record_open(request.META, token):
        raise Http404
    response = HttpResponse(hits.PIXEL, content_type="image/gif")
    response["Cache-Control"] = hits.NO_STORE
    return response


@require_http_methods(["GET", "HEAD"])
def clicked(request: HttpRequest, token: str) -> HttpResponse:
    """A tracked link: records the click and sends the person to the mailing's own link."""
    try:
        message_id, position = links.read_click(token)
    except signing.BadToken:
        raise Http404 from None
    # The links and whether the campaign attributes conversions, in one query. The campaign
    # is named through the mailing's reverse relation (tracking cannot import campaigns);
    # messages of no campaign (a workflow's) are attributed.
    found = (
        Message.objects.filter(pk=message_id)
        .values_list("mailing__links", "mailing__campaign__attribute_conversions")
        .first()
    )
    if found is None or position >= len(found[0]):
        raise Http404
    urls, attributed = found
    hits.record(request.META, EventKind.CLICKED, message_id, position)
    url = urls[position]
    response = HttpResponseRedirect(
        url if attributed is False else conversions.attribution_url(url, message_id)
    )
    response["Cache-Control"] = hits.NO_STORE
    return response


# What the unsubscribe page offers instead of leaving everything (its forms' "action").
CHOICES = ("leave_topics", "pause")


def _message(token: str) -> Message:
    try:
        return Message.objects.select_related("contact", "mailing__sender").get(
            pk=signing.unsign("unsubscribe", token)
        )
    except (signing.BadToken, Message.DoesNotExist):
        raise Http404 from None


def _preferences_url(message: Message) -> str:
    return reverse("tracking:preferences", args=[signing.sign("preferences", message.pk)])


def _page(
    request: HttpRequest, message: Message, context: dict, pause_form: PauseForm | None = None
) -> HttpResponse:
    """The unsubscribe page, with what it offers besides leaving everything: leaving only
    the campaign's topics the person receives, a pause, and the preference centre."""
    contact = unsubscribing.contact_of(message)
    context.update(
        brand=BrandKit.load(),
        topics=unsubscribing.campaign_topics(message, contact) if contact else [],
        pause_form=pause_form or PauseForm(),
        preferences_url=_preferences_url(message),
    )
    return render(request, "tracking/unsubscribe.html", context, status=400 if pause_form else 200)


def _choose(request: HttpRequest, message: Message, context: dict) -> HttpResponse:
    """Carry out the page's "leave only this topic" or "pause instead"."""
    contact = unsubscribing.contact_of(message)
    if contact is None:
        raise Http404
    if request.POST["action"] == "leave_topics":
        topics = unsubscribing.campaign_topics(message, contact)
        context["left"] = preferences.leave_topics(contact, topics, unsubscribing.origin(message))
    else:
        form = PauseForm(request.POST)
        if not form.is_valid():
            return _page(request, message, context, pause_form=form)
        context["paused_until"] = preferences.pause(contact, form.cleaned_data["days"])
    context.update(brand=BrandKit.load(), preferences_url=_preferences_url(message))
    return render(request, "tracking/choice_saved.html", context)


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie and no CSRF token,
# and must get an answer, not a redirect. The page's own forms post the same way: the signed
# token in the address is what authorises them.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Leave the mailings (with a reason, if the person gives one), or come back. Instead,
    the page offers to leave only the campaign's topics, to pause emails, or the preference
    centre; a one-click POST always leaves everything."""
    message = _message(token)
    context = {
        "email": message.email,
        "organisation": unsubscribing.organisation(message),
        "form": UnsubscribeForm(),
    }
    if request.method == "GET":
        if unsubscribing.is_unsubscribed(message):
            # A second visit: say so, and offer the way back, instead of asking again.
            context["already"] = True
            return render(request, "tracking/unsubscribed.html", context)
        return _page(request, message, context)
    if "resubscribe" in request.POST:
        context["back"] = unsubscribing.resubscribe(message, request)
        return render(request, "tracking/resubscribed.html", context)
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    if not one_click and request.POST.get("action") in CHOICES:
        return _choose(request, message, context)
    form = UnsubscribeForm(request.POST)
    reason = form.stated_reason() if form.is_valid() else ""
    unsubscribing.unsubscribe(message, "one-click" if one_click else "page", reason, request)
    return render(request, "tracking/unsubscribed.html", context)
