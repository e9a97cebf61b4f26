"""The audit log: one function that every security-relevant action calls."""

from django.http import HttpRequest

from pregon.accounts.models import AuditAction, AuditEntry, User
from pregon.lib.proxy import client_ip


def record(
    request: HttpRequest | None,
    action: AuditAction,
    target: str = "",
    *,
    actor: User | None = None,
    **detail: object,
) -> AuditEntry:
    """Append an audit entry. The actor defaults to the request's logged-in user."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEntry.objects.create(
        actor=actor,
        actor_email=actor.email if actor else str(detail.pop("email", "")),
        action=action,
        target=str(target)[:255],
        ip=client_ip(request) if request is not None else None,
        detail=detail,
    )
