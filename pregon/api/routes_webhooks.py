"""Outgoing webhooks in the API: subscribe a URL to events, change or disable it, rotate its
secret, read its deliveries and send one again; rotate the secret of automations' calls.
Administrators only, as on the screens, whose form (the same address checks, the same
Spanish errors) and functions these use.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Status

from pregon.api import auth
from pregon.api.errors import ApiError, ErrorOut, get_or_404, invalid
from pregon.api.schemas.webhooks import (
    CallSecretOut,
    DeliveryOut,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
    WebhookSecretOut,
)
from pregon.lib.formerrors import form_errors
from pregon.webhooks import deliveries, endpoints
from pregon.webhooks.forms import EndpointForm
from pregon.webhooks.models import Delivery, Endpoint

router = Router(tags=["webhooks"])
ERRORS = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
LOG_SIZE = 100


def _with_secret(endpoint: Endpoint, secret: str) -> Endpoint:
    endpoint.secret = secret  # Read by WebhookSecretOut; never saved.
    return endpoint


@router.get(
    "/webhooks",
    response=list[WebhookOut],
    auth=auth.ADMIN,
    summary=gettext_lazy("List the webhooks"),
)
def webhook_index(request: HttpRequest) -> list[Endpoint]:
    return list(Endpoint.objects.all())


@router.post(
    "/webhooks",
    response={201: WebhookSecretOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Subscribe a URL to events"),
    description=gettext_lazy(
        "The answer holds the signing secret, shown this once. A URL to a private, local or "
        "reserved address is refused unless an administrator allowed its host."
    ),
)
def webhook_create(request: HttpRequest, payload: WebhookIn) -> Status[Endpoint]:
    form = EndpointForm(payload.dict())
    if not form.is_valid():
        raise invalid(form_errors(form))
    endpoint, secret = endpoints.create(form, request.auth, request)
    return Status(201, _with_secret(endpoint, secret))


# Before the routes with a {code}, which would take "calls" for one.
@router.post(
    "/webhooks/calls/rotate-secret",
    response={200: CallSecretOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Rotate the secret of automations' calls"),
    description=gettext_lazy(
        "A new secret for the calls of automations' webhook steps, in this answer only; "
        "the previous one also signs for 24 hours."
    ),
)
def call_secret_rotate(request: HttpRequest) -> dict:
    calls, secret = endpoints.rotate_call_secret(request.auth, request)
    return {"secret": secret, "previous_until": calls.previous_until}


@router.get(
    "/webhooks/{code}",
    response={200: WebhookOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Get a webhook"),
)
def webhook_detail(request: HttpRequest, code: str) -> Endpoint:
    return get_or_404(Endpoint.objects, code=code)


@router.patch(
    "/webhooks/{code}",
    response={200: WebhookOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Change, disable or enable a webhook"),
)
def webhook_update(request: HttpRequest, code: str, payload: WebhookPatch) -> Endpoint:
    endpoint = get_or_404(Endpoint.objects, code=code)
    changes = payload.dict(exclude_unset=True)
    enabled = changes.pop("is_enabled", None)
    if changes:
        data = {"url": endpoint.url, "description": endpoint.description}
        data["events"] = endpoint.events
        form = EndpointForm({**data, **changes}, instance=endpoint)
        if not form.is_valid():
            raise invalid(form_errors(form))
        form.save()
    if enabled is True and not endpoint.is_enabled:
        endpoints.enable(endpoint, request.auth, request)
    elif enabled is False and endpoint.is_enabled:
        endpoints.disable(endpoint, request.auth, request)
    endpoint.refresh_from_db()
    return endpoint


@router.delete(
    "/webhooks/{code}",
    response={204: None, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Delete a webhook and its deliveries"),
)
def webhook_delete(request: HttpRequest, code: str) -> Status[None]:
    endpoints.delete(get_or_404(Endpoint.objects, code=code), request.auth, request)
    return Status(204, None)


@router.post(
    "/webhooks/{code}/rotate-secret",
    response={200: WebhookSecretOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Rotate a webhook's secret"),
    description=gettext_lazy(
        "A new secret, in this answer only; the previous one also signs for 24 hours."
    ),
)
def webhook_rotate(request: HttpRequest, code: str) -> Endpoint:
    endpoint = get_or_404(Endpoint.objects, code=code)
    return _with_secret(endpoint, endpoints.rotate(endpoint, request.auth, request))


@router.get(
    "/webhooks/{code}/deliveries",
    response={200: list[DeliveryOut], **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("A webhook's latest deliveries, with their attempts"),
)
def delivery_index(request: HttpRequest, code: str, status: str = "") -> list[Delivery]:
    endpoint = get_or_404(Endpoint.objects, code=code)
    found = Delivery.objects.filter(endpoint=endpoint).prefetch_related("attempts")
    if status:
        found = found.filter(status=status)
    return list(found.order_by("-pk")[:LOG_SIZE])


@router.post(
    "/webhooks/{code}/deliveries/{delivery_id}/resend",
    response={200: DeliveryOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Send a delivery again"),
    description=gettext_lazy(
        "Queue a delivered or failed delivery again, with the same webhook-id; a 409 if it "
        "is still queued."
    ),
)
def delivery_resend(request: HttpRequest, code: str, delivery_id: int) -> Delivery:
    endpoint = get_or_404(Endpoint.objects, code=code)
    try:
        delivery = Delivery.objects.get(endpoint=endpoint, pk=delivery_id)
    except Delivery.DoesNotExist:
        raise ApiError(404, _("Nothing here has this code or name.")) from None
    if not deliveries.send_again(delivery):
        raise ApiError(409, _("This event has not been delivered yet: it is still queued."))
    delivery.refresh_from_db()
    return delivery
