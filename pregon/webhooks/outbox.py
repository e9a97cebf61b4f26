"""Deliveries written in the caller's transaction: events for the subscribed endpoints
(``record``, the events listener) and the automation's one-off calls (``call``)."""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from pregon.webhooks import hosts
from pregon.webhooks.models import Delivery, Endpoint


def _message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def record(name: str, payloads: list[dict]) -> None:
    """Queue one delivery per payload for every enabled endpoint subscribed to ``name``.

    One query for the endpoints and one ``bulk_create``, whatever the batch's size: the spool
    hands its thousands of opens over in one call.
    """
    endpoints = [e for e in Endpoint.objects.filter(is_enabled=True) if name in e.events]
    if not endpoints:
        return
    now = timezone.now()
    rows = []
    for endpoint in endpoints:
        for payload in payloads:
            message_id = _message_id()
            rows.append(
                Delivery(
                    endpoint=endpoint,
                    event=name,
                    payload=payload,
                    key=message_id,
                    message_id=message_id,
                    created_at=now,
                    retry_from=now,
                    next_at=now,
                )
            )
    Delivery.objects.bulk_create(rows, batch_size=1000)


def call(url: str, payload: dict, key: str) -> Delivery:
    """Queue a one-off signed POST of ``payload`` to ``url`` (an automation's webhook step).

    Idempotent on ``key``: calling again with the same key returns the first delivery. The
    same address rules as subscriptions apply; raises ``hosts.Refused`` (a Spanish message)
    for a URL that is malformed or points at a private address no administrator allowed.
    The delivery is retried like any other; its ``status`` ends "delivered" or "failed".
    """
    existing = Delivery.objects.filter(endpoint=None, key=key).first()
    if existing is not None:
        return existing
    hosts.check(url)
    message_id = _message_id()
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                url=url, event="workflow.webhook", payload=payload, key=key, message_id=message_id
            )
    except IntegrityError:
        # Another process queued the same key a moment ago.
        return Delivery.objects.get(endpoint=None, key=key)
