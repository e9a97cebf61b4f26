"""A contact's history page (pregon.reports.history), a page at a time."""

import uuid

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.contacts.models import Contact
from pregon.reports.history import history

HISTORY_PAGE_SIZE = 50


@authorize(Role.EDITOR)
def contact_history(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """A contact's history, a page of it at a time: a fragment the contact's page loads
    (htmx), or a page of its own when opened directly."""
    contact = get_object_or_404(Contact, code=code)
    page = Paginator(history(contact), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"contact": contact, "page": page}
    if request.headers.get("HX-Request"):
        return render(request, "reports/history_fragment.html", context)
    return render(request, "reports/history.html", context)
