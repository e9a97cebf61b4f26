"""The test mailbox: messages kept instead of sent, listed and shown."""

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.content.preview import PREVIEW_POLICY
from pregon.sending import transports

OUTBOX_LIMIT = 100


@authorize(Role.EDITOR)
def outbox_index(request: HttpRequest) -> HttpResponse:
    """What was kept in the test mailbox instead of being sent, newest first."""
    context = {"sunk": transports.outbox().messages(OUTBOX_LIMIT), "limit": OUTBOX_LIMIT}
    return render(request, "sending/outbox_index.html", context)


def _outbox_message(name: str) -> bytes:
    try:
        return transports.outbox().read(name)
    except (ValueError, FileNotFoundError):
        raise Http404 from None


def _html_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else ""


@authorize(Role.EDITOR)
def outbox_detail(request: HttpRequest, name: str) -> HttpResponse:
    data = _outbox_message(name)
    message = BytesParser(policy=policy.default).parsebytes(data)
    text = message.get_body(preferencelist=("plain",))
    context = {
        "name": name,
        "message": message,
        "headers": [(key, str(value)) for key, value in message.items()],
        "has_html": message.get_body(preferencelist=("html",)) is not None,
        "text": text.get_content() if text is not None else "",
        "source": data.decode("utf-8", errors="replace"),
    }
    return render(request, "sending/outbox_detail.html", context)


@authorize(Role.EDITOR)
def outbox_html(request: HttpRequest, name: str) -> HttpResponse:
    """The HTML part of a kept message, for the sandboxed frame of the page above."""
    message = BytesParser(policy=policy.default).parsebytes(_outbox_message(name))
    response = HttpResponse(_html_part(message))
    response["Content-Security-Policy"] = PREVIEW_POLICY
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response
