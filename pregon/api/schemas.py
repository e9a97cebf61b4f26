"""What the API reads and writes, as pydantic schemas (they also make the OpenAPI document),
in the order of the route table, and the helpers that shape values for them (utc, month_out).

Input schemas built on InputSchema forbid unknown keys, so that a misspelt field is an error
rather than a value silently ignored.
"""

import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema
from pydantic import ConfigDict, IPvAnyAddress

from pregon.campaigns.models import Campaign
from pregon.contacts.models import (
    ConsentSource,
    Contact,
    FieldType,
    MailingList,
    Segment,
    Status,
)
from pregon.content.models import Format
from pregon.reports.consumption import Month
from pregon.sending.models import (
    Backend,
    BackendKind,
    BounceCause,
    BounceKind,
    Security,
    SenderIdentity,
)
from pregon.tracking import conversions
from pregon.tracking.models import EventKind

BULK_LIMIT = 1000


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class ConsentIn(InputSchema):
    source: ConsentSource | None = SchemaField(
        None, description=gettext_lazy("Where the person agreed: form, import, api or manual.")
    )
    text: str = SchemaField("", description=gettext_lazy("The exact wording the person agreed to."))
    at: datetime.datetime | None = SchemaField(
        None,
        description=gettext_lazy("When they agreed; defaults to now when a source is first given."),
    )
    ip: IPvAnyAddress | None = SchemaField(
        None, description=gettext_lazy("The address they agreed from.")
    )


class ConsentOut(Schema):
    source: str
    at: datetime.datetime | None
    ip: str | None
    text: str


class ContactIn(InputSchema):
    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str = SchemaField(
        "", description=gettext_lazy("Any common format; stored in E.164 (Peru default).")
    )
    status: Status = Status.SUBSCRIBED
    fields: dict[str, Any] = SchemaField(
        {},
        description=gettext_lazy(
            "Custom field values by key: text, number, date (YYYY-MM-DD), bool."
        ),
    )
    lists: list[str] = SchemaField(
        [], description=gettext_lazy("Codes of the lists the contact is in.")
    )
    tags: list[str] = SchemaField([], description=gettext_lazy("Tag names; new names create tags."))
    consent: ConsentIn | None = None


class ContactPatch(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "description": gettext_lazy(
                "Like ContactIn, but every key is optional and only the keys sent change."
            )
        }
    )

    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    status: Status | None = None
    fields: dict[str, Any] | None = SchemaField(
        None, description=gettext_lazy("Only the keys sent change; a null value clears one.")
    )
    lists: list[str] | None = None
    tags: list[str] | None = None
    consent: ConsentIn | None = None


class ContactOut(Schema):
    code: UUID
    email: str
    first_name: str
    last_name: str
    phone: str
    status: str
    fields: dict[str, Any]
    lists: list[UUID]
    tags: list[str]
    consent: ConsentOut
    created_at: datetime.datetime
    updated_at: datetime.datetime

    # The queries that list contacts prefetch lists and tags, so these cost no query each.
    @staticmethod
    def resolve_fields(contact: Contact) -> dict[str, Any]:
        return contact.attributes or {}

    @staticmethod
    def resolve_lists(contact: Contact) -> list[UUID]:
        return [mailing_list.code for mailing_list in contact.lists.all()]

    @staticmethod
    def resolve_tags(contact: Contact) -> list[str]:
        return sorted(tag.name for tag in contact.tags.all())

    @staticmethod
    def resolve_consent(contact: Contact) -> dict[str, Any]:
        return {
            "source": contact.consent_source,
            "at": contact.consent_at,
            "ip": contact.consent_ip,
            "text": contact.consent_text,
        }


class BulkIn(InputSchema):
    contacts: list[ContactPatch] = SchemaField(
        ...,
        min_length=1,
        max_length=BULK_LIMIT,
        description=gettext_lazy(
            "Up to 1,000 contacts, matched to existing ones by email (required)."
        ),
    )
    add_to_lists: list[str] = SchemaField(
        [], description=gettext_lazy("Codes of lists to add every contact to.")
    )
    add_tags: list[str] = SchemaField(
        [], description=gettext_lazy("Tag names to add to every contact.")
    )


