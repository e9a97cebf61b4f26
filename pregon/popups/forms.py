"""A pop-up's form, which the screens and the API save through (``PopupForm``,
``save_popup``). The classroom sites' form is pregon.popups.site_form."""

import re
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pregon.accounts.models import User
from pregon.contacts.models import Segment
from pregon.forms.models import SignupForm
from pregon.moodle.courses import category_choices, course_choices, offer_courses
from pregon.popups import gallery, patterns, sanitise
from pregon.popups.models import AfterAction, Audience, Frequency, Popup, Trigger

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
# Moodle's page types, as the embed script reads them from the body's id (see the contract).
PAGE_TYPES = [
    ("course", _("Course page")),
    ("activity", _("Activity or resource")),
    ("dashboard", pgettext_lazy("Moodle", "Dashboard")),
    ("my_courses", _("My courses")),
    ("front_page", _("Site home")),
    ("login", _("Login page")),
    ("category", _("Course category")),
]
# What a trigger's number means, and its bounds.
TRIGGER_RANGES = {Trigger.DELAY: (1, 600), Trigger.SCROLL: (1, 100)}
MAX_IDS = 200
DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the account's time zone (settings.TIME_ZONE, America/Lima),
    whatever time zone is active; one with an offset (from the API) keeps it."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT)

    def to_python(self, value: Any) -> Any:
        with timezone.override(settings.TIME_ZONE):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        with timezone.override(settings.TIME_ZONE):
            return super().prepare_value(value)


class IdsWidget(forms.TextInput):
    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return super().format_value(value)


class IdListField(forms.Field):
    """Moodle ids: a list (the API) or numbers separated by commas or spaces (the screen)."""

    widget = IdsWidget

    def to_python(self, value: Any) -> list[int]:
        if value in (None, "", []):
            return []
        items = value if isinstance(value, list | tuple) else re.split(r"[\s,;]+", str(value))
        ids: list[int] = []
        for item in items:
            text = str(item).strip()
            if not text:
                continue
            if not text.isdecimal() or int(text) < 1:
                raise forms.ValidationError(
                    _("“%(item)s” is not a Moodle id: write whole numbers, such as 12, 15.")
                    % {"item": text[:20]}
                )
            if int(text) not in ids:
                ids.append(int(text))
        if len(ids) > MAX_IDS:
            raise forms.ValidationError(_("Write %(max)s ids at most.") % {"max": MAX_IDS})
        return ids


