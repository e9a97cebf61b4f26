"""The schemas of routes_tickets.py: support requests, their thread and history."""

import datetime
from typing import Literal

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.api.schemas.base import InputSchema


class TicketIn(InputSchema):
    subject: str = SchemaField(..., description=gettext_lazy("At most 200 characters."))
    body: str = SchemaField(..., description=gettext_lazy("What happened, or what is needed."))
    page: str = SchemaField(
        "", description=gettext_lazy("The path of the screen it is about, if any: /contactos/")
    )


class ReplyIn(InputSchema):
    body: str


class TicketPatch(InputSchema):
    status: Literal["in_progress", "resolved"] = SchemaField(
        ..., description=gettext_lazy("in_progress or resolved; administrators only.")
    )


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class EntryOut(Schema):
    id: int
    kind: str = SchemaField(
        ..., description=gettext_lazy("message, or status (a change of status).")
    )
    from_email: str = SchemaField(..., description=gettext_lazy("Who wrote or changed it."))
    body: str
    status: str = SchemaField(..., description=gettext_lazy("The status taken, for a change."))
    via: str = SchemaField(..., description=gettext_lazy("web, email or api."))
    created_at: datetime.datetime
    attachments: list[AttachmentOut]


class TicketOut(Schema):
    id: int
    subject: str
    email: str = SchemaField(..., description=gettext_lazy("The requester's address."))
    page: str
    status: str = SchemaField(..., description=gettext_lazy("new, in_progress or resolved."))
    created_at: datetime.datetime
    updated_at: datetime.datetime


class TicketDetailOut(TicketOut):
    entries: list[EntryOut] = SchemaField(
        ..., description=gettext_lazy("The thread and history, oldest first.")
    )
