"""What a recipient reaches from inside a message: the open pixel, tracked links and the
unsubscribe page. Public: no login, no cookie. A token we did not sign gets a 404 and
records nothing; a click never goes anywhere but the mailing's own link."""

import base64
import datetime

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pregon.accounts import audit
from pregon.accounts.models import AuditAction
from pregon.contacts.models import Contact, Status
from pregon.lib import signing
from pregon.lib.proxy import client_ip
from pregon.sending import links
from pregon.sending.models import Message
from pregon.tracking import agents
from pregon.tracking.models import Event, EventKind, hash_ip

# The smallest transparent GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_STORE = "no-store, no-cache, must-revalidate, max-age=0"


# Links clicked this close together, all of them, were clicked by a scanner.
ALL_AT_ONCE = datetime.timedelta(seconds=2)


def _record(request: HttpRequest, kind: str, message: Message, link: int | None = None) -> None:
    """Store the event, with what the user agent says and whether a machine made it."""
    user_agent = request.headers.get("User-Agent", "")[:500]
    ip = client_ip(request)
    now = timezone.now()
    machine = agents.machine_reason(
        opening=kind == EventKind.OPENED,
        method=request.method,
        user_agent=user_agent,
        ip=ip,
        since_sent=now - message.sent_at if message.sent_at else None,
    )
    agent = agents.describe(user_agent)
    Event.objects.create(
        kind=kind,
        message=message,
        at=now,
        link=link,
        user_agent=user_agent,
        client=agent.client,
        device=agent.device,
        machine=machine,
        ip_hash=hash_ip(ip),
    )
    if kind == EventKind.CLICKED and not machine:
        _flag_clicks_on_every_link(message, now)


def _flag_clicks_on_every_link(message: Message, now: datetime.datetime) -> None:
    """A scanner follows every link of a message within a second or two: flag them all."""
    recent = Event.objects.filter(
        message=message, kind=EventKind.CLICKED, at__gte=now - ALL_AT_ONCE
    )
    links = set(recent.values_list("link", flat=True))
    if len(message.mailing.links) >= 2 and len(links) == len(message.mailing.links):
        recent.update(machine="all_links")


@require_http_methods(["GET", "HEAD"])
def opened(request: HttpRequest, token: str) -> HttpResponse:
    """The open pixel: records an open and answers with a one-pixel transparent GIF."""
    try:
        message_id = signing.unsign("open", token)
    except signing.BadToken:
        raise Http404 from None
    message = Message.objects.select_related("mailing").filter(pk=message_id).first()
    if message is not None:
        _record(request, EventKind.OPENED, message)
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = NO_STORE
    return response


@require_http_methods(["GET", "HEAD"])
def clicked(request: HttpRequest, token: str) -> HttpResponse:
    """A tracked link: records the click and sends the person to the mailing's own link."""
    try:
        message_id, position = links.read_click(token)
    except signing.BadToken:
        raise Http404 from None
    message = Message.objects.select_related("mailing").filter(pk=message_id).first()
    urls = message.mailing.links if message else []
    if position >= len(urls):
        raise Http404
    _record(request, EventKind.CLICKED, message, position)
    response = HttpResponseRedirect(urls[position])
    response["Cache-Control"] = NO_STORE
    return response


def _message(token: str) -> Message:
    try:
        return Message.objects.select_related("contact").get(
            pk=signing.unsign("unsubscribe", token)
        )
    except (signing.BadToken, Message.DoesNotExist):
        raise Http404 from None


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie and no CSRF token,
# and must get an answer, not a redirect. The page's own button posts the same way.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    message = _message(token)
    if request.method == "POST":
        with transaction.atomic():
            changed = Contact.objects.filter(email=message.email, status=Status.SUBSCRIBED).update(
                status=Status.UNSUBSCRIBED, updated_at=timezone.now()
            )
            if changed:
                audit.record(
                    request,
                    AuditAction.UNSUBSCRIBE,
                    message.email,
                    email=message.email,
                    via="one-click" if "List-Unsubscribe" in request.POST else "page",
                    mailing=str(message.mailing.code),
                )
        return render(request, "tracking/unsubscribed.html", {"email": message.email})
    return render(request, "tracking/unsubscribe.html", {"email": message.email})
