"""The pages a recipient reaches from inside a message. Public: no login, no cookie."""

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pregon.accounts import audit
from pregon.accounts.models import AuditAction
from pregon.contacts.models import Contact, Status
from pregon.lib import signing
from pregon.sending.models import Message


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
