"""The deliverability checklist, and the refusals panel of a sending domain's page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.domains.models import SendingDomain
from pregon.sending import deliverability


@authorize(Role.ANALYST)
def checklist(request: HttpRequest) -> HttpResponse:
    items = deliverability.checklist()
    context = {"items": items, "domains": SendingDomain.objects.all()}
    return render(request, "sending/checklist.html", context)


def refusal_panel(request: HttpRequest, domain: SendingDomain) -> str:
    """The receivers that refused ``domain``'s messages lately, for its page ("" if none)."""
    context = {
        "refusals": deliverability.refusals(domain),
        "refusal_days": deliverability.REFUSAL_DAYS,
    }
    return render_to_string("sending/refusal_alert.html", context, request)
