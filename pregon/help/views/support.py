"""The support screens: asking for help from any screen, the list of requests (everyone's,
with a filter by status, for administrators; one's own for everyone else), a request's
thread with its history, replying, changing its status (administrators) and its files."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.help.models import Ticket, TicketAttachment, TicketStatus
from pregon.help.support import notify, tickets
from pregon.help.support.forms import ReplyForm, StatusForm, TicketForm, local_path

PAGE_SIZE = 50
# Images are shown in the thread; any other file is downloaded, never opened in the page.
INLINE_TYPES = {"image/png", "image/jpeg"}


@authorize(Role.ANALYST)
def support_index(request: HttpRequest) -> HttpResponse:
    found = tickets.visible_to(request.user).select_related("requester")
    status = request.GET.get("estado", "")
    if status in TicketStatus.values:
        found = found.filter(status=status)
    else:
        status = ""
    context = {
        "page_obj": Paginator(found, PAGE_SIZE).get_page(request.GET.get("pagina")),
        "status": status,
        "statuses": TicketStatus.choices,
        "is_staff": request.user.is_admin,
    }
    return render(request, "help/support_index.html", context)


@authorize(Role.ANALYST)
def support_new(request: HttpRequest) -> HttpResponse:
    page = local_path(request.GET.get("pagina", ""))
    form = TicketForm(request.POST or None, request.FILES or None, initial={"page": page})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ticket = tickets.open_ticket(
            request.user,
            data["subject"],
            data["body"],
            page=data["page"],
            upload=data["attachment"],
            request=request,
        )
        messages.success(
            request,
            _("Your request #%(number)s was sent. You will get the answers by email and here.")
            % {"number": ticket.pk},
        )
        return redirect("help:support_detail", number=ticket.pk)
    # A form sent back with errors shows what was posted: only a local path may be linked.
    context = {"form": form, "page": local_path(form["page"].value())}
    return render(request, "help/support_new.html", context)


def _ticket(request: HttpRequest, number: int) -> Ticket:
    # Someone else's request is as unknown as one that does not exist.
    return get_object_or_404(tickets.visible_to(request.user), pk=number)


def _detail(
    request: HttpRequest,
    ticket: Ticket,
    reply_form: ReplyForm | None = None,
    status_form: StatusForm | None = None,
) -> HttpResponse:
    entries = ticket.entries.select_related("author").prefetch_related("attachments")
    context = {
        "ticket": ticket,
        "entries": entries,
        "reply_form": reply_form or ReplyForm(),
        "status_form": status_form or StatusForm(initial={"status": ticket.status}),
        "is_staff": request.user.is_admin,
        "replies_are_read": notify.replies_are_read(),
    }
    return render(request, "help/support_detail.html", context)


@authorize(Role.ANALYST)
@require_GET
def support_detail(request: HttpRequest, number: int) -> HttpResponse:
    return _detail(request, _ticket(request, number))


@authorize(Role.ANALYST)
@require_POST
def support_reply(request: HttpRequest, number: int) -> HttpResponse:
    ticket = _ticket(request, number)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, ticket, reply_form=form)
    tickets.reply(
        ticket,
        form.cleaned_data["body"],
        author=request.user,
        upload=form.cleaned_data["attachment"],
        request=request,
    )
    messages.success(request, _("Your reply was added to the request."))
    return redirect("help:support_detail", number=ticket.pk)


@authorize(Role.ADMIN)
@require_POST
def support_status(request: HttpRequest, number: int) -> HttpResponse:
    ticket = _ticket(request, number)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _detail(request, ticket, status_form=form)
    try:
        tickets.change_status(ticket, form.cleaned_data["status"], by=request.user, request=request)
    except tickets.SupportError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The request is now “%(status)s”.") % {"status": ticket.get_status_display()}
        )
    return redirect("help:support_detail", number=ticket.pk)


@authorize(Role.ANALYST)
@require_GET
def support_attachment(request: HttpRequest, number: int, attachment: int) -> FileResponse:
    ticket = _ticket(request, number)
    found = get_object_or_404(TicketAttachment, pk=attachment, entry__ticket=ticket)
    return FileResponse(
        found.file.open("rb"),
        content_type=found.content_type,
        as_attachment=found.content_type not in INLINE_TYPES,
        filename=found.name,
    )
