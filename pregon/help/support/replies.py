"""A reply by email to a support request, read from the bounce mailbox (tracking hands
over what is no bounce through ``tracking.signals.mail_unclaimed``; see apps.py).

A reply counts when it names a ticket with a genuine signed token (``notify.ticket_for``)
and comes from the requester, an active administrator or the support address; its quoted
part is dropped. The same message read twice adds nothing: entries remember its Message-ID.
"""

import email
import email.policy
import html
import re
from email.message import EmailMessage
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from pregon.accounts.models import Role, User
from pregon.help.models import EntryVia, Ticket, TicketEntry
from pregon.help.support import notify, tickets
from pregon.tracking.incoming import Outcome

# The headers where a reply names its ticket.
TICKET_HEADERS = ("In-Reply-To", "References", "To", "Cc", "Delivered-To", "X-Original-To")
# How out-of-office notices and other programs' answers mark themselves: RFC 3834's
# Auto-Submitted, and the older headers of Exchange and vacation(1).
AUTOMATIC_HEADERS = ("X-Autoreply", "X-Autorespond")
AUTOMATIC_PRECEDENCE = {"auto_reply", "bulk", "junk"}
# Where mail programs start quoting the message replied to, when they do not quote with ">":
# Outlook's headers block ("De: …" / "From: …") or its "Original Message" rule, a signature.
ORIGINAL = re.compile(
    r"^(?:-{2,}\s*(?:original message|mensaje original)\s*-{2,}|_{8,}|--)$", re.IGNORECASE
)
HEADERS_BLOCK = re.compile(r"^(?:from|de):\s.*\n(?:sent|enviado|date|fecha|to|para):\s", re.I)
BLOCKQUOTE = re.compile(r"<blockquote\b.*</blockquote>", re.IGNORECASE | re.DOTALL)
BREAKS = re.compile(r"<br\s*/?>|</(?:p|div|li|tr|h[1-6])>", re.IGNORECASE)
# The line before a ">" quote: "On Sun, 6 Dec 2026, X <x@y> wrote:", "El dom, … escribió:",
# which Gmail may wrap onto a second line. One line is tried first: the author's own last
# line may start with "El" too ("El informe ya sale.") and must not go with it.
ATTRIBUTION = (
    re.compile(r"(?:^|\n)(?:on|el)\s[^\n]*(?:wrote|escribió)\s*:\s*$", re.IGNORECASE),
    re.compile(r"(?:^|\n)(?:on|el)\s[^\n]*\n[^\n]*(?:wrote|escribió)\s*:\s*$", re.IGNORECASE),
)


def receive(sender: object, data: bytes, **kwargs: object) -> Outcome | None:
    """Add the reply in ``data`` to its ticket; None if it is no reply to a ticket."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    named = "\n".join(str(value) for name in TICKET_HEADERS for value in message.get_all(name, []))
    ticket = notify.ticket_for(named)
    if ticket is None:
        return None
    address = parseaddr(str(message.get("From", "")))[1].lower()
    user = _author(ticket, address)
    may_answer = tickets.is_staff(None, address) or notify.same_address(address, ticket.email)
    if user is None and not may_answer:
        return Outcome(
            _(
                "A reply to support request #%(number)s from an address that may not answer it: "
                "left in the mailbox"
            )
            % {"number": ticket.pk},
            address,
        )
    if _is_automatic(message):
        return Outcome(
            _("An automatic answer to support request #%(number)s: left in the mailbox")
            % {"number": ticket.pk},
            address,
        )
    message_id = str(message.get("Message-ID", "")).strip()[:255]
    body = unquoted(_text(message))
    if not body:
        return Outcome(_("An empty reply to a support request: left in the mailbox"), address)
    with transaction.atomic():
        # Locked, so that two checks of the mailbox at once add the reply once.
        Ticket.objects.select_for_update().only("pk").get(pk=ticket.pk)
        seen = message_id and TicketEntry.objects.filter(ticket=ticket, message_id=message_id)
        if not (seen and seen.exists()):
            tickets.reply(
                ticket,
                body,
                author=user,
                from_email=address,
                via=EntryVia.EMAIL,
                message_id=message_id,
            )
    what = _("Reply to support request #%(number)s") % {"number": ticket.pk}
    return Outcome(what, address, is_done=True)


def _is_automatic(message: EmailMessage) -> bool:
    """Whether ``message`` was sent by a program (an out-of-office notice, RFC 3834), not
    written by a person: it must not land in a ticket, reopen it, or email the other side,
    whose own out-of-office would answer back."""
    submitted = str(message.get("Auto-Submitted", "no")).split(";")[0].strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return (
        submitted != "no"
        or precedence in AUTOMATIC_PRECEDENCE
        or any(name in message for name in AUTOMATIC_HEADERS)
    )


def _author(ticket: Ticket, address: str) -> User | None:
    """The requester or the active administrator who writes from ``address``, if any; a
    requester who is no user any more writes as their address alone."""
    if ticket.requester is not None and notify.same_address(address, ticket.requester.email):
        return ticket.requester
    if ticket.requester is not None and notify.same_address(address, ticket.email):
        return ticket.requester  # The requester's address changed since.
    return User.objects.filter(email__iexact=address, role=Role.ADMIN, is_active=True).first()


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        # A message with no plain-text part quotes in a <blockquote>, not with ">".
        content = BREAKS.sub("\n", BLOCKQUOTE.sub("", content))
        content = html.unescape(strip_tags(content))
    return content


def unquoted(text: str) -> str:
    """What the author wrote in ``text``, without the message they replied to."""
    markers = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            markers.add(notify.marker())
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    for number, line in enumerate(lines):
        stripped = line.strip()
        if line.startswith(">") or stripped in markers or ORIGINAL.match(stripped):
            break
        if HEADERS_BLOCK.match("\n".join(lines[number : number + 2]).strip()):
            break
        kept.append(line.rstrip())
    body = "\n".join(kept).strip()
    for attribution in ATTRIBUTION:
        cut = attribution.sub("", body)
        if cut != body:
            return cut.strip()
    return body
