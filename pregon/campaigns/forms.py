"""Forms of the campaign screens: the campaign itself (an email or an SMS), scheduling it,
and a test send."""

import datetime
import re
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.accounts.models import User
from pregon.campaigns.models import (
    COURSE_FIELDS,
    EDITABLE_FIELDS,
    SMS_EDITABLE_FIELDS,
    TRACKING_FIELDS,
    Campaign,
    CampaignStatus,
    Channel,
    IllegalTransition,
)
from pregon.contacts.models import Contact, Field, MailingList, Segment, Status
from pregon.contacts.normalize import normalize_phone
from pregon.contacts.search import search as contacts_search
from pregon.content import mergetags
from pregon.content.models import EmailTemplate
from pregon.moodle.courses import offer_courses
from pregon.sending import sms
from pregon.sending.models import SenderIdentity

MAX_TEST_ADDRESSES = 5
# How many contacts of the audience the test send's select offers at once.
MAX_SAMPLE_CHOICES = 50


def ready_templates() -> list[EmailTemplate]:
    """The templates whose pre-flight checks found no error, newest change first."""
    templates = EmailTemplate.objects.only("pk", "code", "name", "checks", "updated_at")
    return [template for template in templates if template.is_ready]


def unready_templates() -> list[EmailTemplate]:
    """The templates a campaign may not use yet, because a check found an error."""
    templates = EmailTemplate.objects.only("pk", "code", "name", "checks", "updated_at")
    return [template for template in templates if not template.is_ready]


AUDIENCE_WIDGETS = {
    "include_lists": forms.CheckboxSelectMultiple,
    "include_segments": forms.CheckboxSelectMultiple,
    "exclude_lists": forms.CheckboxSelectMultiple,
    "exclude_segments": forms.CheckboxSelectMultiple,
}


# The public version (pregon.campaigns.archive) and who gets the PDF report when it ends.
SHARING_FIELDS = ["public_archive", "report_to"]


