"""The schemas of routes_campaigns.py: campaigns, scheduling, progress and test sends."""

import datetime
from typing import Any, Literal
from uuid import UUID

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema
from pydantic import ConfigDict

from pregon.api.schemas.base import InputSchema
from pregon.campaigns.models import Campaign


class CampaignIn(InputSchema):
    name: str
    channel: Literal["email", "sms"] = SchemaField(
        "email",
        description=gettext_lazy(
            "email, or sms: an SMS campaign has a text (sms_text) instead of a subject, a "
            "sender and a template, which it ignores. It cannot be changed afterwards."
        ),
    )
    subject: str = SchemaField(
        "",
        description=gettext_lazy(
            "Required for an email campaign; may use merge tags, such as {{ nombre }}."
        ),
    )
    sms_text: str = SchemaField(
        "",
        description=gettext_lazy(
            "The text of an SMS campaign; may use merge tags, such as {{ nombre }}, and may "
            "wait until scheduling. Its web links are shortened and their clicks counted."
        ),
    )
    preheader: str = SchemaField(
        "", description=gettext_lazy("The line inbox lists show after the subject.")
    )
    sender: str | None = SchemaField(
        None, description=gettext_lazy("Code of a sender identity; it may wait until scheduling.")
    )
    template: str | None = SchemaField(
        None,
        description=gettext_lazy("Code of a template that passed its checks; it may wait too."),
    )
    include_lists: list[str] = SchemaField(
        [], description=gettext_lazy("Codes of the lists to send to.")
    )
    exclude_lists: list[str] = SchemaField(
        [], description=gettext_lazy("Codes of the lists to leave out.")
    )
    include_segments: list[str] = SchemaField(
        [], description=gettext_lazy("Codes of segments to send to.")
    )
    exclude_segments: list[str] = SchemaField(
        [], description=gettext_lazy("Codes of segments to leave out.")
    )
    track_opens: bool = True
    track_clicks: bool = True
    attribute_conversions: bool = SchemaField(
        True,
        description=gettext_lazy(
            "Clicked links carry pregon=<token>, with which the landing page can "
            "report a conversion (POST /conversions). Needs track_clicks."
        ),
    )
    add_utm: bool = SchemaField(
        True, description=gettext_lazy("Add UTM parameters to the web links.")
    )
    utm_source: str = SchemaField("pregon", description=gettext_lazy("Empty: pregon."))
    utm_medium: str = SchemaField("email", description=gettext_lazy("Empty: email."))
    utm_campaign: str = SchemaField(
        "", description=gettext_lazy("Empty: the campaign's name as a slug.")
    )
    utm_content_per_link: bool = SchemaField(
        False,
        description=gettext_lazy("utm_content names each link by position: enlace-1, enlace-2…"),
    )
    course: int | None = SchemaField(
        None,
        description=gettext_lazy(
            "The Moodle id of the course it announces (the number after id= in the course's "
            "address), one synced from Moodle: a new enrolment in it after a click is its "
            "conversion. Email campaigns only."
        ),
    )
    exclude_enrolled: bool = SchemaField(
        False,
        description=gettext_lazy(
            "Leave out those already enrolled in the course (as the last sync saw them); "
            "needs course."
        ),
    )


class CampaignPatch(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "description": gettext_lazy(
                "Like CampaignIn, but only the keys sent change; a null sender or template "
                "clears it."
            )
        }
    )

    name: str | None = None
    subject: str | None = None
    sms_text: str | None = None
    preheader: str | None = None
    sender: str | None = None
    template: str | None = None
    include_lists: list[str] | None = None
    exclude_lists: list[str] | None = None
    include_segments: list[str] | None = None
    exclude_segments: list[str] | None = None
    track_opens: bool | None = None
    track_clicks: bool | None = None
    attribute_conversions: bool | None = None
    add_utm: bool | None = None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    utm_content_per_link: bool | None = None
    course: int | None = None
    exclude_enrolled: bool | None = None


def _codes(related: Any) -> list[UUID]:
    return [item.code for item in related.all()]


