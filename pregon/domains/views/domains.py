"""Sending domains screens: the list, the wizard, a domain's records, Verify, key rotation.

Everybody may read them; only administrators add, verify and rotate. The domain's page also
shows what the sending app registers (``register_panel``): the receivers that refused the
domain's messages, which are sending's data.
"""

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.contacts.forms import bootstrap
from pregon.domains import records, verification
from pregon.domains.forms import DomainForm, ReturnPathForm
from pregon.domains.models import DomainStatus, SendingDomain

# HTML for a domain's page, above its steps, from an app this one may not import.
_panel: Callable[[HttpRequest, SendingDomain], str] | None = None


def register_panel(function: Callable[[HttpRequest, SendingDomain], str]) -> None:
    """Show ``function(request, domain)``, safe HTML, on every domain's page."""
    global _panel
    _panel = function


@authorize(Role.ANALYST)
def domain_index(request: HttpRequest) -> HttpResponse:
    domains = SendingDomain.objects.all()
    return render(request, "domains/domain_index.html", {"domains": domains})


@authorize(Role.ADMIN)
def domain_create(request: HttpRequest) -> HttpResponse:
    form = DomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        domain = records.add_domain(request, form)
        messages.success(
            request,
            _("Domain %(domain)s added with its DKIM keys. Now publish these records.")
            % {"domain": domain.name},
        )
        return redirect("domains:detail", code=domain.code)
    context = {"form": bootstrap(form), "step": 1}
    return render(request, "domains/domain_create.html", context)


@authorize(Role.ANALYST)
def domain_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    domain = get_object_or_404(SendingDomain, code=code)
    results = records.results_of(domain)
    alignment = next((r for r in results if r.code == verification.ALIGNMENT), None)
    context = {
        "domain": domain,
        "rows": records.rows(domain),
        "alignment": alignment,
        "step": 3 if domain.checked_at else 2,
        "return_path": verification.return_path_domain(domain, records.expectations()),
        "quarantine": verification.dmarc_value(domain.dmarc_reports_to, "quarantine"),
        "reject": verification.dmarc_value(domain.dmarc_reports_to, "reject"),
        "pending": domain.pending_keys().exists(),
        "return_path_form": bootstrap(ReturnPathForm(instance=domain)),
        "retired": domain.keys.exclude(retired_at=None).order_by("-retired_at"),
        "senders": domain.senderidentity_set.all(),
        "panel": _panel(request, domain) if _panel else "",
    }
    return render(request, "domains/domain_detail.html", context)


@authorize(Role.ADMIN)
@require_POST
def domain_verify(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    domain = get_object_or_404(SendingDomain, code=code)
    results = records.verify_domain(request, domain)
    if any(result.state == verification.ERROR for result in results):
        messages.error(request, _("The DNS could not be asked about every record; try again."))
    elif domain.status == DomainStatus.VERIFIED:
        messages.success(request, _("%(domain)s is verified.") % {"domain": domain.name})
    else:
        messages.warning(
            request,
            _("Some records of %(domain)s are missing or wrong: see what to change below.")
            % {"domain": domain.name},
        )
    return redirect(reverse("domains:detail", args=[domain.code]) + "#records")


@authorize(Role.ADMIN)
@require_POST
def domain_return_path(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    domain = get_object_or_404(SendingDomain, code=code)
    form = ReturnPathForm(request.POST, instance=domain)
    if form.is_valid():
        domain = records.change_return_path(request, form)
        messages.success(
            request,
            _("Bounces now come back to %(return_path)s: publish its records and press Verify.")
            % {"return_path": domain.return_path},
        )
    else:
        messages.error(request, " ".join(form.errors["return_path"]))
    return redirect(reverse("domains:detail", args=[domain.code]) + "#records")


@authorize(Role.ADMIN)
@require_POST
def domain_rotate(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    domain = get_object_or_404(SendingDomain, code=code)
    if records.rotate_keys(request, domain):
        messages.success(
            request,
            _(
                "New DKIM keys created. Publish their records; the current keys keep signing "
                "until verification finds the new ones."
            ),
        )
    else:
        messages.info(request, _("A key rotation is already under way: publish its records."))
    return redirect(reverse("domains:detail", args=[domain.code]) + "#records")
