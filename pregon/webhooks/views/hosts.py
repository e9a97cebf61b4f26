"""The hosts of the office's own network that webhooks may reach, administrators only."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.webhooks import endpoints
from pregon.webhooks.forms import AllowedHostForm
from pregon.webhooks.models import AllowedHost


@authorize(Role.ADMIN)
@require_POST
def host_add(request: HttpRequest) -> HttpResponse:
    form = AllowedHostForm(request.POST)
    if form.is_valid():
        host = endpoints.allow_host(form, request.user, request)
        messages.success(request, _("Webhooks may now reach %(host)s.") % {"host": host.name})
    else:
        for error in form.errors.get("name", []):
            messages.error(request, error)
    return redirect("webhooks:index")


@authorize(Role.ADMIN)
@require_POST
def host_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoints.forget_host(get_object_or_404(AllowedHost, pk=pk), request.user, request)
    messages.success(request, _("Host removed: webhooks may no longer reach it."))
    return redirect("webhooks:index")
