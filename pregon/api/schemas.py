"""What the API reads and writes, as pydantic schemas (they also make the OpenAPI document).

Input schemas forbid unknown keys, so that a misspelt field is an error rather than a value
silently ignored.
"""

import datetime
from typing import Any
from uuid import UUID

from ninja import Field as SchemaField
from ninja import Schema
from pydantic import ConfigDict, IPvAnyAddress

from pregon.contacts.models import (
    ConsentSource,
    Contact,
    FieldType,
    MailingList,
    Segment,
    Status,
)
from pregon.content.models import Format

BULK_LIMIT = 1000


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class ConsentIn(InputSchema):
    source: ConsentSource | None = SchemaField(
        None, description="Where the person agreed: form, import, api or manual."
    )
    text: str = SchemaField("", description="The exact wording the person agreed to.")
    at: datetime.datetime | None = SchemaField(
        None, description="When they agreed; defaults to now when a source is first given."
    )
    ip: IPvAnyAddress | None = SchemaField(None, description="The address they agreed from.")


class ConsentOut(Schema):
    source: str
    at: datetime.datetime | None
    ip: str | None
    text: str


class ContactIn(InputSchema):
    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str = SchemaField("", description="Any common format; stored in E.164 (Peru default).")
    status: Status = Status.SUBSCRIBED
    fields: dict[str, Any] = SchemaField(
        {}, description="Custom field values by key: text, number, date (YYYY-MM-DD), bool."
    )
    lists: list[str] = SchemaField([], description="Codes of the lists the contact is in.")
    tags: list[str] = SchemaField([], description="Tag names; new names create tags.")
    consent: ConsentIn | None = None


class ContactPatch(InputSchema):
    """Like ContactIn, but every key is optional and only the keys sent change."""

    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    status: Status | None = None
    fields: dict[str, Any] | None = SchemaField(
        None, description="Only the keys sent change; a null value clears one."
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
        description="Up to 1,000 contacts, matched to existing ones by email (required).",
    )
    add_to_lists: list[str] = SchemaField([], description="Codes of lists to add every contact to.")
    add_tags: list[str] = SchemaField([], description="Tag names to add to every contact.")


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
    label: str = SchemaField(..., description="The key is made from it, and fixed once created.")
    type: FieldType = SchemaField(..., description="Fixed once created: values depend on it.")


class FieldPatch(InputSchema):
    label: str


class FieldOut(Schema):
    key: str
    label: str
    type: str
    created_at: datetime.datetime


class SegmentIn(InputSchema):
    name: str
    rules: dict[str, Any] = SchemaField(..., description="A rule tree; see the segment builder.")


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
    status: str = SchemaField(..., description="uploaded, queued, running, done or failed.")
    file_name: str
    mapping: dict[str, str] = SchemaField(..., description="Column number -> where it went.")
    total_rows: int = SchemaField(..., description="An estimate until the import has run.")
    processed_rows: int
    percent: int
    created_count: int
    updated_count: int
    skipped_count: int
    rejected_count: int
    error: str
    report_url: str | None = SchemaField(
        ..., description="The CSV of rejected rows and why, once the import has run."
    )
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


def _checks(template: Any) -> list[dict[str, Any]]:
    """A template's stored checks, worded in the request's language."""
    return [check.as_dict() for check in template.check_results()]


class CheckOut(Schema):
    code: str = SchemaField(..., description="unsubscribe, alt, links, text or size.")
    level: str = SchemaField(..., description="error (the template cannot be sent) or warning.")
    message: str


class TemplateIn(InputSchema):
    name: str | None = SchemaField(
        None, description="Left out: the design's name, “Copy of …” or “Untitled message”."
    )
    format: Format | None = SchemaField(None, description="Required with source.")
    source: str | None = SchemaField(None, description="MJML or HTML, with merge tags.")
    gallery: str | None = SchemaField(
        None, description="Key of a gallery design, to start from it with the brand kit."
    )
    # "copy" would shadow pydantic's BaseModel.copy, so the attribute has another name.
    copy_of: str | None = SchemaField(None, alias="copy", description="Code of a template.")


class TemplatePatch(InputSchema):
    name: str | None = None
    source: str | None = None
    text: str | None = SchemaField(
        None, description='The plain-text version; "" goes back to the one made from the HTML.'
    )


class TemplateSummaryOut(Schema):
    code: UUID
    name: str
    format: str
    is_text_custom: bool = SchemaField(..., description="False while the text follows the HTML.")
    checks: list[CheckOut] = SchemaField(..., description="Pre-flight checks, errors first.")
    is_ready: bool = SchemaField(..., description="True if no check is an error.")
    gallery_key: str = SchemaField(..., description='The gallery design it started from, or "".')
    created_at: datetime.datetime
    updated_at: datetime.datetime

    resolve_checks = staticmethod(_checks)


class TemplateOut(TemplateSummaryOut):
    source: str
    html: str = SchemaField(..., description="Compiled, CSS inlined, merge tags left in.")
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
    preview_url: str | None = SchemaField(..., description="A PNG of the design, if there is one.")


class GalleryDetailOut(GalleryOut):
    source: str = SchemaField(..., description="The MJML, with the brand kit applied.")