class CampaignOut(Schema):
    code: UUID
    name: str
    channel: str = SchemaField(..., description=gettext_lazy("email or sms."))
    subject: str
    sms_text: str
    preheader: str
    sender: UUID | None
    template: UUID | None
    include_lists: list[UUID]
    exclude_lists: list[UUID]
    include_segments: list[UUID]
    exclude_segments: list[UUID]
    track_opens: bool
    track_clicks: bool
    attribute_conversions: bool
    add_utm: bool
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_content_per_link: bool
    course: int | None = SchemaField(
        ..., description=gettext_lazy("The Moodle id of the course it announces, or null.")
    )
    exclude_enrolled: bool
    status: str = SchemaField(
        ...,
        description=gettext_lazy(
            "draft, scheduled, sending, paused, sent, partial (sent with errors: "
            "some messages failed), cancelled or failed (could not start, or none was accepted)."
        ),
    )
    scheduled_at: datetime.datetime | None
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    recipient_count: int | None = SchemaField(
        ...,
        description=gettext_lazy(
            "Before sending, the audience as it is now; once started, the messages "
            "queued. null if a segment can no longer be read, or if cancelled before starting."
        ),
    )
    created_at: datetime.datetime
    updated_at: datetime.datetime

    # The queries that read campaigns select the sender and template and prefetch the rest.
    @staticmethod
    def resolve_sender(campaign: Campaign) -> UUID | None:
        return campaign.sender.code if campaign.sender_id else None

    @staticmethod
    def resolve_template(campaign: Campaign) -> UUID | None:
        return campaign.template.code if campaign.template_id else None

    @staticmethod
    def resolve_course(campaign: Campaign) -> int | None:
        return campaign.course.moodle_id if campaign.course_id else None

    @staticmethod
    def resolve_include_lists(campaign: Campaign) -> list[UUID]:
        return _codes(campaign.include_lists)

    @staticmethod
    def resolve_exclude_lists(campaign: Campaign) -> list[UUID]:
        return _codes(campaign.exclude_lists)

    @staticmethod
    def resolve_include_segments(campaign: Campaign) -> list[UUID]:
        return _codes(campaign.include_segments)

    @staticmethod
    def resolve_exclude_segments(campaign: Campaign) -> list[UUID]:
        return _codes(campaign.exclude_segments)

    @staticmethod
    def resolve_recipient_count(campaign: Campaign) -> int | None:
        return campaign.recipient_count()


class ScheduleIn(InputSchema):
    at: datetime.datetime | None = SchemaField(
        None,
        description=gettext_lazy(
            "When to send, in the future; null or left out: now. Without an offset, "
            "the time is read in the account's time zone."
        ),
    )
    confirm: bool = SchemaField(
        False,
        description=gettext_lazy(
            "Required as true when fewer messages are left this period than "
            "recipients: sending then stops at zero."
        ),
    )


class FailureOut(Schema):
    code: int | None = SchemaField(
        ..., description=gettext_lazy("The SMTP reply code, if a server answered.")
    )
    reply: str = SchemaField(
        ..., description=gettext_lazy("The answer, as the server (or Pregón) gave it.")
    )
    count: int = SchemaField(
        ..., description=gettext_lazy("How many failed messages got this answer.")
    )
    explanation: str = SchemaField(..., description=gettext_lazy("What happened, in plain words."))


class ProgressOut(Schema):
    status: str = SchemaField(
        ...,
        description=gettext_lazy(
            "draft, scheduled, sending, paused, sent, partial (sent with errors: "
            "some messages failed), cancelled or failed (none was accepted)."
        ),
    )
    counts: dict[str, int] = SchemaField(
        ...,
        description=gettext_lazy(
            "Messages by status: queued, sending, sent, failed, outbox (kept in the "
            "local test mailbox, as no relay was in use: they reached nobody) and skipped (not "
            "sent when their turn came: paused, over the frequency cap, no longer subscribed or "
            "suppressed; the report counts each reason). For an SMS campaign, its SMS by "
            "status: queued, sending, sent, delivered, undelivered, failed and skipped (opted "
            "out since, or the campaign was cancelled)."
        ),
    )
    total: int
    percent: int = SchemaField(
        ...,
        description=gettext_lazy(
            "Messages dealt with (every status but queued and sending), as a share of total."
        ),
    )
    failure: FailureOut | None = SchemaField(
        ...,
        description=gettext_lazy(
            "The answer most of the failed messages got; null if none failed."
        ),
    )


class TestSendIn(InputSchema):
    addresses: list[str] = SchemaField(
        ..., description=gettext_lazy("Up to 5 email addresses; one that is not valid fails alone.")
    )
    contact: str | None = SchemaField(
        None,
        description=(
            gettext_lazy(
                "The code of the contact of the campaign's audience whose data every test "
                "message shows; by default the audience's first contact."
            )
        ),
    )


class TestResultOut(Schema):
    address: str
    outcome: str = SchemaField(
        ..., description=gettext_lazy("sent (accepted), retry (a temporary refusal) or failed.")
    )
    code: int | None = SchemaField(
        ..., description=gettext_lazy("The server's SMTP reply code, if any.")
    )
    reply: str