class BulkOut(Schema):
    created: int
    updated: int


class ListIn(InputSchema):
    name: str
    description: str = ""


class ListPatch(InputSchema):
    name: str | None = None
    description: str | None = None


class ListOut(Schema):
    code: UUID
    name: str
    description: str
    contact_count: int
    created_at: datetime.datetime

    @staticmethod
    def resolve_contact_count(mailing_list: MailingList) -> int:
        count = getattr(mailing_list, "contact_count", None)
        return mailing_list.contacts.count() if count is None else count


class TagIn(InputSchema):
    name: str


class TagOut(Schema):
    name: str
    contact_count: int


class FieldIn(InputSchema):
    label: str = SchemaField(
        ..., description=gettext_lazy("The key is made from it, and fixed once created.")
    )
    type: FieldType = SchemaField(
        ..., description=gettext_lazy("Fixed once created: values depend on it.")
    )


class FieldPatch(InputSchema):
    label: str


class FieldOut(Schema):
    key: str
    label: str
    type: str
    created_at: datetime.datetime


class SegmentIn(InputSchema):
    name: str
    rules: dict[str, Any] = SchemaField(
        ..., description=gettext_lazy("A rule tree; see the segment builder.")
    )


class SegmentPatch(InputSchema):
    name: str | None = None
    rules: dict[str, Any] | None = None


class SegmentOut(Schema):
    code: UUID
    name: str
    rules: dict[str, Any]
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_rules(segment: Segment) -> dict[str, Any]:
        return segment.rules or {}


class RulesIn(InputSchema):
    rules: dict[str, Any]


class CountOut(Schema):
    count: int


class ImportOut(Schema):
    code: UUID
    status: str = SchemaField(
        ..., description=gettext_lazy("uploaded, queued, running, done or failed.")
    )
    file_name: str
    mapping: dict[str, str] = SchemaField(
        ..., description=gettext_lazy("Column number -> where it went.")
    )
    total_rows: int = SchemaField(
        ..., description=gettext_lazy("An estimate until the import has run.")
    )
    processed_rows: int
    percent: int
    created_count: int
    updated_count: int
    skipped_count: int
    rejected_count: int
    error: str
    report_url: str | None = SchemaField(
        ..., description=gettext_lazy("The CSV of rejected rows and why, once the import has run.")
    )
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


def _checks(template: Any) -> list[dict[str, Any]]:
    """A template's stored checks, worded in the request's language."""
    return [check.as_dict() for check in template.check_results()]


class CheckOut(Schema):
    code: str = SchemaField(..., description=gettext_lazy("unsubscribe, alt, links, text or size."))
    level: str = SchemaField(
        ..., description=gettext_lazy("error (the template cannot be sent) or warning.")
    )
    message: str


class TemplateIn(InputSchema):
    name: str | None = SchemaField(
        None,
        description=gettext_lazy("Left out: the design's name, “Copy of …” or “Untitled message”."),
    )
    format: Format | None = SchemaField(None, description=gettext_lazy("Required with source."))
    source: str | None = SchemaField(
        None, description=gettext_lazy("MJML or HTML, with merge tags.")
    )
    gallery: str | None = SchemaField(
        None,
        description=gettext_lazy("Key of a gallery design, to start from it with the brand kit."),
    )
    # "copy" would shadow pydantic's BaseModel.copy, so the attribute has another name.
    copy_of: str | None = SchemaField(
        None, alias="copy", description=gettext_lazy("Code of a template.")
    )


class TemplatePatch(InputSchema):
    name: str | None = None
    source: str | None = None
    text: str | None = SchemaField(
        None,
        description=gettext_lazy(
            'The plain-text version; "" goes back to the one made from the HTML.'
        ),
    )


