"""The schemas of routes_webhooks.py: outgoing webhooks, their deliveries and attempts."""

import datetime
from uuid import UUID

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.api.schemas.base import InputSchema


class WebhookIn(InputSchema):
    url: str = SchemaField(
        ..., description=gettext_lazy("Where each event is posted; no private address.")
    )
    description: str = ""
    events: list[str] = SchemaField(
        ..., description=gettext_lazy("Event names: contact.created, message.opened…")
    )


class WebhookPatch(InputSchema):
    url: str | None = None
    description: str | None = None
    events: list[str] | None = None
    is_enabled: bool | None = SchemaField(
        None, description=gettext_lazy("true: deliver again, the waiting events first.")
    )


class WebhookOut(Schema):
    code: UUID
    url: str
    description: str
    events: list[str]
    is_enabled: bool
    failure_count: int = SchemaField(..., description=gettext_lazy("Failed attempts in a row."))
    disabled_at: datetime.datetime | None
    created_at: datetime.datetime


class WebhookSecretOut(WebhookOut):
    secret: str = SchemaField(
        ...,
        description=gettext_lazy(
            "The signing secret (Standard Webhooks), in this answer only: keep it."
        ),
    )


class CallSecretOut(Schema):
    secret: str = SchemaField(
        ...,
        description=gettext_lazy(
            "The new secret that signs automations' webhook calls, in this answer only."
        ),
    )
    previous_until: datetime.datetime | None = SchemaField(
        ..., description=gettext_lazy("Until when calls are also signed with the previous one.")
    )


class AttemptOut(Schema):
    at: datetime.datetime
    status_code: int | None
    response: str
    duration_ms: int


class DeliveryOut(Schema):
    id: int
    event: str
    message_id: str = SchemaField(..., description=gettext_lazy("The webhook-id header."))
    status: str = SchemaField(
        ..., description=gettext_lazy("pending, sending, delivered or failed.")
    )
    attempt_count: int
    created_at: datetime.datetime
    next_at: datetime.datetime
    finished_at: datetime.datetime | None
    payload: dict
    attempts: list[AttemptOut]

    @staticmethod
    def resolve_attempts(delivery: object) -> list:
        return list(delivery.attempts.all())