class AudienceForm(forms.ModelForm):
    """What the email and the SMS campaign forms share: the audience, and saving a draft."""

    # The columns ``save_draft`` writes.
    editable_fields: ClassVar[list[str]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("include_lists", "exclude_lists"):
            self.fields[name].queryset = MailingList.objects.all()
        for name in ("include_segments", "exclude_segments"):
            self.fields[name].queryset = Segment.objects.all()
        if self.instance.resend_of_id is not None:
            # A resend goes to its parent's non-openers or unreached (Campaign.chosen): its
            # lists, copied for the List-Id, choose nobody, so they are shown, not changed.
            for name in AUDIENCE_WIDGETS:
                self.fields[name].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for kind in ("lists", "segments"):
            included = set(cleaned.get(f"include_{kind}") or [])
            excluded = set(cleaned.get(f"exclude_{kind}") or [])
            both = sorted(str(item) for item in included & excluded)
            if both:
                self.add_error(
                    f"exclude_{kind}",
                    _("“%(name)s” is both included and left out; choose one.") % {"name": both[0]},
                )
        return cleaned

    def save_new(self, by: User) -> Campaign:
        """Create the valid form's draft, with its lists and segments, as ``by``'s."""
        campaign = self.save(commit=False)
        campaign.created_by = by
        with transaction.atomic():
            campaign.save()
            self.save_m2m()
        return campaign

    def save_draft(self) -> Campaign:
        """Save the valid form's changes to its draft, with its lists and segments.

        Raises ``IllegalTransition`` if the campaign is no longer a draft (or no longer
        exists): it may have been scheduled while the form was open.
        """
        with transaction.atomic():
            # The status is read again under a lock and left out of the UPDATE: saving every
            # column would quietly turn a campaign scheduled meanwhile back into a draft.
            locked = Campaign.objects.select_for_update().filter(pk=self.instance.pk)
            status = locked.values_list("status", flat=True).first()
            if status != CampaignStatus.DRAFT:
                raise IllegalTransition(f"{status} -> edited")
            campaign = self.save(commit=False)
            campaign.updated_at = timezone.now()
            campaign.save(update_fields=self.editable_fields)
            self.save_m2m()
        return campaign


class CampaignForm(AudienceForm):
    """A draft's content and audience. Sender and template may wait: scheduling asks."""

    editable_fields = [*EDITABLE_FIELDS, "public_archive"]

    class Meta:
        model = Campaign
        fields = [
            "name",
            "subject",
            "preheader",
            "sender",
            "template",
            "include_lists",
            "include_segments",
            "exclude_lists",
            "exclude_segments",
            *TRACKING_FIELDS,
            *COURSE_FIELDS,
            *SHARING_FIELDS,
        ]
        widgets = {**AUDIENCE_WIDGETS, "report_to": forms.CheckboxSelectMultiple}
        # The model names the UTM columns by their parameters; a person reads what they do.
        labels = {
            "utm_source": _("Source"),
            "utm_medium": _("Medium"),
            "utm_campaign": _("Campaign name in web analytics"),
            "utm_content_per_link": _("Name each link (enlace-1, enlace-2…)"),
        }
        help_texts = {
            "utm_source": _("Where the visits came from (utm_source). Empty: “pregon”."),
            "utm_medium": _("The kind of channel (utm_medium). Empty: “email”."),
            "utm_campaign": _(
                "The campaign's name in the reports of web analytics (utm_campaign). Empty: the "
                "campaign's name, in lower case with dashes."
            ),
            "utm_content_per_link": _(
                "Web analytics then show which link of the email each visit came from "
                "(utm_content)."
            ),
            "subject": _("You may use merge tags, such as {{ nombre }}."),
            "course": _(
                "A course synced from Moodle. A new enrolment in it after a click on this "
                "campaign counts as its conversion."
            ),
            "exclude_enrolled": _(
                "Those enrolled in the course when it is sent (as the last sync saw them) do "
                "not receive it. The recipients counted before sending already leave them out."
            ),
            "preheader": _(
                "The line inbox lists show after the subject; you may use merge tags, "
                "such as {{ nombre }}."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sender"].required = False
        self.fields["sender"].queryset = SenderIdentity.objects.all()
        self.fields["sender"].empty_label = _("Choose later")
        # Only templates that passed their checks may be chosen; the one a draft already
        # has stays choosable, so that renaming the draft doesn't lose it.
        ready = [template.pk for template in ready_templates()]
        if self.instance.template_id:
            ready.append(self.instance.template_id)
        self.fields["template"].required = False
        self.fields["template"].queryset = EmailTemplate.objects.filter(pk__in=ready)
        self.fields["template"].empty_label = _("Choose later")
        self.fields["report_to"].queryset = User.objects.filter(is_active=True)
        self.has_courses = offer_courses(self, "course")
        if self.instance.pk is None:
            # A new campaign takes the only sender or template there is, as peers do.
            for name in ("sender", "template"):
                only = list(self.fields[name].queryset[:2])
                if len(only) == 1:
                    self.initial.setdefault(name, only[0].pk)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("exclude_enrolled") and not cleaned.get("course"):
            self.add_error(
                "exclude_enrolled",
                _("Choose the course it announces to leave out those already enrolled in it."),
            )
        return cleaned

    def clean_subject(self) -> str:
        return _checked_merge_tags(self.cleaned_data["subject"])

    def clean_preheader(self) -> str:
        return _checked_merge_tags(self.cleaned_data["preheader"])


class SmsCampaignForm(AudienceForm):
    """An SMS campaign's draft: its name, text and audience. The text may wait: scheduling
    asks for it."""

    editable_fields = SMS_EDITABLE_FIELDS

    class Meta:
        model = Campaign
        fields = [
            "name",
            "sms_text",
            "include_lists",
            "include_segments",
            "exclude_lists",
            "exclude_segments",
        ]
        widgets = {
            **AUDIENCE_WIDGETS,
            # The SMS counter (static/js/sms-counter.js) reads its labels from this element.
            "sms_text": forms.Textarea(attrs={"rows": 4, "data-sms-counter": "sms-counter-labels"}),
        }
        labels = {"sms_text": _("Text")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.channel = Channel.SMS

    def clean_sms_text(self) -> str:
        return _checked_merge_tags(self.cleaned_data["sms_text"])


def _checked_merge_tags(value: str) -> str:
    """``value`` stripped, if its merge tags pass ``mergetags.problems``; it is rendered for
    each recipient like a template."""
    value = value.strip()
    if problems := mergetags.problems(value, Field.objects.values_list("key", flat=True)):
        raise forms.ValidationError([problem.message for problem in problems])
    return value


class ScheduleForm(forms.Form):
    """When to send (absent for "send now"), and the confirmation a short quota needs.

    The time is typed in the account's time zone (``TIME_ZONE``), whatever the browser's.
    """

    at = forms.DateTimeField(
        label=_("Send at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    confirm = forms.BooleanField(
        label=_("Send anyway: sending stops when no messages are left."),
        required=False,
    )

    def __init__(self, *args: Any, now: bool = False, short: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.short = short
        if now:
            del self.fields["at"]
        if not short:
            del self.fields["confirm"]

    def clean_at(self) -> datetime.datetime:
        return account_time(
            self.cleaned_data["at"],
            _("That time has already passed; choose a later one, or send now."),
        )

    def clean_confirm(self) -> bool:
        if self.short and not self.cleaned_data.get("confirm"):
            raise forms.ValidationError(
                _(
                    "There are fewer messages left this month than recipients. "
                    "Tick the box to send anyway: it will stop at zero."
                )
            )
        return True

    def when(self) -> datetime.datetime:
        """The valid form's time: the one chosen, or now for "send now"."""
        return self.cleaned_data.get("at") or timezone.now()


def account_time(at: datetime.datetime, passed: str) -> datetime.datetime:
    """``at`` read as the account's wall-clock time, so that 18:00 in Lima is 23:00 UTC for
    everyone (a form field made it aware in the current time zone, an API client may have
    given any offset). It must be to come: ``passed`` says so otherwise; and within the
    dates a database holds (an offset can push 31 December 9999 past them)."""
    try:
        local = timezone.make_naive(at) if timezone.is_aware(at) else at
        at = local.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
        at.astimezone(datetime.UTC)
    except OverflowError:
        raise forms.ValidationError(
            _("That date is too far ahead; choose an earlier one.")
        ) from None
    if at <= timezone.now():
        raise forms.ValidationError(passed)
    return at


class TestSendForm(forms.Form):
    """Up to five addresses, separated by commas, spaces or lines, and the contact of the
    campaign's audience whose data every test message shows (the first one if none is
    chosen). An address that is not valid is not refused here: the test send reports it
    alone, and the others still go."""

    addresses = forms.CharField(
        label=_("Send a test to"),
        help_text=_("Up to 5 addresses, separated by commas or on separate lines."),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    contact = forms.ModelChoiceField(
        label=_("With the data of"),
        help_text=_("A contact of the campaign's audience: the merge tags show their data."),
        queryset=Contact.objects.none(),
        to_field_name="code",
        required=False,
        error_messages={"invalid_choice": _("That contact is not in the campaign's audience.")},
    )

    def __init__(self, campaign: Campaign, *args: Any, search: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.audience = sample_audience(campaign)
        field = self.fields["contact"]
        if not self.audience.exists():
            self.audience = any_subscribed()
            field.help_text = _(
                "The campaign has no recipients yet: the merge tags show the data of the "
                "contact chosen here."
            )
        field.queryset = self.audience
        # The whole audience is accepted, but only a page of it is offered: a select of
        # 100,000 contacts would not load. The search narrows the page down.
        offered = list(contacts_search(self.audience, search)[:MAX_SAMPLE_CHOICES])
        chosen = self._chosen()
        if chosen is not None and chosen not in offered:
            offered.insert(0, chosen)  # Found by a search; still the one shown after sending.
        field.choices = [(contact.code, sample_label(contact)) for contact in offered]
        if not offered:
            field.widget.attrs["disabled"] = True
            field.help_text = (
                _("No contact of the audience matches “%(search)s”; the first one will be used.")
                % {"search": search}
                if search
                else _("There are no contacts yet: the merge tags will show their fallbacks.")
            )

    def _chosen(self) -> Contact | None:
        code = self.data.get("contact") if self.is_bound else self.initial.get("contact")
        try:
            return self.audience.filter(code=code).first() if code else None
        except ValidationError:
            return None  # Not a code at all: clean_contact says so.

    def clean_addresses(self) -> list[str]:
        found: list[str] = []
        for raw in re.split(r"[\s,;]+", self.cleaned_data["addresses"]):
            address = raw.strip().lower()
            if address and address not in found:
                found.append(address)
        if not found:
            raise forms.ValidationError(_("Write at least one address."))
        if len(found) > MAX_TEST_ADDRESSES:
            raise forms.ValidationError(
                _("Send a test to %(count)s addresses at most.") % {"count": MAX_TEST_ADDRESSES}
            )
        return found

    def clean_contact(self) -> Contact | None:
        """The chosen contact, or the audience's first one; None if the audience is empty."""
        return self.cleaned_data.get("contact") or self.audience.first()


class SmsTestForm(TestSendForm):
    """A mobile number typed in, and the contact of the campaign's audience whose data the
    test SMS shows (the first one if none is chosen)."""

    addresses = None
    phone = forms.CharField(label=_("Send a test SMS to"), max_length=30)
    field_order = ["phone", "contact"]

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        try:
            phone = normalize_phone(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        if not sms.reachable(phone):
            raise forms.ValidationError(
                _("“%(value)s” does not take SMS: write a mobile number.") % {"value": value}
            )
        return phone


def sample_audience(campaign: Campaign) -> QuerySet[Contact]:
    """The contacts a test send may take its data from: the campaign's audience (none while
    a segment of it names something deleted since), first in the contacts screen's order."""
    try:
        return campaign.audience().order_by("-pk")
    except ValueError:
        return Contact.objects.none()


def any_subscribed() -> QuerySet[Contact]:
    """Every subscribed contact, in the contacts screen's order: the samples offered while a
    campaign has no audience yet, so that a test shows a real person's data."""
    return Contact.objects.filter(status=Status.SUBSCRIBED).order_by("-pk")


def sample_label(contact: Contact) -> str:
    return f"{contact.full_name} <{contact.email}>" if contact.full_name else contact.email
