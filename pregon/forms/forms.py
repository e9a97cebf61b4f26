"""A signup form's settings, as the screens and the API save them (``SignupFormForm``,
``save_form``): its fields, lists, consent, thanks, colour, double opt-in and emails, and
its defences against bots. Publishing is a separate step (``lifecycle.set_published``)."""

import json
import re
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from pregon.accounts.models import User
from pregon.contacts.models import Field, MailingList, Tag
from pregon.content.models import EmailTemplate
from pregon.forms import emails
from pregon.forms.models import SignupForm
from pregon.sending.models import SenderIdentity

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# The contact's own fields a form may ask besides the email address; custom fields are
# "field:<key>".
BUILT_IN_FIELDS = [
    ("first_name", _("First name")),
    ("last_name", _("Last name")),
    ("phone", _("Phone")),
]
MAX_REMIND_DAYS = 30
MAX_EXPIRE_DAYS = 60
MAX_FILL_SECONDS = 60


def askable_fields() -> list[tuple[str, str]]:
    """What a form may ask besides the email address, in the builder's order: (key, label)."""
    custom = [(f"field:{field.key}", field.label) for field in Field.objects.order_by("label")]
    return [(key, str(label)) for key, label in BUILT_IN_FIELDS] + custom


class FieldListField(forms.Field):
    """The fields asked, in order: [{"key", "required"}], as a list (the API) or its JSON
    (the screen builds it from its rows)."""

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        if value in (None, "", []):
            return []
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise forms.ValidationError(_("The list of fields could not be read.")) from None
        if not isinstance(value, list):
            raise forms.ValidationError(_("The list of fields could not be read."))
        known = dict(askable_fields())
        asked: list[dict[str, Any]] = []
        for item in value:
            key = item.get("key") if isinstance(item, dict) else None
            if key not in known:
                raise forms.ValidationError(
                    _("“%(key)s” is not a field a form can ask.") % {"key": str(key)[:40]}
                )
            if any(other["key"] == key for other in asked):
                raise forms.ValidationError(
                    _("“%(label)s” is asked twice.") % {"label": known[key]}
                )
            asked.append({"key": key, "required": item.get("required") is True})
        return asked


class ListChoiceField(forms.ModelMultipleChoiceField):
    """Lists as people will see them: a topic by its public name."""

    def label_from_instance(self, obj: MailingList) -> str:
        if obj.is_topic and obj.public_name:
            return _("%(public)s (topic; list “%(name)s”)") % {
                "public": obj.public_name,
                "name": obj.name,
            }
        return obj.name


