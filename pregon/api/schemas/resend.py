"""The schemas of routes_resend.py: resends of a campaign, and the messages it did not get to
their recipients."""

import datetime
from typing import Literal
from uuid import UUID

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.api.schemas.base import InputSchema
from pregon.campaigns import resend
from pregon.campaigns.models import Campaign
from pregon.sending.models import Message
from pregon.sending.unreached import Reason


class ResendIn(InputSchema):
    kind: Literal["non_openers", "unreached"] = SchemaField(
        ...,
        description=gettext_lazy(
            "non_openers: to those who got the campaign and have not opened it when the "
            "resend starts; unreached: to those whose message failed or was left unsent "
            "(once the campaign has ended)."
        ),
    )
    days: int = SchemaField(
        3,
        description=gettext_lazy(
            "non_openers only: the resend is planned this many days (0 to 30) after the "
            "campaign started."
        ),
    )
    subject: str = SchemaField(
        "",
        description=gettext_lazy(
            "non_openers only: a new subject; empty, the campaign's own. May use merge tags."
        ),
    )
    machines_count_as_opens: bool = SchemaField(
        False,
        description=gettext_lazy(
            "non_openers only: whether opens and clicks of machines (Apple Mail Privacy "
            "Protection, antivirus link checks) count as opens, so that those contacts do not "
            "get the resend. By default only people's count."
        ),
    )


class ResendOut(Schema):
    code: UUID
    name: str
    resend_of: UUID
    kind: str = SchemaField(..., description=gettext_lazy("non_openers or unreached."))
    machines_count_as_opens: bool
    subject: str
    status: str = SchemaField(
        ...,
        description=gettext_lazy(
            "A new resend is a draft: schedule it with POST /campaigns/{code}/schedule."
        ),
    )
    days: int | None = SchemaField(
        ...,
        description=gettext_lazy(
            "non_openers: how many days after the campaign started it is meant to go."
        ),
    )
    planned_at: datetime.datetime | None = SchemaField(
        ...,
        description=gettext_lazy(
            "non_openers: when it is meant to go (days after the campaign started); schedule "
            "it for then, or for another time."
        ),
    )
    scheduled_at: datetime.datetime | None
    recipient_count: int | None = SchemaField(
        ...,
        description=gettext_lazy(
            "Before it starts, how many it would go to now; once started, the messages queued."
        ),
    )

    @staticmethod
    def resolve_resend_of(campaign: Campaign) -> UUID:
        return campaign.resend_of.code

    @staticmethod
    def resolve_kind(campaign: Campaign) -> str:
        return campaign.resend_kind

    @staticmethod
    def resolve_machines_count_as_opens(campaign: Campaign) -> bool:
        return campaign.resend_counts_machines

    @staticmethod
    def resolve_days(campaign: Campaign) -> int | None:
        return campaign.resend_days

    @staticmethod
    def resolve_planned_at(campaign: Campaign) -> datetime.datetime | None:
        return resend.planned_at(campaign)

    @staticmethod
    def resolve_recipient_count(campaign: Campaign) -> int | None:
        return campaign.recipient_count()


REASONS = gettext_lazy(
    "relay (the sending server could not be reached or took no message), expired (deferred "
    "until the retries ran out), quota (left unsent when the monthly messages ran out), "
    "refused (by the recipient's server) or cancelled (left unsent when the campaign was "
    "cancelled). The first three are a system incident."
)


class UnreachedOut(Schema):
    email: str
    contact: UUID | None
    reason: str = SchemaField(..., description=REASONS)
    reason_text: str = SchemaField(..., description=gettext_lazy("The reason, in words."))
    smtp_code: int | None
    reply: str = SchemaField(
        ..., description=gettext_lazy("The last answer of a server, or Pregón's, if any.")
    )

    @staticmethod
    def resolve_contact(message: Message) -> UUID | None:
        return message.contact.code if message.contact_id else None

    @staticmethod
    def resolve_reason_text(message: Message) -> str:
        return str(Reason(message.reason).label)


class UnreachedSummaryOut(Schema):
    total: int = SchemaField(
        ..., description=gettext_lazy("The messages that did not reach their recipients.")
    )
    incident_count: int = SchemaField(
        ...,
        description=gettext_lazy(
            "Of them, those a system incident left unsent (relay, expired, quota): never "
            "charged, and shown in the consumption ledger."
        ),
    )
    reasons: dict[str, int] = SchemaField(..., description=REASONS)
    can_resend: bool
    refusal: str = SchemaField(
        ..., description=gettext_lazy("Why it cannot be sent again now; empty if it can.")
    )