class TemplateSummaryOut(Schema):
    code: UUID
    name: str
    format: str
    is_text_custom: bool = SchemaField(
        ..., description=gettext_lazy("False while the text follows the HTML.")
    )
    checks: list[CheckOut] = SchemaField(
        ..., description=gettext_lazy("Pre-flight checks, errors first.")
    )
    is_ready: bool = SchemaField(..., description=gettext_lazy("True if no check is an error."))
    gallery_key: str = SchemaField(
        ..., description=gettext_lazy('The gallery design it started from, or "".')
    )
    created_at: datetime.datetime
    updated_at: datetime.datetime

    resolve_checks = staticmethod(_checks)


class TemplateOut(TemplateSummaryOut):
    source: str
    html: str = SchemaField(
        ..., description=gettext_lazy("Compiled, CSS inlined, merge tags left in.")
    )
    text: str


class CompileIn(InputSchema):
    format: Format
    source: str


class CompileOut(Schema):
    html: str
    text: str
    checks: list[CheckOut]

    resolve_checks = staticmethod(_checks)


class PreviewOut(Schema):
    html: str
    text: str


class GalleryOut(Schema):
    key: str
    name: str
    description: str
    category: str
    preview_url: str | None = SchemaField(
        ..., description=gettext_lazy("A PNG of the design, if there is one.")
    )


class GalleryDetailOut(GalleryOut):
    source: str = SchemaField(
        ..., description=gettext_lazy("The MJML, with the brand kit applied.")
    )


class CampaignIn(InputSchema):
    name: str
    subject: str = SchemaField(
        ..., description=gettext_lazy("May use merge tags, such as {{ nombre }}.")
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


def _codes(related: Any) -> list[UUID]:
    return [item.code for item in related.all()]


class CampaignOut(Schema):
    code: UUID
    name: str
    subject: str
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
            "local test mailbox, as no relay was in use: they reached nobody) and skipped (no "
            "longer subscribed)."
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


class SenderIn(InputSchema):
    from_name: str
    from_email: str = SchemaField(..., description=gettext_lazy("An address on a domain of yours."))
    reply_to: str = ""


class SenderPatch(InputSchema):
    from_name: str | None = None
    from_email: str | None = None
    reply_to: str | None = None


class SenderOut(Schema):
    code: UUID
    from_name: str
    from_email: str
    reply_to: str
    domain: str = SchemaField(
        ..., description=gettext_lazy("The sending domain, which signs with DKIM.")
    )
    created_at: datetime.datetime

    @staticmethod
    def resolve_domain(sender: SenderIdentity) -> str:
        return sender.domain.name


# The options a backend shows: an allow-list, so that nothing secret stored there later
# leaks. ``api_url`` stays out too: no form sets it (it points a provider's API at a proxy
# or the tests' fake provider), and such an address may name internal hosts.
SHOWN_OPTIONS = ("region", "sender_domain", "message_stream")


class BackendIn(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "description": gettext_lazy(
                "A field that the kind does not use is a 422: each field says which kinds use it."
            )
        }
    )

    name: str
    kind: BackendKind = SchemaField(
        ...,
        description=gettext_lazy(
            "smtp (a relay), file (the test mailbox: nothing leaves the server), or "
            "a provider's API: amazon_ses, brevo, mailgun, postmark or sendgrid."
        ),
    )
    host: str | None = SchemaField(None, description=gettext_lazy("smtp: required."))
    port: int | None = SchemaField(None, description=gettext_lazy("smtp: 587 if left out."))
    security: Security | None = SchemaField(
        None, description=gettext_lazy("smtp: starttls if left out.")
    )
    username: str | None = SchemaField(
        None, description=gettext_lazy("smtp: the login. amazon_ses: the access key ID (required).")
    )
    password: str | None = SchemaField(
        None, description=gettext_lazy("smtp: write-only, stored encrypted and never sent back.")
    )
    api_key: str | None = SchemaField(
        None,
        description=gettext_lazy(
            "Providers: required; write-only, stored encrypted and never sent back. "
            "amazon_ses: the secret access key; postmark: the server API token."
        ),
    )
    region: str | None = SchemaField(
        None,
        description=gettext_lazy(
            "amazon_ses: an AWS region, us-east-1 if left out. mailgun: us or eu, us "
            "if left out. sendgrid: global or eu, global if left out."
        ),
    )
    sender_domain: str | None = SchemaField(
        None, description=gettext_lazy("mailgun: required, the domain as verified in Mailgun.")
    )
    message_stream: str | None = SchemaField(
        None, description=gettext_lazy("postmark: a Broadcasts stream, broadcast if left out.")
    )
    weight: int | None = SchemaField(
        None,
        description=gettext_lazy(
            "All but file: with several in use, each takes a share of the messages in "
            "this proportion (1 to 1000); 1 if left out."
        ),
    )
    max_connections: int | None = SchemaField(
        None, description=gettext_lazy("All but file: senders at once (1 to 50); 4 if left out.")
    )
    is_active: bool = True


