"""The webhooks screens for endpoints, administrators only: the list, creating one (its
secret shown once, in the answer to the POST), editing, rotating the secret, disabling,
enabling and deleting; and rotating the secret of automations' calls."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.contacts.forms import bootstrap
from pregon.webhooks import endpoints, signing
from pregon.webhooks.forms import EVENT_LABELS, AllowedHostForm, EndpointForm
from pregon.webhooks.models import AllowedHost, Endpoint


@authorize(Role.ADMIN)
def endpoint_index(request: HttpRequest) -> HttpResponse:
    context = {
        "endpoints": Endpoint.objects.all(),
        "hosts": AllowedHost.objects.all(),
        "host_form": bootstrap(AllowedHostForm()),
        # Shown on the first visit after it was created (or seeded), never again.
        "call_secret": signing.reveal_call_secret(),
        "calls": signing.call_secret(),
        "labels": EVENT_LABELS,
    }
    return render(request, "webhooks/index.html", context)


def _show_secret(request: HttpRequest, endpoint: Endpoint, secret: str) -> HttpResponse:
    # Rendered in the answer to the POST itself, never stored where a later page could
    # show it again: only its encrypted form is kept.
    return render(request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret})


@authorize(Role.ADMIN)
def endpoint_create(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint, secret = endpoints.create(form, request.user, request)
        return _show_secret(request, endpoint, secret)
    context = {
        "form": bootstrap(form),
        "cancel_url": reverse("webhooks:index"),
        "title": _("New webhook"),
    }
    return render(request, "contacts/simple_form.html", context)


@authorize(Role.ADMIN)
def endpoint_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, code=code)
    form = EndpointForm(request.POST or None, instance=endpoint)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        return redirect("webhooks:detail", code=endpoint.code)
    context = {
        "form": bootstrap(form),
        "cancel_url": reverse("webhooks:detail", args=[endpoint.code]),
        "title": _("Edit webhook"),
    }
    return render(request, "contacts/simple_form.html", context)


@authorize(Role.ADMIN)
@require_POST
def endpoint_rotate(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, code=code)
    return _show_secret(request, endpoint, endpoints.rotate(endpoint, request.user, request))


@authorize(Role.ADMIN)
@require_POST
def call_secret_rotate(request: HttpRequest) -> HttpResponse:
    calls, secret = endpoints.rotate_call_secret(request.user, request)
    # Like an endpoint's: in the answer to the POST only.
    return render(request, "webhooks/secret.html", {"calls": calls, "secret": secret})


@authorize(Role.ADMIN)
@require_POST
def endpoint_toggle(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, code=code)
    if endpoint.is_enabled:
        endpoints.disable(endpoint, request.user, request)
        messages.success(
            request,
            _(
                "Webhook disabled: new events are not kept for it; those already queued "
                "wait until you enable it."
            ),
        )
    else:
        endpoints.enable(endpoint, request.user, request)
        messages.success(request, _("Webhook enabled: waiting events leave now, in order."))
    return redirect("webhooks:detail", code=endpoint.code)


@authorize(Role.ADMIN)
@require_POST
def endpoint_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, code=code)
    endpoints.delete(endpoint, request.user, request)
    messages.success(request, _("Webhook deleted, with its delivery log."))
    return redirect("webhooks:index")
