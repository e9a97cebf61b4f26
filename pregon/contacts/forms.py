"""Forms shared by the contact screens and the REST API, so both validate alike."""

import datetime
import re
import uuid
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from pregon.contacts import changes, segments
from pregon.contacts.models import (
    Contact,
    Field,
    FieldType,
    MailingList,
    Segment,
    Status,
    Tag,
)
from pregon.contacts.normalize import normalize_email, normalize_phone

CUSTOM_PREFIX = "field_"


def split_tag_names(raw: str) -> list[str]:
    """Tag names typed as "a, b, c": stripped, cut to 100 characters, sorted, no repeats."""
    return sorted({name.strip()[:100] for name in raw.split(",") if name.strip()})


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

    # A CharField, so that clean_email's message (shared with imports and the API) is the
    # one people see, not Django's generic "Enter a valid email address".
    email = forms.CharField(label=_("Email address"), max_length=254, widget=forms.EmailInput)
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
        return split_tag_names(self.cleaned_data.get("tag_names", ""))

    def custom_values(self) -> dict[str, object]:
        """The custom field values from this form, as stored in ``Contact.attributes``."""
        values = {}
        for field in self.custom_fields:
            values[field.key] = to_json_value(
                field, self.cleaned_data.get(CUSTOM_PREFIX + field.key)
            )
        return values

    def unsubscribes(self) -> bool:
        """Whether saving this (valid) form moves an existing contact to unsubscribed: the
        change that ``contact.unsubscribed`` announces. A contact created unsubscribed
        (a suppressed address) is announced as created only."""
        return (
            self.instance.pk is not None
            and self.cleaned_data.get("status") == Status.UNSUBSCRIBED
            and self.initial.get("status") != Status.UNSUBSCRIBED
        )

    def save(self, commit: bool = True) -> Contact:
        unsubscribes = self.unsubscribes()
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
            # The contact, its lists and its tags are saved together or not at all.
            with transaction.atomic():
                created = contact.pk is None
                had_lists = set() if created else set(contact.lists.values_list("id", flat=True))
                had_tags = set() if created else set(contact.tags.values_list("id", flat=True))
                contact.save()
                lists = self.cleaned_data.get("lists") or []
                contact.lists.set(lists)
                tags = [
                    Tag.objects.get_or_create(name=name)[0]
                    for name in self.cleaned_data["tag_names"]
                ]
                contact.tags.set(tags)
                # A signup's pending contact is new to everyone else once it is confirmed.
                confirmed = (
                    self.initial.get("status") == Status.PENDING
                    and contact.status != Status.PENDING
                )
                changes.announce_saved(
                    contact.pk,
                    created=created or confirmed,
                    unsubscribed=unsubscribes,
                    joined={ml.pk for ml in lists} - had_lists,
                    tagged={tag.pk for tag in tags} - had_tags,
                )
        return contact