class BackendPatch(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "description": gettext_lazy(
                "The kind stays. Without a password or API key, the stored one stays; for smtp, "
                "an empty username removes the password too. A field the kind does not use is a "
                "422."
            )
        }
    )

    name: str | None = None
    host: str | None = None
    port: int | None = None
    security: Security | None = None
    username: str | None = None
    password: str | None = SchemaField(
        None,
        description=gettext_lazy("smtp: write-only; left out or empty, the stored password stays."),
    )
    api_key: str | None = SchemaField(
        None,
        description=gettext_lazy("Providers: write-only; left out or empty, the stored key stays."),
    )
    region: str | None = SchemaField(
        None, description=gettext_lazy("amazon_ses, mailgun and sendgrid.")
    )
    sender_domain: str | None = SchemaField(None, description=gettext_lazy("mailgun."))
    message_stream: str | None = SchemaField(None, description=gettext_lazy("postmark."))
    weight: int | None = SchemaField(None, description=gettext_lazy("All but file."))
    max_connections: int | None = SchemaField(None, description=gettext_lazy("All but file."))
    is_active: bool | None = None


class BackendOut(Schema):
    code: UUID
    name: str
    kind: str
    host: str
    port: int
    security: str
    username: str = SchemaField(
        ...,
        description=gettext_lazy("smtp: the login; amazon_ses: the access key ID; others: empty."),
    )
    has_password: bool = SchemaField(
        ...,
        description=gettext_lazy("Whether a password (smtp) or an API key (providers) is stored."),
    )
    options: dict[str, str] = SchemaField(
        ...,
        description=gettext_lazy(
            "A provider's settings: region, sender_domain (mailgun), message_stream "
            "(postmark); {} for smtp and file."
        ),
    )
    weight: int
    max_connections: int
    is_active: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_has_password(backend: Backend) -> bool:
        return bool(backend.password)

    @staticmethod
    def resolve_options(backend: Backend) -> dict[str, str]:
        options = backend.options or {}
        return {name: str(options[name]) for name in SHOWN_OPTIONS if name in options}


class CheckOutcomeOut(Schema):
    outcome: str = SchemaField(
        ...,
        description=gettext_lazy(
            "sent (it works), retry (could not reach it) or failed (refused)."
        ),
    )
    code: int | None
    reply: str


class PeriodOut(Schema):
    start: datetime.datetime
    end: datetime.datetime


class QuotaMonthOut(PeriodOut):
    amount: int = SchemaField(..., description=gettext_lazy("Messages the plan grants this month."))
    credited: int = SchemaField(
        ..., description=gettext_lazy("Messages credited back for incidents.")
    )
    used: int = SchemaField(..., description=gettext_lazy("Messages relays accepted."))


class QuotaOut(Schema):
    months: list[QuotaMonthOut]
    period: PeriodOut | None = SchemaField(
        ..., description=gettext_lazy("The current month; null outside.")
    )
    balance: int = SchemaField(
        ..., description=gettext_lazy("Messages that may still be sent this period.")
    )
    used: int = SchemaField(..., description=gettext_lazy("Messages relays accepted this period."))


class CreditIn(InputSchema):
    amount: int
    reason: str = SchemaField(
        ..., description=gettext_lazy("Such as the incident; it goes to the audit log.")
    )


