"""Forms shared by the contact screens and the REST API, so both validate alike."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.contacts.models import Contact, Field, FieldType, MailingList, Tag
from pregon.contacts.normalize import normalize_email, normalize_phone

CUSTOM_PREFIX = "field_"


def custom_form_field(field: Field) -> forms.Field:
    """The Django form field that edits the custom field ``field``."""
    common: dict[str, Any] = {"label": field.label, "required": False}
    if field.type == FieldType.NUMBER:
        return forms.DecimalField(**common)
    if field.type == FieldType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if field.type == FieldType.BOOLEAN:
        return forms.NullBooleanField(**common)
    return forms.CharField(max_length=1000, **common)


def to_json_value(field: Field, value: object) -> object:
    """Turn a cleaned form value into what ``Contact.attributes`` stores (see ``Field``)."""
    if value is None or value == "":
        return None
    if field.type == FieldType.NUMBER:
        number = float(value)
        return int(number) if number.is_integer() else number
    if field.type == FieldType.DATE and isinstance(value, datetime.date):
        return value.isoformat()
    return value


class ContactForm(forms.ModelForm):
    """Create or edit one contact, with its lists, tags and custom fields.

    Tags are given by name and created if new. Custom fields appear as ``field_<key>``.
    """

    tag_names = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas."),
    )
    lists = forms.ModelMultipleChoiceField(
        label=_("Lists"),
        queryset=MailingList.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Contact
        fields = [
            "email",
            "first_name",
            "last_name",
            "phone",
            "status",
            "consent_source",
            "consent_text",
        ]
        widgets = {"consent_text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.custom_fields = list(Field.objects.all())
        attributes = self.instance.attributes or {}
        for field in self.custom_fields:
            name = CUSTOM_PREFIX + field.key
            self.fields[name] = custom_form_field(field)
            if field.key in attributes:
                self.initial.setdefault(name, attributes[field.key])
        if self.instance.pk:
            self.initial.setdefault("lists", list(self.instance.lists.all()))
            self.initial.setdefault(
                "tag_names", ", ".join(t.name for t in self.instance.tags.all())
            )

    def clean_email(self) -> str:
        try:
            email = normalize_email(self.cleaned_data["email"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        others = Contact.objects.filter(email=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another contact already has this email address."))
        return email

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data.get("phone", ""))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_tag_names(self) -> list[str]:
        raw = self.cleaned_data.get("tag_names", "")
        names = {name.strip()[:100] for name in raw.split(",") if name.strip()}
        return sorted(names)

    def custom_values(self) -> dict[str, object]:
        """The custom field values from this form, as stored in ``Contact.attributes``."""
        values = {}
        for field in self.custom_fields:
            values[field.key] = to_json_value(
                field, self.cleaned_data.get(CUSTOM_PREFIX + field.key)
            )
        return values

    def save(self, commit: bool = True) -> Contact:
        contact = super().save(commit=False)
        attributes = dict(contact.attributes or {})
        for key, value in self.custom_values().items():
            if value is None:
                attributes.pop(key, None)
            else:
                attributes[key] = value
        contact.attributes = attributes
        contact.updated_at = timezone.now()
        if contact.consent_source and not contact.consent_at:
            contact.consent_at = contact.updated_at
        if commit:
            contact.save()
            contact.lists.set(self.cleaned_data.get("lists") or [])
            tags = [
                Tag.objects.get_or_create(name=name)[0] for name in self.cleaned_data["tag_names"]
            ]
            contact.tags.set(tags)
        return contact
