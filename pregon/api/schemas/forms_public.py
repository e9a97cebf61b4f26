"""The schemas of routes_forms_public.py: a signup form as a browser shows it, and one
submission of it."""

from typing import Any, Literal

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.api.schemas.base import InputSchema


class QuestionOut(Schema):
    name: str = SchemaField(
        ..., description=gettext_lazy("first_name, last_name, phone or fields.<key>.")
    )
    label: str
    type: str = SchemaField(
        ..., description=gettext_lazy("The input's type: text, tel, number, date or checkbox.")
    )
    required: bool
    autocomplete: str


class ChoiceOut(Schema):
    code: str
    name: str
    description: str


class ColoursOut(Schema):
    button: str
    button_text: str


class SignupFormOut(Schema):
    slug: str
    title: str
    intro: str
    fields: list[QuestionOut]
    lists: list[ChoiceOut] = SchemaField(
        ...,
        description=gettext_lazy("The lists or topics the person ticks (empty: none to choose)."),
    )
    consent: str
    privacy_url: str
    colors: ColoursOut
    labels: dict[str, str]
    honeypot: str = SchemaField(
        ..., description=gettext_lazy("The name of the field a person leaves empty.")
    )
    stamp: str = SchemaField(
        ...,
        description=gettext_lazy(
            "Send it back with the submission: it says when the form was shown."
        ),
    )
    pow: int = SchemaField(
        ...,
        description=gettext_lazy(
            "0, or the leading zero bits of SHA-256(“<stamp>:<email>:<pow>”) the "
            "submission's pow must give (the email trimmed and in lower case)."
        ),
    )
    submit_url: str


class SignupIn(InputSchema):
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    fields: dict[str, Any] = SchemaField(
        {}, description=gettext_lazy("Custom fields' values by key.")
    )
    lists: list[str] = SchemaField(
        [], description=gettext_lazy("The codes of the lists ticked, if the form offers any.")
    )
    consent: bool = SchemaField(
        False, description=gettext_lazy("The person ticked the consent box: required.")
    )
    website: str = SchemaField("", description=gettext_lazy("Leave it empty."))
    stamp: str = ""
    pow: str = ""
    channel: Literal["api", "embed"] = "api"


class SignupOut(Schema):
    ok: bool
    message: str = SchemaField(..., description=gettext_lazy("What to tell the person."))
    redirect: str = SchemaField(
        ..., description=gettext_lazy("Where to send the person instead, if not empty.")
    )
