"""The webhooks screens, for administrators: endpoints, their secret (shown once), the
delivery log with "send again", and the hosts of the office's network webhooks may reach."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.contacts.forms import bootstrap
from pregon.webhooks import deliveries, endpoints, signing
from pregon.webhooks.forms import EVENT_LABELS, AllowedHostForm, EndpointForm
from pregon.webhooks.models import AllowedHost, Attempt, Delivery, DeliveryStatus, Endpoint

LOG_SIZE = 100


@authorize(Role.ADMIN)
def endpoint_index(request: HttpRequest) -> HttpResponse:
    context = {
        "endpoints": Endpoint.objects.all(),
        "hosts": AllowedHost.objects.all(),
        "host_form": bootstrap(AllowedHostForm()),
        "call_secret": signing.call_secret(),
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
        endpoint, secret = endpoints.create(form, request.user)
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
def endpoint_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, code=code)
    attempts = (
        Attempt.objects.filter(delivery__endpoint=endpoint)
        .select_related("delivery")
        .order_by("-at", "-pk")[:LOG_SIZE]
    )
    waiting = Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING)
    context = {
        "endpoint": endpoint,
        "event_names": [EVENT_LABELS.get(name, name) for name in endpoint.events],
        "attempts": attempts,
        "waiting_count": waiting.count(),
        "failed": Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.FAILED).order_by(
            "-pk"
        )[:LOG_SIZE],
    }
    return render(request, "webhooks/detail.html", context)


@authorize(Role.ADMIN)
@require_POST
def endpoint_rotate(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, code=code)
    return _show_secret(request, endpoint, endpoints.rotate(endpoint))


@authorize(Role.ADMIN)
@require_POST
def endpoint_toggle(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, code=code)
    if endpoint.is_enabled:
        deliveries.disable(endpoint, timezone.now())
        messages.success(request, _("Webhook disabled: events wait until you enable it."))
    else:
        endpoints.enable(endpoint)
        messages.success(request, _("Webhook enabled: waiting events leave now, in order."))
    return redirect("webhooks:detail", code=endpoint.code)


@authorize(Role.ADMIN)
@require_POST
def endpoint_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, code=code)
    endpoint.delete()
    messages.success(request, _("Webhook deleted, with its delivery log."))
    return redirect("webhooks:index")


@authorize(Role.ADMIN)
@require_POST
def delivery_resend(request: HttpRequest, code: uuid.UUID, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=pk, endpoint__code=code)
    if deliveries.send_again(delivery):
        messages.success(request, _("The event will be sent again in a few seconds."))
    else:
        messages.info(request, _("This event has not been delivered yet: it is still queued."))
    return redirect("webhooks:detail", code=code)


@authorize(Role.ADMIN)
@require_POST
def host_add(request: HttpRequest) -> HttpResponse:
    form = AllowedHostForm(request.POST)
    if form.is_valid():
        host = form.save(commit=False)
        host.created_by = request.user
        host.save()
        messages.success(request, _("Webhooks may now reach %(host)s.") % {"host": host.name})
    else:
        for error in form.errors.get("name", []):
            messages.error(request, error)
    return redirect("webhooks:index")


@authorize(Role.ADMIN)
@require_POST
def host_delete(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(AllowedHost, pk=pk).delete()
    messages.success(request, _("Host removed: webhooks may no longer reach it."))
    return redirect("webhooks:index")
