"""The schemas of routes_contacts.py: contacts and their consent, bulk upserts, lists, tags
and custom fields."""

import datetime
from typing import Any
from uuid import UUID

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema
from pydantic import ConfigDict, IPvAnyAddress

from pregon.api.schemas.base import InputSchema
from pregon.contacts.models import ConsentSource, Contact, FieldType, MailingList, Status

BULK_LIMIT = 1000
SMS_OPT_OUT = gettext_lazy(
    "true: send the contact no SMS. false: send SMS again to a contact who opted out, only "
    "if the person asked for it (Ley 29733); it is recorded in the contact's history. "
    "Left out or null: unchanged."
)


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
    sms_opt_out: bool | None = SchemaField(None, description=SMS_OPT_OUT)


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
    sms_opt_out: bool | None = SchemaField(None, description=SMS_OPT_OUT)


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
    sms_opted_out_at: datetime.datetime | None = SchemaField(
        ...,
        description=gettext_lazy(
            "Since when the contact gets no SMS (a BAJA or STOP reply, staff or the API); "
            "null if SMS may be sent. Read only: send sms_opt_out to change it."
        ),
    )
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
    is_topic: bool = SchemaField(
        False,
        description=gettext_lazy(
            "A public topic: people choose it on signup forms and in the preference centre."
        ),
    )
    public_name: str = SchemaField(
        "", description=gettext_lazy("The name people see; required for a public topic.")
    )
    public_description: str = ""


class ListPatch(InputSchema):
    name: str | None = None
    description: str | None = None
    is_topic: bool | None = None
    public_name: str | None = None
    public_description: str | None = None


class ListOut(Schema):
    code: UUID
    name: str
    description: str
    is_topic: bool
    public_name: str
    public_description: str
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