class PatternsField(forms.CharField):
    """Address patterns, one a line (or a list, from the API), checked by ``patterns``."""

    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false"})

    def to_python(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            value = "\n".join(str(item) for item in value)
        return super().to_python(value)

    def clean(self, value: Any) -> str:
        return "\n".join(patterns.parse_patterns(super().clean(value)))


class PopupForm(forms.ModelForm):
    """A pop-up's content and rules, as the screens and the API save them. Publishing is a
    separate step (``lifecycle.set_published``)."""

    starts_at = LocalDateTimeField(label=_("Starts"), required=False)
    ends_at = LocalDateTimeField(label=_("Ends"), required=False)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days of the week"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every day."),
    )
    include_urls = PatternsField(
        label=_("Show on these addresses"),
        required=False,
        help_text=_(
            "One a line; * stands for anything. Start with / for a page of the classroom "
            "(/course/view.php?id=*) or with https://. Empty: every page."
        ),
    )
    exclude_urls = PatternsField(
        label=_("Never on these addresses"),
        required=False,
        help_text=_("One a line, as above. /login/* keeps it off the login page."),
    )
    course_ids = IdListField(
        label=_("Only in these courses"),
        required=False,
        help_text=_(
            "Moodle course ids (the number after id= in the course's address). Empty: any."
        ),
    )
    category_ids = IdListField(
        label=_("Only in these course categories"),
        required=False,
        help_text=_("Moodle category ids. Empty: any."),
    )
    image_url = forms.URLField(
        label=_("Image address"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Optional. An https:// address of a picture."),
    )
    button_url = forms.URLField(
        label=_("Button link"),
        max_length=1000,
        required=False,
        assume_scheme="https",
        help_text=_("Where the button leads, such as the course's enrolment page."),
    )
    page_types = forms.TypedMultipleChoiceField(
        label=_("Only on these kinds of page"),
        choices=PAGE_TYPES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any page."),
    )

    class Meta:
        model = Popup
        fields = [
            "name",
            "priority",
            "design",
            "format",
            "title",
            "body",
            "image_url",
            "button_text",
            "button_url",
            "promoted_course",
            "background_color",
            "text_color",
            "button_color",
            "starts_at",
            "ends_at",
            "weekdays",
            "hour_from",
            "hour_to",
            "trigger",
            "trigger_value",
            "include_urls",
            "exclude_urls",
            "course_ids",
            "category_ids",
            "page_types",
            "login_state",
            "avoid_quiz",
            "audience",
            "segment",
            "device",
            "frequency",
            "frequency_value",
            "after_action",
            "after_action_days",
            "signup_form",
        ]
        widgets = {
            "design": forms.HiddenInput,
            "body": forms.Textarea(attrs={"rows": 4}),
            "background_color": forms.TextInput(attrs={"type": "color"}),
            "text_color": forms.TextInput(attrs={"type": "color"}),
            "button_color": forms.TextInput(attrs={"type": "color"}),
            "format": forms.RadioSelect,
            "trigger": forms.RadioSelect,
            "audience": forms.RadioSelect,
        }
        labels = {
            "body": _("Text"),
            "hour_from": _("From (hour)"),
            "hour_to": _("Until (hour)"),
            "trigger_value": _("Seconds, or percent of the page"),
            "frequency_value": _("N (days or times)"),
            "after_action_days": _("Days before showing it again"),
        }
        help_texts = {
            "name": _("For you and the reports; visitors don't see it."),
            "body": _(
                "Short. Bold, italics, lists and links are kept; other HTML is removed, and "
                "code is refused."
            ),
            "hour_from": _("0 to 23, in Lima time."),
            "hour_to": _("1 to 24; 24 means until midnight."),
            "trigger_value": _("1 to 600 seconds; 1 to 100 percent of the page scrolled."),
            "signup_form": _(
                "One of your signup forms: its fields, lists, consent text and double opt-in, "
                "as on its own page. Empty: the pop-up has no form."
            ),
            "promoted_course": _(
                "A course synced from Moodle. A new enrolment in it after a click on the "
                "pop-up counts as its conversion."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = Segment.objects.all()
        self.fields["segment"].empty_label = _("Any known contact")
        self.fields["signup_form"].queryset = SignupForm.objects.all()
        self.fields["signup_form"].empty_label = _("No form")
        self.fields["signup_form"].label_from_instance = _form_label
        self.fields["priority"].validators.append(MaxValueValidator(1000))
        self.has_courses = offer_courses(self, "promoted_course")
        not_synced = _("Course %(id)s (not synced)")
        _choose_from(self, "course_ids", course_choices(), not_synced)
        _choose_from(self, "category_ids", category_choices(), _("Category %(id)s (not synced)"))

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if problems := sanitise.active_content(body):
            raise forms.ValidationError(problems)
        return sanitise.clean_body(body)

    def clean_image_url(self) -> str:
        return _https_only(self.cleaned_data["image_url"], https=True)

    def clean_button_url(self) -> str:
        return _https_only(self.cleaned_data["button_url"], https=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._check_colors(cleaned)
        self._check_when(cleaned)
        self._check_who(cleaned)
        self._check_frequency(cleaned)
        if bool(cleaned.get("button_text")) != bool(cleaned.get("button_url")):
            field = "button_url" if cleaned.get("button_text") else "button_text"
            self.add_error(field, _("A button needs both its text and its link."))
        return cleaned

    def _check_colors(self, cleaned: dict[str, Any]) -> None:
        defaults = gallery.brand_colors()
        for name in ("background_color", "text_color", "button_color"):
            value = (cleaned.get(name) or "").strip()
            if not value:
                cleaned[name] = defaults[name]
            elif COLOR.match(value):
                cleaned[name] = value.lower()
            else:
                self.add_error(name, _("Write a colour as # and six digits, such as #1d4e89."))

    def _check_when(self, cleaned: dict[str, Any]) -> None:
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must come after the start."))
        hour_from, hour_to = cleaned.get("hour_from"), cleaned.get("hour_to")
        if hour_from is not None and hour_to is not None:
            if hour_from > 23:
                self.add_error("hour_from", _("The first hour is 0 to 23."))
            elif not 1 <= hour_to <= 24:
                self.add_error("hour_to", _("The last hour is 1 to 24."))
            elif hour_from >= hour_to:
                self.add_error(
                    "hour_to", _("The hours must end after they start, such as 8 to 18.")
                )
        trigger = cleaned.get("trigger")
        value = cleaned.get("trigger_value")
        if trigger in TRIGGER_RANGES and value is not None:
            low, high = TRIGGER_RANGES[trigger]
            if not low <= value <= high:
                message = (
                    _("Write 1 to 600 seconds.")
                    if trigger == Trigger.DELAY
                    else _("Write 1 to 100 percent.")
                )
                self.add_error("trigger_value", message)
        elif trigger:
            cleaned["trigger_value"] = 0

    def _check_who(self, cleaned: dict[str, Any]) -> None:
        if cleaned.get("segment") and cleaned.get("audience") != Audience.KNOWN:
            self.add_error(
                "segment",
                _("A segment holds known contacts: choose “Only visitors known as contacts”."),
            )

    def _check_frequency(self, cleaned: dict[str, Any]) -> None:
        if cleaned.get("frequency") in (Frequency.EVERY_DAYS, Frequency.TOTAL):
            if not cleaned.get("frequency_value"):
                self.add_error("frequency_value", _("Write a number from 1 up."))
        elif "frequency_value" in cleaned:
            cleaned["frequency_value"] = 1
        if cleaned.get("after_action") == AfterAction.AFTER_DAYS and not cleaned.get(
            "after_action_days"
        ):
            self.add_error("after_action_days", _("Write a number of days from 1 up."))


def _choose_from(form: PopupForm, name: str, offered: list[dict], unknown: str) -> None:
    """Once Moodle's courses (or categories) are synced, the Moodle ids field ``name`` is a
    list to pick them from, by name; ids saved before and not synced stay in it, named
    with ``unknown``. The API still gives the ids themselves."""
    if not offered:
        return
    field = form.fields[name]
    choices = [(choice["value"], choice["label"]) for choice in offered]
    known = {value for value, _label in choices}
    stored = form.initial.get(name) or []
    choices += [(item, unknown % {"id": item}) for item in stored if item not in known]
    field.widget = forms.SelectMultiple(choices=choices, attrs={"size": min(len(choices), 8)})
    field.help_text = _(
        "Hold Ctrl (⌘ on a Mac) to choose several, or to take one off. None chosen: any."
    )


def _form_label(form: SignupForm) -> str:
    if form.is_active:
        return form.name
    return _("%(name)s (not published: the pop-up shows no form until it is)") % {"name": form.name}


def _https_only(url: str, https: bool) -> str:
    if url and urlsplit(url).scheme.lower() not in (("https",) if https else ("http", "https")):
        raise forms.ValidationError(
            _("Use an https:// address.") if https else _("Use an http:// or https:// address.")
        )
    return url


def save_popup(form: PopupForm, by: User | None) -> Popup:
    """Save the valid ``form``'s pop-up (new ones as ``by``'s); return it."""
    popup = form.save(commit=False)
    if popup.pk is None:
        popup.created_by = by
    popup.updated_at = timezone.now()
    with transaction.atomic():
        popup.save()
        form.save_m2m()
    return popup
