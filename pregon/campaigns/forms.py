"""Forms of the campaign screens: the campaign itself, scheduling it, and a test send."""

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.campaigns.models import TRACKING_FIELDS, Campaign
from pregon.contacts.models import Field, MailingList, Segment
from pregon.contacts.normalize import normalize_email
from pregon.content import mergetags
from pregon.content.models import EmailTemplate
from pregon.sending.models import SenderIdentity

MAX_TEST_ADDRESSES = 5


def ready_templates() -> list[EmailTemplate]:
    """The templates whose pre-flight checks found no error, newest change first."""
    templates = EmailTemplate.objects.only("pk", "code", "name", "checks", "updated_at")
    return [template for template in templates if template.is_ready]


def unready_templates() -> list[EmailTemplate]:
    """The templates a campaign may not use yet, because a check found an error."""
    templates = EmailTemplate.objects.only("pk", "code", "name", "checks", "updated_at")
    return [template for template in templates if not template.is_ready]


class CampaignForm(forms.ModelForm):
    """A draft's content and audience. Sender and template may wait: scheduling asks."""

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
        ]
        widgets = {
            "include_lists": forms.CheckboxSelectMultiple,
            "include_segments": forms.CheckboxSelectMultiple,
            "exclude_lists": forms.CheckboxSelectMultiple,
            "exclude_segments": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "subject": _("You may use merge tags, such as {{ nombre }}."),
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
        for name in ("include_lists", "exclude_lists"):
            self.fields[name].queryset = MailingList.objects.all()
        for name in ("include_segments", "exclude_segments"):
            self.fields[name].queryset = Segment.objects.all()

    def clean_subject(self) -> str:
        return _checked_merge_tags(self.cleaned_data["subject"])

    def clean_preheader(self) -> str:
        return _checked_merge_tags(self.cleaned_data["preheader"])

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
        label=_("Send anyway: sending stops when no messages are left this month."),
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
        at = self.cleaned_data["at"]
        # The field made the time aware in the current time zone; read it again as the
        # account's wall-clock time, so that 18:00 in Lima is 23:00 UTC for everyone.
        local = timezone.make_naive(at) if timezone.is_aware(at) else at
        at = local.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
        if at <= timezone.now():
            raise forms.ValidationError(
                _("That time has already passed; choose a later one, or send now.")
            )
        return at

    def clean_confirm(self) -> bool:
        if self.short and not self.cleaned_data.get("confirm"):
            raise forms.ValidationError(
                _(
                    "There are fewer messages left this month than recipients. "
                    "Tick the box to send anyway: it will stop at zero."
                )
            )
        return True


class TestSendForm(forms.Form):
    """Up to five addresses, separated by commas, spaces or lines."""

    addresses = forms.CharField(
        label=_("Send a test to"),
        help_text=_("Up to 5 addresses, separated by commas or on separate lines."),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def clean_addresses(self) -> list[str]:
        found: list[str] = []
        for raw in re.split(r"[\s,;]+", self.cleaned_data["addresses"]):
            if not raw:
                continue
            try:
                address = normalize_email(raw)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
            if address not in found:
                found.append(address)
        if not found:
            raise forms.ValidationError(_("Write at least one address."))
        if len(found) > MAX_TEST_ADDRESSES:
            raise forms.ValidationError(
                _("Send a test to %(count)s addresses at most.") % {"count": MAX_TEST_ADDRESSES}
            )
        return found
