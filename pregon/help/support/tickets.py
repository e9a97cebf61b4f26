"""Opening a support request, answering it and moving it between its statuses.

Every change is an entry of the ticket's thread (its history), is audited, and is emailed
to whom it concerns once committed: a new request and the requester's replies to the
administrators and the support address, the staff's replies and changes of status to the
requester. Staff are the active administrators and whoever writes from the support address.
"""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.accounts import audit
from pregon.accounts.models import AuditAction, User
from pregon.help.models import (
    EntryKind,
    EntryVia,
    Ticket,
    TicketAttachment,
    TicketEntry,
    TicketStatus,
)
from pregon.help.support import attachments, notify

# The moves a ticket's status may make; a resolved request is reopened when its requester
# writes again.
MOVES = {
    TicketStatus.NEW: {TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED},
    TicketStatus.IN_PROGRESS: {TicketStatus.RESOLVED},
    TicketStatus.RESOLVED: {TicketStatus.IN_PROGRESS},
}


class SupportError(Exception):
    """A change that cannot be made, with the sentence that says why."""


def visible_to(user: User) -> QuerySet[Ticket]:
    """The tickets ``user`` may see: all of them for an administrator, else their own."""
    if user.is_admin:
        return Ticket.objects.all()
    return Ticket.objects.filter(requester=user)


def is_staff(user: User | None, from_email: str = "") -> bool:
    """Whether the author (a user, or only an address) answers requests rather than asks."""
    if user is not None:
        return user.is_admin
    return bool(settings.SUPPORT_EMAIL) and notify.same_address(from_email, settings.SUPPORT_EMAIL)


def open_ticket(
    requester: User,
    subject: str,
    body: str,
    *,
    page: str = "",
    upload: UploadedFile | None = None,
    via: str = EntryVia.WEB,
    request: HttpRequest | None = None,
) -> Ticket:
    """A new ticket from ``requester`` with its first entry (and ``upload``, checked by
    ``attachments.content_type``); the staff are emailed."""
    with transaction.atomic():
        ticket = Ticket.objects.create(
            requester=requester, email=requester.email, subject=subject.strip(), page=page
        )
        entry = _add_entry(ticket, body, author=requester, via=via, upload=upload)
        audit.record(request, AuditAction.TICKET_CHANGED, ticket, actor=requester, what="opened")
        transaction.on_commit(lambda: notify.opened(ticket, entry))
    return ticket


def reply(
    ticket: Ticket,
    body: str,
    *,
    author: User | None,
    from_email: str = "",
    via: str = EntryVia.WEB,
    upload: UploadedFile | None = None,
    message_id: str = "",
    request: HttpRequest | None = None,
) -> TicketEntry:
    """Add a message to ``ticket`` from ``author`` (or, by email, only ``from_email``).

    The staff's first answer puts a new request in progress; the requester's message
    reopens a resolved one. The other side is emailed.
    """
    staff = is_staff(author, from_email) and not _is_requester(ticket, author, from_email)
    with transaction.atomic():
        entry = _add_entry(
            ticket,
            body,
            author=author,
            from_email=from_email,
            via=via,
            upload=upload,
            message_id=message_id,
        )
        audit.record(
            request,
            AuditAction.TICKET_CHANGED,
            ticket,
            actor=author,
            what="replied",
            email=from_email,
        )
        if (staff and ticket.status == TicketStatus.NEW) or (
            not staff and ticket.status == TicketStatus.RESOLVED
        ):
            try:
                _move(ticket, TicketStatus.IN_PROGRESS, author, from_email, via, request)
            except SupportError:
                # Someone moved the request since it was read (another admin answered it
                # first): the status is theirs, and this reply stands.
                ticket.refresh_from_db(fields=["status", "updated_at"])
        if staff:
            transaction.on_commit(lambda: notify.answered(ticket, entry))
        else:
            transaction.on_commit(lambda: notify.followed_up(ticket, entry))
    return entry


def change_status(
    ticket: Ticket,
    status: str,
    *,
    by: User,
    via: str = EntryVia.WEB,
    request: HttpRequest | None = None,
) -> TicketEntry:
    """Move ``ticket`` to ``status`` as the administrator ``by``; the requester is emailed.
    Raises ``SupportError`` for a move that is not allowed or a ticket changed meanwhile."""
    with transaction.atomic():
        entry = _move(ticket, TicketStatus(status), by, "", via, request)
        transaction.on_commit(lambda: notify.status_changed(ticket, entry))
    return entry


def _move(
    ticket: Ticket,
    status: TicketStatus,
    author: User | None,
    from_email: str,
    via: str,
    request: HttpRequest | None,
) -> TicketEntry:
    old = TicketStatus(ticket.status)
    if status not in MOVES[old]:
        raise SupportError(
            _("A request that is “%(old)s” cannot become “%(new)s”.")
            % {"old": old.label, "new": status.label}
        )
    now = timezone.now()
    # Conditional, so that two people changing the same request at once cannot both win.
    moved = Ticket.objects.filter(pk=ticket.pk, status=old).update(status=status, updated_at=now)
    if moved != 1:
        raise SupportError(_("Someone changed this request meanwhile; look at it again."))
    ticket.status, ticket.updated_at = status, now
    entry = TicketEntry.objects.create(
        ticket=ticket,
        kind=EntryKind.STATUS,
        author=author,
        from_email=from_email or (author.email if author else ""),
        status=status,
        via=via,
        created_at=now,
    )
    audit.record(
        request,
        AuditAction.TICKET_CHANGED,
        ticket,
        actor=author,
        what="status",
        status=str(status),
        email=from_email,
    )
    return entry


def _add_entry(
    ticket: Ticket,
    body: str,
    *,
    author: User | None,
    from_email: str = "",
    via: str,
    upload: UploadedFile | None = None,
    message_id: str = "",
) -> TicketEntry:
    now = timezone.now()
    entry = TicketEntry.objects.create(
        ticket=ticket,
        author=author,
        from_email=from_email or (author.email if author else ""),
        body=body.strip(),
        via=via,
        message_id=message_id,
        created_at=now,
    )
    if upload is not None:
        TicketAttachment.objects.create(
            entry=entry,
            file=upload,
            name=(upload.name or "adjunto")[:200],
            content_type=attachments.content_type(upload),
            size=upload.size,
        )
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=now)
    ticket.updated_at = now
    return entry


def _is_requester(ticket: Ticket, author: User | None, from_email: str) -> bool:
    if author is not None and ticket.requester_id is not None:
        return author.pk == ticket.requester_id
    return notify.same_address(from_email or (author.email if author else ""), ticket.email)
