"""The schemas of routes_forms.py: signup forms, their report and their signups."""

import datetime
from uuid import UUID

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema
from pydantic import ConfigDict

from pregon.api.schemas.base import InputSchema
from pregon.forms import links
from pregon.forms.models import Signup, SignupForm


class AskedFieldIn(InputSchema):
    key: str = SchemaField(
        ...,
        description=gettext_lazy(
            "first_name, last_name, phone, or field:<key> for a custom field."
        ),
    )
    required: bool = False


class AskedFieldOut(Schema):
    key: str
    required: bool


class SignupFormIn(InputSchema):
    name: str = SchemaField(
        ..., description=gettext_lazy("For staff and the reports; visitors don't see it.")
    )
    slug: str = SchemaField(
        "", description=gettext_lazy("The page's address, /f/<slug>; empty: made from the name.")
    )
    title: str
    intro: str = ""
    fields: list[AskedFieldIn] = SchemaField(
        [], description=gettext_lazy("What is asked besides the email address, in order.")
    )
    lists: list[str] = SchemaField(
        [], description=gettext_lazy("Codes of the lists people join (or choose from).")
    )
    choose_lists: bool = SchemaField(
        False, description=gettext_lazy("True: the person ticks which of the lists to join.")
    )
    tags: list[str] = SchemaField([], description=gettext_lazy("Names of the tags people get."))
    consent_text: str = SchemaField(
        ..., description=gettext_lazy("Recorded word for word with each contact (Ley 29733).")
    )
    privacy_url: str
    thank_you: str = ""
    redirect_url: str = ""
    colour: str = SchemaField("", description=gettext_lazy("#rrggbb; empty: the brand's colour."))
    double_opt_in: bool = True
    sender: str | None = SchemaField(
        None,
        description=gettext_lazy(
            "Code of the sender identity of its emails; needed with double opt-in or a welcome."
        ),
    )
    confirmation_subject: str = ""
    confirmation_template: str | None = SchemaField(
        None,
        description=gettext_lazy(
            "Code of a template with {{ enlace_confirmar }}; null with double opt-in: the "
            "default confirmation template."
        ),
    )
    welcome_subject: str = ""
    welcome_template: str | None = SchemaField(
        None, description=gettext_lazy("Code of the welcome email's template, or null for none.")
    )
    reminder_days: int = 2
    expire_days: int = 7
    min_fill_seconds: int = 3
    proof_of_work: bool = False
    is_published: bool = SchemaField(
        False, description=gettext_lazy("True publishes it at once; false leaves it unpublished.")
    )


class SignupFormPatch(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "description": gettext_lazy("Like SignupFormIn, but only the keys sent change.")
        }
    )

    name: str | None = None
    slug: str | None = None
    title: str | None = None
    intro: str | None = None
    fields: list[AskedFieldIn] | None = None
    lists: list[str] | None = None
    choose_lists: bool | None = None
    tags: list[str] | None = None
    consent_text: str | None = None
    privacy_url: str | None = None
    thank_you: str | None = None
    redirect_url: str | None = None
    colour: str | None = None
    double_opt_in: bool | None = None
    sender: str | None = None
    confirmation_subject: str | None = None
    confirmation_template: str | None = None
    welcome_subject: str | None = None
    welcome_template: str | None = None
    reminder_days: int | None = None
    expire_days: int | None = None
    min_fill_seconds: int | None = None
    proof_of_work: bool | None = None
    is_published: bool | None = None


class SignupFormOut(Schema):
    code: UUID
    name: str
    slug: str
    is_published: bool
    page_url: str = SchemaField(description=gettext_lazy("The hosted page's address."))
    embed_code: str = SchemaField(
        description=gettext_lazy("The lines a web site pastes to show the form.")
    )
    title: str
    intro: str
    fields: list[AskedFieldOut]
    lists: list[UUID]
    choose_lists: bool
    tags: list[str]
    consent_text: str
    privacy_url: str
    thank_you: str
    redirect_url: str
    colour: str
    double_opt_in: bool
    sender: UUID | None
    confirmation_subject: str
    confirmation_template: UUID | None
    welcome_subject: str
    welcome_template: UUID | None
    reminder_days: int
    expire_days: int
    min_fill_seconds: int
    proof_of_work: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_is_published(form: SignupForm) -> bool:
        return form.is_active

    @staticmethod
    def resolve_page_url(form: SignupForm) -> str:
        return links.page_url(form)

    @staticmethod
    def resolve_embed_code(form: SignupForm) -> str:
        return links.embed_snippet(form)

    @staticmethod
    def resolve_lists(form: SignupForm) -> list[UUID]:
        return [mailing_list.code for mailing_list in form.lists.all()]

    @staticmethod
    def resolve_tags(form: SignupForm) -> list[str]:
        return [tag.name for tag in form.tags.all()]

    @staticmethod
    def resolve_sender(form: SignupForm) -> UUID | None:
        return form.sender.code if form.sender else None

    @staticmethod
    def resolve_confirmation_template(form: SignupForm) -> UUID | None:
        return form.confirmation_template.code if form.confirmation_template else None

    @staticmethod
    def resolve_welcome_template(form: SignupForm) -> UUID | None:
        return form.welcome_template.code if form.welcome_template else None


class FormFiguresOut(Schema):
    views: int
    submissions: int = SchemaField(
        description=gettext_lazy("Submissions that got past the defences against robots.")
    )
    confirmations: int
    confirmation_rate: float | None = SchemaField(
        description=gettext_lazy("Confirmations per hundred submissions; null without any.")
    )


class FormSeriesOut(Schema):
    labels: list[str]
    views: list[int]
    submissions: list[int]
    confirmations: list[int]


class SignupFormReportOut(Schema):
    form: UUID
    name: str
    is_published: bool
    time_zone: str = SchemaField(description=gettext_lazy("The zone of the days below."))
    figures: FormFiguresOut
    by_day: FormSeriesOut = SchemaField(
        description=gettext_lazy("The figures per day, from the first day with any to the last.")
    )


class SignupOut(Schema):
    code: UUID
    contact: UUID
    email: str
    status: str = SchemaField(description=gettext_lazy("pending, confirmed or expired."))
    channel: str = SchemaField(description=gettext_lazy("page, embed or popup."))
    created_at: datetime.datetime
    confirmed_at: datetime.datetime | None

    @staticmethod
    def resolve_contact(signup: Signup) -> UUID:
        return signup.contact.code