class CreditOut(Schema):
    amount: int
    reason: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    balance: int = SchemaField(..., description=gettext_lazy("The balance after the credit."))


class ConversionIn(Schema):
    token: str = SchemaField(
        ...,
        max_length=100,
        description=gettext_lazy(
            "The code a tracked link brought to the landing page as pregon=<token>."
        ),
    )
    goal: str = SchemaField(
        conversions.DEFAULT_GOAL,
        max_length=100,
        description=gettext_lazy("What the person did, such as matricula; stored as a slug."),
    )


class ConversionOut(Schema):
    recorded: bool = SchemaField(
        ...,
        description=gettext_lazy("false if this message already had a conversion for this goal."),
    )
    goal: str
    campaign: str | None = SchemaField(
        ..., description=gettext_lazy("Code of the message's campaign.")
    )


class EngagementOut(Schema):
    opened_unique: int = SchemaField(
        description=gettext_lazy("Messages opened (a click counts as an open).")
    )
    opened_total: int = SchemaField(description=gettext_lazy("Open events."))
    not_opened: int = SchemaField(description=gettext_lazy("Delivered messages not opened."))
    clicked_unique: int = SchemaField(description=gettext_lazy("Messages with a click."))
    clicked_total: int = SchemaField(description=gettext_lazy("Click events."))
    open_rate: float | None = SchemaField(
        description=gettext_lazy("opened_unique / delivered (0 to 1).")
    )
    click_through_rate: float | None = SchemaField(
        description=gettext_lazy("clicked_unique / delivered.")
    )
    click_to_open_rate: float | None = SchemaField(
        description=gettext_lazy("clicked_unique / opened_unique.")
    )


class FiguresOut(Schema):
    recipients: int = SchemaField(
        description=gettext_lazy("Messages of the campaign, whatever their status.")
    )
    sent: int = SchemaField(description=gettext_lazy("Messages the relay or provider accepted."))
    delivered: int = SchemaField(description=gettext_lazy("Sent and not bounced afterwards."))
    bounced_hard: int
    bounced_soft: int
    sending_side_rejections: int = SchemaField(
        description=gettext_lazy(
            "Messages refused for something on the sending side (a block of the "
            "sending server, SPF/DKIM/DMARC, the content): not delivered, but no fault of the "
            "address, which is not suppressed."
        )
    )
    complaints: int
    unsubscribed: int
    conversions: int = SchemaField(description=gettext_lazy("Messages with a conversion reported."))
    conversion_rate: float | None = SchemaField(
        description=gettext_lazy("conversions / delivered.")
    )
    human: EngagementOut = SchemaField(
        description=gettext_lazy(
            "People only: Gmail's opens included (its image proxy fetches only when "
            "a person opens); Apple Mail Privacy Protection's opens and link scanners' clicks left "
            "out. A click counts as an open."
        )
    )
    raw: EngagementOut = SchemaField(
        description=gettext_lazy(
            "Every event: Apple Mail Privacy Protection's opens and scanners' too."
        )
    )


class LinkOut(Schema):
    position: int
    url: str
    unique: int = SchemaField(description=gettext_lazy("Messages with a click on this link."))
    total: int = SchemaField(description=gettext_lazy("Clicks on this link."))
    share: float = SchemaField(description=gettext_lazy("This link's part of all clicks (0 to 1)."))


class SeriesOut(Schema):
    labels: list[str]
    opens: list[int]
    clicks: list[int]


class TallyOut(Schema):
    name: str = SchemaField(
        description=gettext_lazy('The mail program or device kind; "" when unknown.')
    )
    people: int


class ReportOut(Schema):
    campaign: str
    name: str
    status: str
    time_zone: str = SchemaField(description=gettext_lazy("The zone of the hours and times below."))
    figures: FiguresOut
    links: list[LinkOut] = SchemaField(description=gettext_lazy("Clicks per link, people only."))
    by_hour: SeriesOut = SchemaField(
        description=gettext_lazy("Opens and clicks by hour of the day (00-23).")
    )
    over_time: SeriesOut = SchemaField(
        description=gettext_lazy("Opens and clicks per hour (per day past 3 days).")
    )
    clients: list[TallyOut]
    devices: list[TallyOut]


