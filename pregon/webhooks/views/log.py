"""An endpoint's page, administrators only: its events, the log of attempts, the failed
deliveries, and "send again"."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.webhooks import deliveries
from pregon.webhooks.forms import EVENT_LABELS
from pregon.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint

LOG_SIZE = 100


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
def delivery_resend(request: HttpRequest, code: uuid.UUID, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=pk, endpoint__code=code)
    if deliveries.send_again(delivery):
        messages.success(request, _("The event will be sent again in a few seconds."))
    else:
        messages.info(request, _("This event has not been delivered yet: it is still queued."))
    return redirect("webhooks:detail", code=code)
