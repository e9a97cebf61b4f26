"""The schemas of routes_transactional.py: one transactional email and its status."""

import datetime
from uuid import UUID

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.api.schemas.base import InputSchema


class TransactionalIn(InputSchema):
    to: str = SchemaField(
        ...,
        max_length=254,
        description=gettext_lazy(
            "The address to send to; a contact's data fill the merge tags if it is one."
        ),
    )
    template: str = SchemaField(
        ...,
        description=gettext_lazy(
            "Code of a template that passed its checks (it needs no unsubscribe link)."
        ),
    )
    sender: str = SchemaField(
        ..., description=gettext_lazy("Code or address of a sender identity.")
    )
    subject: str = SchemaField(
        ...,
        max_length=255,
        description=gettext_lazy("May use merge tags, such as {{ nombre }}."),
    )
    data: dict[str, str | int | float | bool] = SchemaField(
        {},
        description=gettext_lazy(
            "Values of merge tags for this message only, by name: built-in ones "
            "(nombre, apellido…) and custom fields' keys. They win over the contact's own."
        ),
    )
    track_opens: bool = SchemaField(False, description=gettext_lazy("Count its opens."))
    track_clicks: bool = SchemaField(
        False,
        description=gettext_lazy("Count clicks on its web links (they then pass through Pregón)."),
    )


class TransactionalOut(Schema):
    id: UUID = SchemaField(..., description=gettext_lazy("What GET /transactional/{id} takes."))
    to: str
    status: str = SchemaField(
        ...,
        description=gettext_lazy(
            "queued, sending, sent (a relay took it), failed, skipped (see skip_reason) or "
            "outbox (kept in the test mailbox: no relay is in use)."
        ),
    )
    skip_reason: str = SchemaField(
        ...,
        description=gettext_lazy(
            "Why it was skipped: suppressed, or left (a bounced or complained contact)."
        ),
    )
    smtp_code: int | None
    reply: str = SchemaField(..., description=gettext_lazy("The relay's last answer."))
    created_at: datetime.datetime
    sent_at: datetime.datetime | None
    track_opens: bool
    track_clicks: bool
    opened: bool
    clicked: bool
