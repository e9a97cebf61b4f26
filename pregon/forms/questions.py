"""What a public form asks, in order: the email address, the fields staff chose, the lists or
topics to choose and the consent. The hosted page, the embed script and a pop-up show these;
pregon.forms.submit reads the answers by the same names."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from pregon.contacts.models import Field, FieldType, MailingList
from pregon.forms.models import SignupForm

CUSTOM = "field:"
# Input type and browser autocomplete of each built-in field.
BUILT_IN = {
    "first_name": ("text", "given-name"),
    "last_name": ("text", "family-name"),
    "phone": ("tel", "tel"),
}
CUSTOM_TYPES = {
    FieldType.TEXT: "text",
    FieldType.NUMBER: "number",
    FieldType.DATE: "date",
    FieldType.BOOLEAN: "checkbox",
}


@dataclass(frozen=True)
class Question:
    # The answer's name: "first_name", "last_name", "phone" or "fields.<custom field key>".
    name: str
    label: str
    type: str
    required: bool
    autocomplete: str = "off"

    @property
    def html_id(self) -> str:
        return "f-" + self.name.replace(".", "-")

    @property
    def field_key(self) -> str:
        """The custom field's key ("" for a built-in field)."""
        return self.name.removeprefix("fields.") if self.name.startswith("fields.") else ""

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "required": self.required,
            "autocomplete": self.autocomplete,
        }


def _built_in_labels() -> dict[str, str]:
    return {"first_name": _("First name"), "last_name": _("Last name"), "phone": _("Phone")}


def questions(form: SignupForm) -> list[Question]:
    """The fields ``form`` asks besides the email address, in order; a custom field deleted
    since the form was built is left out."""
    labels = _built_in_labels()
    custom = {field.key: field for field in Field.objects.all()}
    found = []
    for entry in form.fields or []:
        key, required = str(entry.get("key", "")), bool(entry.get("required"))
        if key in BUILT_IN:
            kind, autocomplete = BUILT_IN[key]
            found.append(Question(key, labels[key], kind, required, autocomplete))
        elif key.startswith(CUSTOM) and key.removeprefix(CUSTOM) in custom:
            field = custom[key.removeprefix(CUSTOM)]
            name = "fields." + field.key
            found.append(Question(name, field.label, CUSTOM_TYPES[field.type], required))
    return found


@dataclass(frozen=True)
class Choice:
    code: str
    name: str
    description: str

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "description": self.description}


def public_name(mailing_list: MailingList) -> tuple[str, str]:
    """A list's name and description as people see them: a topic's public ones."""
    if mailing_list.is_topic:
        return (
            mailing_list.public_name or mailing_list.name,
            mailing_list.public_description,
        )
    return mailing_list.name, ""


def choices(form: SignupForm) -> list[Choice]:
    """The lists the person ticks (empty unless the form lets them choose)."""
    if not form.choose_lists:
        return []
    return [
        Choice(str(mailing_list.code), *public_name(mailing_list))
        for mailing_list in form.lists.order_by("name")
    ]