class SmsChoiceForm(forms.Form):
    """Stop SMS to a contact, or send them again: only if the person asked (Ley 29733),
    which staff confirm with a tick."""

    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=255,
        required=False,
        help_text=_("How the person asked, for the record: “Called on 5 December”."),
    )
    confirmed = forms.BooleanField(
        label=_("The person asked to receive SMS again."), required=False
    )

    def __init__(self, *args: Any, opting_in: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not opting_in:
            del self.fields["confirmed"]

    def clean_confirmed(self) -> bool:
        if not self.cleaned_data.get("confirmed"):
            raise forms.ValidationError(
                _(
                    "Tick the box only if the person asked for SMS again: without their "
                    "consent they must not get any."
                )
            )
        return True


def bootstrap(form: forms.BaseForm) -> forms.BaseForm:
    """Give every widget of ``form`` its Bootstrap 5 class; return the form."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(
            widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
        ):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


class MailingListForm(forms.ModelForm):
    class Meta:
        model = MailingList
        fields = ["name", "description", "is_topic", "public_name", "public_description"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "public_description": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "is_topic": _(
                "People choose public topics on signup forms and in the preference centre, "
                "and may leave one without unsubscribing from everything."
            ),
            "public_name": _("What people read, such as “Cursos virtuales”."),
            "public_description": _("One sentence on what they will receive."),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in ("public_name", "public_description"):
            cleaned[name] = (cleaned.get(name) or "").strip()
        if cleaned.get("is_topic") and not cleaned["public_name"]:
            self.add_error("public_name", _("Write the name people will see for this topic."))
        return cleaned

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        # The database only refuses exact duplicates; "Cursos" and "cursos" would confuse too.
        others = MailingList.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("A list named “%(name)s” already exists. Choose another name."),
                params={"name": others[0].name},
            )
        return name


class TagForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Write a name for the tag."))
        if "," in name:
            raise forms.ValidationError(_("A tag name cannot contain commas."))
        return name


class SegmentForm(forms.ModelForm):
    """A segment's name and rules; the rules arrive as JSON from the builder's hidden input."""

    rules = forms.JSONField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Segment
        fields = ["name", "rules"]
        labels = {"name": _("Name")}
        widgets = {"name": forms.TextInput(attrs={"class": "form-control"})}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Write a name for the segment."))
        # The database refuses exact duplicates only; "Alumnos" and "alumnos" would confuse too.
        others = Segment.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("A segment named “%(name)s” already exists. Choose another name.")
                % {"name": others[0].name}
            )
        return name

    def clean_rules(self) -> dict:
        try:
            return segments.validate_rules(self.cleaned_data.get("rules"))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


# Names the export, the import and segments use for a contact's own columns; a custom
# field with one of these keys would be ambiguous.
RESERVED_KEYS = frozenset(
    {
        "id",
        "code",
        "email",
        "first_name",
        "last_name",
        "phone",
        "status",
        "lists",
        "tags",
        "attributes",
        "consent_source",
        "consent_at",
        "consent_ip",
        "consent_text",
        "created_at",
        "updated_at",
    }
)


def field_key(label: str) -> str:
    """The key for a custom field labelled ``label``.

    "Fecha de nacimiento" gives "fecha_de_nacimiento": ASCII, with underscores, so that it
    reads as a column name and as a merge tag.
    """
    return slugify(label).replace("-", "_")[:50].strip("_")


class FieldForm(forms.ModelForm):
    """Create a custom field (label and type; the key comes from the label) or rename one.

    The key and type are fixed once created: stored values depend on them.
    """

    class Meta:
        model = Field
        fields = ["label", "type"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["type"].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        label = cleaned.get("label", "").strip()
        cleaned["label"] = label
        if self.instance.pk or not label:
            return cleaned
        key = field_key(label)
        if not key:
            self.add_error("label", _("Use at least one letter or digit in the label."))
        elif key in RESERVED_KEYS:
            self.add_error(
                "label",
                _("“%(key)s” is a built-in contact column; choose another label.") % {"key": key},
            )
        elif Field.objects.filter(key=key).exists():
            self.add_error(
                "label",
                _("A custom field with the key “%(key)s” already exists; choose another label.")
                % {"key": key},
            )
        else:
            self.instance.key = key
        return cleaned


def split_addresses(text: str) -> tuple[list[str], list[tuple[int, str, str]]]:
    """Read addresses typed one per line or separated by commas or semicolons.

    Returns the valid addresses, normalised and without repeats, and the invalid ones as
    (line number, value, message).
    """
    valid: dict[str, None] = {}
    invalid = []
    for number, line in enumerate(text.splitlines(), start=1):
        for value in re.split(r"[,;]", line):
            if not value.strip():
                continue
            try:
                valid[normalize_email(value)] = None
            except ValueError as error:
                invalid.append((number, value.strip(), str(error)))
    return list(valid), invalid


class SuppressionForm(forms.Form):
    addresses = forms.CharField(
        label=_("Addresses"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, or separated by commas."),
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class BulkAction(TextChoices):
    ADD_TO_LIST = "add_to_list", _("Add to list")
    REMOVE_FROM_LIST = "remove_from_list", _("Remove from list")
    ADD_TAG = "add_tag", _("Add tag")
    UNSUBSCRIBE = "unsubscribe", _("Unsubscribe")
    DELETE = "delete", _("Delete")


class MultipleUUIDField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[uuid.UUID]:
        try:
            return [uuid.UUID(str(item)) for item in value or []]
        except ValueError:
            raise forms.ValidationError(_("The selection is not valid; reload the page.")) from None


class BulkActionForm(forms.Form):
    """One action on the contacts ticked on the page, or on all that match the filter."""

    SELECTED = "selected"
    ALL = "all"

    action = forms.ChoiceField(label=_("Action"), choices=BulkAction.choices)
    scope = forms.ChoiceField(
        label=_("Apply to"),
        choices=[(SELECTED, _("Selected contacts")), (ALL, _("All matching contacts"))],
    )
    contacts = MultipleUUIDField(required=False)
    mailing_list = forms.ModelChoiceField(
        label=_("List"), queryset=MailingList.objects.all(), to_field_name="code", required=False
    )
    tag_name = forms.CharField(label=_("Tag"), max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        action = cleaned.get("action")
        selection_failed = "contacts" in self.errors
        if (
            cleaned.get("scope") == self.SELECTED
            and not selection_failed
            and not cleaned.get("contacts")
        ):
            raise forms.ValidationError(_("Select at least one contact first."))
        needs_list = action in {BulkAction.ADD_TO_LIST, BulkAction.REMOVE_FROM_LIST}
        if needs_list and not cleaned.get("mailing_list"):
            raise forms.ValidationError(_("Choose a list for this action."))
        if action == BulkAction.ADD_TAG:
            cleaned["tag_name"] = cleaned.get("tag_name", "").strip()
            if not cleaned["tag_name"] or "," in cleaned["tag_name"]:
                raise forms.ValidationError(_("Write the name of the tag to add (no commas)."))
        return cleaned
