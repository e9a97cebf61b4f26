"""The emails of support requests, threaded: each carries a Message-ID and a Reply-To that
name its ticket with a signed token (pregon.lib.signing), so that a reply read from the
bounce mailbox lands back in the ticket (``replies``), and nobody can make one land in a
ticket that is not the one they were written about.

A mail server that is down loses the email, not the change: it is logged, and the ticket's
page shows the change anyway.
"""

import logging
import re
import secrets
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from pregon.accounts.models import Role, User
from pregon.help.models import Ticket, TicketEntry
from pregon.lib import signing
from pregon.tracking.models import BounceMailbox

log = logging.getLogger(__name__)

KIND = "ticket"
# Where a reply names its ticket: our Reply-To address ("soporte+<token>@") in its
# recipients, or our Message-ID ("<ticket.<token>.…@") in In-Reply-To or References.
TOKEN = re.compile(r"(?:\bsoporte\+|<ticket\.)([0-9a-z]+-[a-z2-7]+)[.@]", re.IGNORECASE)


def token(ticket: Ticket) -> str:
    return signing.sign(KIND, ticket.pk)


def ticket_for(text: str) -> Ticket | None:
    """The ticket the first genuine token in ``text`` (headers) names, or None."""
    for found in TOKEN.findall(text):
        try:
            number = signing.unsign(KIND, found)
        except signing.BadToken:
            log.warning("forged support token %r in the bounce mailbox", found)
            continue
        ticket = Ticket.objects.filter(pk=number).select_related("requester").first()
        if ticket is not None:
            return ticket
    return None


def same_address(one: str, other: str) -> bool:
    """Whether two addresses, perhaps with display names, are the same mailbox."""
    first, second = parseaddr(one)[1].lower(), parseaddr(other)[1].lower()
    return bool(first) and first == second


def staff_addresses() -> list[str]:
    """The active administrators' addresses and the support address, if set."""
    admins = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk")
    addresses = list(admins.values_list("email", flat=True))
    if settings.SUPPORT_EMAIL:
        addresses.append(settings.SUPPORT_EMAIL)
    return addresses


def replies_are_read() -> bool:
    """Whether a reply by email reaches a mailbox Pregón reads (docs/manual/soporte.md says
    how to deliver the support address there)."""
    return BounceMailbox.objects.filter(is_active=True).exists()


def marker() -> str:
    """The line above which a reply by email is read, in the active language."""
    return gettext("— Write your reply above this line —")


def opened(ticket: Ticket, entry: TicketEntry) -> None:
    _send("support-opened", _others(staff_addresses(), entry), ticket, entry)


def followed_up(ticket: Ticket, entry: TicketEntry) -> None:
    _send("support-reply", _others(staff_addresses(), entry), ticket, entry)


def answered(ticket: Ticket, entry: TicketEntry) -> None:
    _send("support-reply", [_requester_address(ticket)], ticket, entry)


def status_changed(ticket: Ticket, entry: TicketEntry) -> None:
    _send("support-status", [_requester_address(ticket)], ticket, entry)


def _requester_address(ticket: Ticket) -> str:
    """The requester's address now: the one the request was sent from may have changed
    since; it is all there is once the requester is no user any more."""
    if ticket.requester is not None and ticket.requester.email:
        return ticket.requester.email
    return ticket.email


def _others(addresses: list[str], entry: TicketEntry) -> list[str]:
    """``addresses`` but the author's own: nobody is told what they just did."""
    return [address for address in addresses if not same_address(address, entry.from_email)]


def _domain() -> str:
    if settings.RETURN_PATH_DOMAIN:
        return settings.RETURN_PATH_DOMAIN
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"


def _send(name: str, addresses: list[str], ticket: Ticket, entry: TicketEntry) -> None:
    domain = _domain()
    signed = token(ticket)
    # The first email of a ticket is the root every later one refers to, so that mail
    # programs show them as one conversation.
    root = f"<ticket.{signed}@{domain}>"
    reply_to = [f"soporte+{signed}@{domain}"] if replies_are_read() else []
    files = []
    for attachment in entry.attachments.all():
        with attachment.file.open("rb") as handle:
            files.append((attachment.name, handle.read(), attachment.content_type))
    for address in addresses:
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "ticket": ticket,
                "entry": entry,
                "url": settings.SITE_URL + reverse("help:support_detail", args=[ticket.pk]),
                "page_url": settings.SITE_URL + ticket.page if ticket.page else "",
                "replies_are_read": bool(reply_to),
                "marker": marker(),
                "site_url": settings.SITE_URL,
            }
            subject = " ".join(render_to_string(f"emails/{name}-subject.html", context).split())
            text = render_to_string(f"emails/{name}-body-text.html", context)
            html = render_to_string(f"emails/{name}-body-html.html", context)
        if name == "support-opened":
            headers = {"Message-ID": root}
        else:
            unique = secrets.token_hex(6)
            headers = {
                "Message-ID": f"<ticket.{signed}.{entry.pk}.{unique}@{domain}>",
                "In-Reply-To": root,
                "References": root,
            }
        message = EmailMultiAlternatives(
            subject, text, to=[address], reply_to=reply_to, headers=headers
        )
        message.attach_alternative(html, "text/html")
        for attachment in files:
            message.attach(*attachment)
        try:
            message.send()
        except Exception:
            log.exception("could not email %s about support request %s", name, ticket.pk)
