"""One's own API tokens: create, list, revoke."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.forms import TokenForm
from pregon.accounts.models import ApiToken, AuditAction, Role


@authorize(Role.ANALYST)
def tokens(request: HttpRequest) -> HttpResponse:
    """List, create and revoke one's own API tokens. A new token is shown once, here."""
    form = TokenForm(request.user, request.POST or None)
    raw_token = None
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            token, raw_token = ApiToken.issue(request.user, form.cleaned_data["name"])
            audit.record(request, AuditAction.TOKEN_CREATED, token.name)
        form = TokenForm(request.user)
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user),
        "raw_token": raw_token,
    }
    response = render(request, "accounts/tokens.html", context)
    if raw_token:
        response["Cache-Control"] = "no-store"
    return response


@authorize(Role.ANALYST)
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    with transaction.atomic():
        token.revoke()
        audit.record(request, AuditAction.TOKEN_REVOKED, token.name)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
