"""Support requests in the API, for an external help desk: list them (administrators all,
everyone else their own), read one with its thread and history, open one, reply, and change
its status (administrators), with the screens' forms and functions (the same checks, the
same emails to whom they concern)."""

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from pregon.api import auth
from pregon.api.errors import ApiError, ErrorOut, get_or_404, invalid
from pregon.api.schemas.tickets import (
    EntryOut,
    ReplyIn,
    TicketDetailOut,
    TicketIn,
    TicketOut,
    TicketPatch,
)
from pregon.help.models import EntryVia, Ticket, TicketAttachment, TicketEntry, TicketStatus
from pregon.help.support import tickets
from pregon.help.support.forms import ReplyForm, TicketForm
from pregon.lib.formerrors import form_errors

router = Router(tags=["tickets"])
ERRORS = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}


def _ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    # Someone else's request is as unknown as one that does not exist.
    return get_or_404(
        tickets.visible_to(request.auth).prefetch_related("entries__attachments"), pk=ticket_id
    )


@router.get(
    "/tickets",
    response=list[TicketOut],
    auth=auth.ANALYST,
    summary=gettext_lazy("List support requests"),
    description=gettext_lazy(
        "Every request for an administrator's token, one's own for anyone else's; the newest "
        "change first. Paginated."
    ),
)
@paginate(PageNumberPagination, page_size=100, max_page_size=1000)
def ticket_index(request: HttpRequest, status: TicketStatus | None = None) -> list[Ticket]:
    found = tickets.visible_to(request.auth)
    if status:
        found = found.filter(status=status)
    return found


@router.post(
    "/tickets",
    response={201: TicketDetailOut, **ERRORS},
    auth=auth.ANALYST,
    summary=gettext_lazy("Open a support request"),
    description=gettext_lazy(
        "As the token's user; the administrators and the support address are emailed."
    ),
)
def ticket_create(request: HttpRequest, payload: TicketIn) -> Status[Ticket]:
    form = TicketForm(payload.dict())
    if not form.is_valid():
        raise invalid(form_errors(form))
    data = form.cleaned_data
    ticket = tickets.open_ticket(
        request.auth,
        data["subject"],
        data["body"],
        page=data["page"],
        via=EntryVia.API,
        request=request,
    )
    return Status(201, _ticket(request, ticket.pk))


@router.get(
    "/tickets/{ticket_id}",
    response={200: TicketDetailOut, **ERRORS},
    auth=auth.ANALYST,
    summary=gettext_lazy("Get a support request with its thread and history"),
)
def ticket_detail(request: HttpRequest, ticket_id: int) -> Ticket:
    return _ticket(request, ticket_id)


@router.post(
    "/tickets/{ticket_id}/replies",
    response={201: EntryOut, **ERRORS},
    auth=auth.ANALYST,
    summary=gettext_lazy("Reply to a support request"),
    description=gettext_lazy(
        "An administrator's reply is emailed to the requester (and puts a new request in "
        "progress); the requester's, to the administrators (and reopens a resolved one)."
    ),
)
def ticket_reply(request: HttpRequest, ticket_id: int, payload: ReplyIn) -> Status[TicketEntry]:
    ticket = _ticket(request, ticket_id)
    form = ReplyForm(payload.dict())
    if not form.is_valid():
        raise invalid(form_errors(form))
    entry = tickets.reply(
        ticket, form.cleaned_data["body"], author=request.auth, via=EntryVia.API, request=request
    )
    return Status(201, entry)


@router.patch(
    "/tickets/{ticket_id}",
    response={200: TicketDetailOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Change a support request's status"),
    description=gettext_lazy(
        "The change is added to the history and emailed to the requester; a 409 for a move "
        "that is not allowed (to the status it has already)."
    ),
)
def ticket_update(request: HttpRequest, ticket_id: int, payload: TicketPatch) -> Ticket:
    ticket = _ticket(request, ticket_id)
    try:
        tickets.change_status(
            ticket, payload.status, by=request.auth, via=EntryVia.API, request=request
        )
    except tickets.SupportError as error:
        raise ApiError(409, str(error)) from None
    return _ticket(request, ticket_id)


@router.get(
    "/tickets/{ticket_id}/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    auth=auth.ANALYST,
    summary=gettext_lazy("Download a support request's attachment"),
)
def ticket_attachment(request: HttpRequest, ticket_id: int, attachment_id: int) -> FileResponse:
    ticket = _ticket(request, ticket_id)
    found = get_or_404(TicketAttachment.objects, pk=attachment_id, entry__ticket=ticket)
    return FileResponse(
        found.file.open("rb"),
        content_type=found.content_type,
        as_attachment=True,
        filename=found.name,
    )