class EventKindIn(StrEnum):
    OPENED = EventKind.OPENED.value
    CLICKED = EventKind.CLICKED.value
    UNSUBSCRIBED = EventKind.UNSUBSCRIBED.value
    CONVERTED = EventKind.CONVERTED.value
    HARD = BounceKind.HARD.value
    SOFT = BounceKind.SOFT.value
    COMPLAINT = BounceKind.COMPLAINT.value
    SENDER = BounceKind.SENDER.value


class EventOut(Schema):
    kind: str = SchemaField(
        description=gettext_lazy(
            "opened, clicked, unsubscribed, converted, hard, soft, sender "
            "(a sending-side rejection) or complaint."
        )
    )
    at: datetime.datetime
    email: str
    link: int | None = SchemaField(description=gettext_lazy("The link's position (clicks)."))
    url: str = SchemaField(description=gettext_lazy("The link's address (clicks)."))
    client: str
    device: str
    machine: str = SchemaField(
        description=gettext_lazy('Why it looks like a machine\'s; "" for a person.')
    )
    detail: str = SchemaField(
        description=gettext_lazy("The reason of a bounce or unsubscribe, a conversion's goal.")
    )
    source: str = SchemaField(
        description=gettext_lazy("Where a bounce came from: smtp, mailbox or webhook.")
    )
    cause: str = SchemaField(
        description=format_lazy(
            gettext_lazy('Why a bounce happened, a stable code: {codes}; "" for events.'),
            codes=", ".join(BounceCause.values),
        )
    )


class StepOut(Schema):
    key: str = SchemaField(
        description=gettext_lazy(
            "brand_kit, relay, sender, contacts, template, test_send or campaign."
        )
    )
    title: str
    help: str = SchemaField(description=gettext_lazy("What the step is, or what is left of it."))
    url: str = SchemaField(
        description=gettext_lazy("The web app's page for it; empty if this user may not open it.")
    )
    done: bool = SchemaField(
        description=gettext_lazy("Ticked from what exists, never from what was clicked.")
    )


class GettingStartedOut(Schema):
    complete: bool = SchemaField(
        description=gettext_lazy("Every step done: the dashboard no longer shows the list.")
    )
    steps: list[StepOut]


class HistoryEntryOut(Schema):
    at: datetime.datetime
    kind: str = SchemaField(
        description=gettext_lazy(
            "message; opened, clicked, converted, unsubscribed or resubscribed; "
            "hard, soft (bounces) or complaint."
        )
    )
    campaign: str = SchemaField(
        description=gettext_lazy('The campaign\'s name; "" for a message of no campaign.')
    )
    campaign_code: UUID | None
    subject: str
    status: str = SchemaField(
        description=gettext_lazy(
            'A message\'s status: queued, sending, sent, failed or skipped; "" else.'
        )
    )
    detail: str = SchemaField(
        description=gettext_lazy(
            "The link clicked, the bounce's reason, the goal converted or the reason "
            "for unsubscribing."
        )
    )
    is_machine: bool = SchemaField(
        description=gettext_lazy("An open or click by a privacy proxy or link scanner.")
    )
    machine: str = SchemaField(
        description=gettext_lazy("Why it looks like a machine's: apple_privacy, scanner…")
    )
    client: str = SchemaField(description=gettext_lazy("The mail program of an open or click."))
    device: str = SchemaField(description=gettext_lazy("desktop, mobile, tablet or other."))


class ConsumptionMonthOut(QuotaMonthOut):
    granted: int = SchemaField(description=gettext_lazy("amount + credited."))
    left: int = SchemaField(
        description=gettext_lazy("Messages not used; they expire with the month.")
    )
    is_current: bool