class SignupFormForm(forms.ModelForm):
    fields = FieldListField(label=_("Fields"), required=False)
    lists = ListChoiceField(
        label=_("Lists"),
        queryset=MailingList.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The lists people join. Topics show their public name and description."),
    )
    privacy_url = forms.URLField(
        label=_("Privacy notice address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The page of your privacy notice; the consent text links to it."),
    )
    redirect_url = forms.URLField(
        label=_("Or take the person to this address"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Optional: instead of the thank-you message, open this page of your site."),
    )

    class Meta:
        model = SignupForm
        fields = [
            "name",
            "slug",
            "title",
            "intro",
            "fields",
            "lists",
            "choose_lists",
            "tags",
            "consent_text",
            "privacy_url",
            "thank_you",
            "redirect_url",
            "colour",
            "double_opt_in",
            "sender",
            "confirmation_subject",
            "confirmation_template",
            "welcome_subject",
            "welcome_template",
            "reminder_days",
            "expire_days",
            "min_fill_seconds",
            "proof_of_work",
        ]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 3}),
            "tags": forms.CheckboxSelectMultiple,
            "consent_text": forms.Textarea(attrs={"rows": 3}),
            "thank_you": forms.Textarea(attrs={"rows": 2}),
            "colour": forms.TextInput(attrs={"type": "color"}),
        }
        labels = {
            "slug": _("Page address"),
            "choose_lists": _("The person chooses which of these lists to join"),
            "tags": _("Tags"),
            "double_opt_in": _("Ask for confirmation by email (double opt-in)"),
            "colour": _("Colour"),
        }
        help_texts = {
            "name": _("For you and the reports; visitors don't see it."),
            "slug": _(
                "Letters, numbers and hyphens: the page is /f/<address>. Empty: made from the name."
            ),
            "title": _("The heading people see above the form."),
            "consent_text": _(
                "What the box says, word for word; it is kept with each contact as proof of "
                "consent (Ley 29733)."
            ),
            "thank_you": _("Shown after the form is sent. Empty: a short thank-you."),
            "colour": _("The button and the links. It starts as your brand kit's colour."),
            "double_opt_in": _(
                "Recommended: people become subscribers only after clicking the link in the "
                "confirmation email, so nobody can sign up an address that is not theirs."
            ),
            "confirmation_template": _(
                "It must contain the link {{ enlace_confirmar }}. Empty: Pregón creates a "
                "confirmation template in your brand's colours."
            ),
            "welcome_template": _("Optional: sent once the person confirms (or at once)."),
            "reminder_days": _("One reminder if the person has not confirmed after these days."),
            "expire_days": _(
                "Then the signup expires; a new contact who never confirmed is deleted."
            ),
            "min_fill_seconds": _(
                "A form sent faster than this is refused: people need a few seconds, robots don't."
            ),
            "proof_of_work": _(
                "The visitor's browser solves a small puzzle before sending (about a second), "
                "which makes sending forms in bulk costly. No third-party captcha."
            ),
        }
        error_messages = {
            "consent_text": {
                "required": _(
                    "Write what people consent to, such as “I agree to receive news of courses”."
                )
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lists"].queryset = MailingList.objects.order_by("-is_topic", "name")
        self.fields["tags"].queryset = Tag.objects.all()
        self.fields["slug"].required = False
        self.fields["sender"].queryset = SenderIdentity.objects.all()
        self.fields["sender"].required = False
        templates = EmailTemplate.objects.order_by("name")
        self.fields["confirmation_template"].queryset = templates
        self.fields["confirmation_template"].required = False
        self.fields["confirmation_template"].empty_label = _(
            "Create the default confirmation template"
        )
        self.fields["welcome_template"].queryset = templates
        self.fields["welcome_template"].empty_label = _("No welcome email")
        self.fields["confirmation_subject"].required = False

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("name") or "")[:70]
        slug = slug or "formulario"
        taken = SignupForm.objects.exclude(pk=self.instance.pk)
        if self.cleaned_data.get("slug"):
            if taken.filter(slug=slug).exists():
                raise forms.ValidationError(
                    _("Another form already uses this address: choose another.")
                )
            return slug
        # Made from the name: add a number until it is free.
        base, number = slug, 2
        while taken.filter(slug=slug).exists():
            slug = f"{base}-{number}"
            number += 1
        return slug

    def clean_redirect_url(self) -> str:
        url = self.cleaned_data["redirect_url"]
        if url and urlsplit(url).scheme.lower() not in ("http", "https"):
            raise forms.ValidationError(_("Use an http:// or https:// address."))
        return url

    def clean_colour(self) -> str:
        colour = (self.cleaned_data.get("colour") or "").strip()
        if colour and not COLOUR.match(colour):
            raise forms.ValidationError(_("Write a colour as # and six digits, such as #1d4e89."))
        return colour.lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._check_emails(cleaned)
        self._check_days(cleaned)
        seconds = cleaned.get("min_fill_seconds")
        if seconds is not None and seconds > MAX_FILL_SECONDS:
            self.add_error(
                "min_fill_seconds", _("Write %(max)s seconds at most.") % {"max": MAX_FILL_SECONDS}
            )
        if cleaned.get("choose_lists") and not cleaned.get("lists"):
            self.add_error("lists", _("Tick the lists people may choose from."))
        return cleaned

    def _check_emails(self, cleaned: dict[str, Any]) -> None:
        welcome = bool(cleaned.get("welcome_template"))
        if cleaned.get("double_opt_in") or welcome:
            if not cleaned.get("sender"):
                self.add_error("sender", _("Choose who the emails of this form come from."))
        if cleaned.get("double_opt_in"):
            if not (cleaned.get("confirmation_subject") or "").strip():
                self.add_error(
                    "confirmation_subject", _("Write the subject of the confirmation email.")
                )
            template = cleaned.get("confirmation_template")
            if template is not None and not emails.has_confirm_link(template):
                self.add_error(
                    "confirmation_template",
                    _(
                        "This template has no confirmation link: add {{ enlace_confirmar }} "
                        "to it, or choose another."
                    ),
                )
        if welcome and not (cleaned.get("welcome_subject") or "").strip():
            self.add_error("welcome_subject", _("Write the subject of the welcome email."))
        if cleaned.get("welcome_subject") and not welcome:
            self.add_error("welcome_template", _("Choose the welcome email's template."))

    def _check_days(self, cleaned: dict[str, Any]) -> None:
        remind, expire = cleaned.get("reminder_days"), cleaned.get("expire_days")
        if remind is not None and not 1 <= remind <= MAX_REMIND_DAYS:
            self.add_error(
                "reminder_days",
                _("Write 1 to %(max)s days.") % {"max": MAX_REMIND_DAYS},
            )
        elif expire is not None and not remind < expire <= MAX_EXPIRE_DAYS:
            self.add_error(
                "expire_days",
                _("Write more days than the reminder's, and %(max)s at most.")
                % {"max": MAX_EXPIRE_DAYS},
            )


def save_form(form: SignupFormForm, by: User | None) -> SignupForm:
    """Save the valid ``form``'s signup form (new ones as ``by``'s, as drafts), with its
    lists and tags; a double opt-in form without a confirmation template gets the default
    one (``emails.default_confirmation_template``). Returns it."""
    signup_form = form.save(commit=False)
    with transaction.atomic():
        if signup_form.pk is None:
            signup_form.created_by = by
            signup_form.is_active = False
        if signup_form.double_opt_in and signup_form.confirmation_template is None:
            signup_form.confirmation_template = emails.default_confirmation_template(by)
        signup_form.updated_at = timezone.now()
        signup_form.save()
        form.save_m2m()
    return signup_form
