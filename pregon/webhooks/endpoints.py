"""What administrators do to an endpoint or an allowed host, for the screens and the API
alike; each change is in the audit log."""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from pregon.accounts import audit
from pregon.accounts.models import AuditAction, User
from pregon.webhooks import deliveries, signing
from pregon.webhooks.forms import AllowedHostForm, EndpointForm
from pregon.webhooks.models import AllowedHost, CallSecret, Endpoint


def _audit(request: HttpRequest | None, by: User | None, target: str, kind: str, change: str):
    audit.record(request, AuditAction.WEBHOOK_CHANGED, target, actor=by, kind=kind, change=change)


@transaction.atomic
def create(
    form: EndpointForm, by: User | None, request: HttpRequest | None = None
) -> tuple[Endpoint, str]:
    """Save ``form``'s endpoint with a new secret; return it and the secret, in the clear
    this once (only its encrypted form is kept)."""
    secret = signing.new_secret()
    endpoint = form.save(commit=False)
    endpoint.replace_secret(secret)
    endpoint.created_by = by
    endpoint.save()
    _audit(request, by, endpoint.url, "webhook", "added")
    return endpoint, secret


@transaction.atomic
def rotate(endpoint: Endpoint, by: User | None, request: HttpRequest | None = None) -> str:
    """Give ``endpoint`` a new secret and return it; the old one signs too for a day."""
    secret = signing.new_secret()
    endpoint.replace_secret(secret)
    endpoint.save(update_fields=Endpoint.FIELDS)
    _audit(request, by, endpoint.url, "webhook", "secret rotated")
    return secret


@transaction.atomic
def rotate_call_secret(
    by: User | None, request: HttpRequest | None = None
) -> tuple[CallSecret, str]:
    """Give automations' calls a new secret; the old one signs too for a day. Returns the
    row and the new secret in the clear, which the caller shows this once."""
    signing.call_secret()  # Created first if it was never needed yet.
    calls = CallSecret.objects.select_for_update().get(pk=CallSecret.ONLY)
    secret = signing.new_secret()
    calls.replace_secret(secret)
    calls.shown_at = timezone.now()
    calls.save(update_fields=[*CallSecret.FIELDS, "shown_at"])
    _audit(request, by, "automation calls", "calls' secret", "secret rotated")
    return calls, secret


@transaction.atomic
def enable(endpoint: Endpoint, by: User | None, request: HttpRequest | None = None) -> None:
    """Deliver to ``endpoint`` again: what waited leaves first, in order."""
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_enabled=True, disabled_at=None, failure_count=0
    )
    endpoint.refresh_from_db()
    _audit(request, by, endpoint.url, "webhook", "enabled")


@transaction.atomic
def disable(endpoint: Endpoint, by: User | None, request: HttpRequest | None = None) -> None:
    """Stop delivering to ``endpoint``: new events are not kept for it."""
    if deliveries.disable(endpoint, timezone.now()):
        _audit(request, by, endpoint.url, "webhook", "disabled")
    endpoint.refresh_from_db()


@transaction.atomic
def delete(endpoint: Endpoint, by: User | None, request: HttpRequest | None = None) -> None:
    """Delete ``endpoint`` with its delivery log."""
    endpoint.delete()
    _audit(request, by, endpoint.url, "webhook", "removed")


@transaction.atomic
def allow_host(form: AllowedHostForm, by: User, request: HttpRequest | None = None) -> AllowedHost:
    """Let webhooks reach ``form``'s host of the office's own network."""
    host = form.save(commit=False)
    host.created_by = by
    host.save()
    _audit(request, by, host.name, "allowed host", "added")
    return host


@transaction.atomic
def forget_host(host: AllowedHost, by: User, request: HttpRequest | None = None) -> None:
    """Webhooks may no longer reach ``host``."""
    host.delete()
    _audit(request, by, host.name, "allowed host", "removed")