class LedgerEntryOut(Schema):
    at: datetime.datetime = SchemaField(
        description=gettext_lazy("When a grant begins; a mailing's last use.")
    )
    kind: str = SchemaField(description=gettext_lazy("plan, credit (for an incident) or usage."))
    amount: int = SchemaField(
        description=gettext_lazy("Messages granted (positive) or used (negative).")
    )
    reason: str = SchemaField(description=gettext_lazy("Why a credit was given."))
    granted_by: str = SchemaField(
        description=gettext_lazy("The email address of who gave a credit.")
    )
    campaign: str
    campaign_code: UUID | None
    subject: str


class ConsumptionOut(Schema):
    monthly: int = SchemaField(description=gettext_lazy("Messages the plan grants each month."))
    term: PeriodOut = SchemaField(description=gettext_lazy("The plan's whole term."))
    period: PeriodOut | None = SchemaField(
        description=gettext_lazy("The current month; null outside the term.")
    )
    balance: int = SchemaField(
        description=gettext_lazy("Messages that may still be sent this month.")
    )
    used_this_month: int
    used_in_term: int
    credited_in_term: int
    months: list[ConsumptionMonthOut]
    ledger: list[LedgerEntryOut] = SchemaField(
        description=gettext_lazy("Grants, credits and use, newest first.")
    )


class DomainIn(InputSchema):
    name: str = SchemaField(
        ..., description=gettext_lazy("The domain of the sender addresses: example.com.")
    )
    return_path: str = SchemaField(
        "",
        description=gettext_lazy(
            "The subdomain bounces come back to, with its own MX and SPF; empty: "
            "rebotes.<name>. It may not be the domain itself."
        ),
    )
    report_address: str = SchemaField(
        "", description=gettext_lazy("Where receivers send DMARC reports; empty: dmarc@<name>.")
    )


class DomainPatch(InputSchema):
    return_path: str = SchemaField(
        ..., description=gettext_lazy("A new subdomain for bounces; empty: rebotes.<name>.")
    )


class DomainOut(Schema):
    code: UUID
    name: str
    return_path: str = SchemaField(
        ..., description=gettext_lazy("The return path's domain (VERP bounces).")
    )
    report_address: str = SchemaField(..., description=gettext_lazy("Where DMARC reports go."))
    status: str = SchemaField(..., description=gettext_lazy("unverified, partial or verified."))
    checked_at: datetime.datetime | None = SchemaField(
        ..., description=gettext_lazy("The last verification; the DNS is checked again every day.")
    )
    created_at: datetime.datetime

    @staticmethod
    def resolve_report_address(domain: Any) -> str:
        return domain.dmarc_reports_to


class DomainRecordOut(Schema):
    purpose: str = SchemaField(
        ..., description=gettext_lazy("dkim, spf, dmarc or return_path (the MX).")
    )
    type: str = SchemaField(..., description=gettext_lazy("TXT or MX."))
    name: str
    value: str = SchemaField(
        ...,
        description=gettext_lazy("What to publish. Empty for the MX until a bounce host is known."),
    )
    selector: str = SchemaField("", description=gettext_lazy("DKIM: the key's selector."))
    is_pending: bool = SchemaField(
        False,
        description=gettext_lazy(
            "DKIM: a rotation's new key, signing once it is found in the DNS."
        ),
    )
    state: str = SchemaField(
        ...,
        description=gettext_lazy(
            "ok, missing, wrong, error (the DNS could not be asked) or unchecked."
        ),
    )
    message: str = SchemaField("", description=gettext_lazy("What the last verification found."))


class DomainDetailOut(DomainOut):
    records: list[DomainRecordOut]
    alignment: str = SchemaField("", description=gettext_lazy("DMARC alignment, as last verified."))


def utc(at: datetime.datetime) -> datetime.datetime:
    """A time as the API gives it: in UTC, as every time read from the database. (The plan's
    months are built in the account's time zone.)"""
    return at.astimezone(datetime.UTC)


def month_out(month: Month) -> dict[str, Any]:
    """A month of the plan as the API gives it (GET /consumption and GET /quota)."""
    return {
        "start": utc(month.start),
        "end": utc(month.end),
        "amount": month.plan,
        "credited": month.credited,
        "used": month.used,
        "granted": month.granted,
        "left": month.left,
        "is_current": month.is_current,
    }
