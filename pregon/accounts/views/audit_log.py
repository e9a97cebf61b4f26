"""The audit log, for administrators, filtered by action and by who acted."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pregon.accounts.decorators import authorize
from pregon.accounts.forms import AuditFilterForm
from pregon.accounts.models import AuditEntry, Role

AUDIT_PAGE_SIZE = 50


@authorize(Role.ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.order_by("-at", "-id")
    if form.is_valid():
        if form.cleaned_data["action"]:
            entries = entries.filter(action=form.cleaned_data["action"])
        if form.cleaned_data["actor"]:
            entries = entries.filter(actor_email__icontains=form.cleaned_data["actor"].strip())
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "accounts/audit.html", context)
