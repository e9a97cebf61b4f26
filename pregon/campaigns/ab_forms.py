"""The form of a campaign's A/B test, which the campaign's screen and the API both fill:
what it tests, its 2 to 4 variants (only the field the kind tests), the test portion, the
hours to wait, the metric, and whether the winner goes out by itself."""

from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.campaigns.ab import (
    FIELD,
    LETTERS,
    letter,
    metric_problem,
    template_problem,
    test_of,
)
from pregon.campaigns.forms import _checked_merge_tags, account_time
from pregon.campaigns.models import AbKind, AbMetric, AbTest, AbVariant, Campaign
from pregon.content.models import EmailTemplate

MIN_PORTION, MAX_PORTION = 5, 50
MAX_WAIT_HOURS = 168
TIME_FORMAT = "%Y-%m-%dT%H:%M"
MISSING = {
    AbKind.SUBJECT: _("Write the subject of variant %(letter)s."),
    AbKind.SENDER_NAME: _("Write the sender name of variant %(letter)s."),
    AbKind.CONTENT: _("Choose the template of variant %(letter)s."),
    AbKind.SEND_TIME: _("Choose the send time of variant %(letter)s."),
}


class AbTestForm(forms.Form):
    """An A/B test of ``campaign``. Variants C and D are optional; A and B are not. Two
    variants may not be the same, a template must have passed its checks, a send time must
    be to come, and the metric must be one the campaign counts."""

    kind = forms.ChoiceField(
        label=_("What to test"), choices=AbKind.choices, widget=forms.RadioSelect
    )
    portion = forms.IntegerField(
        label=_("Test portion (%)"),
        min_value=MIN_PORTION,
        max_value=MAX_PORTION,
        help_text=_(
            "The share of the audience, chosen at random, that gets the variants in equal "
            "parts; the rest gets the winner."
        ),
    )
    wait_hours = forms.IntegerField(
        label=_("Choose the winner after (hours)"),
        min_value=1,
        max_value=MAX_WAIT_HOURS,
        help_text=_("Counted from the last variant's send time."),
    )
    metric = forms.ChoiceField(label=_("Winner by"), choices=AbMetric.choices)
    automatic = forms.BooleanField(
        label=_("Send the winner to the rest automatically"),
        required=False,
        help_text=_(
            "Otherwise the campaign waits until a person confirms the winner or chooses "
            "another variant on its page."
        ),
    )

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        templates = EmailTemplate.objects.order_by("name")
        for number in range(1, len(LETTERS) + 1):
            name = letter(number)
            self.fields[f"subject_{number}"] = forms.CharField(
                label=_("Subject of %(letter)s") % {"letter": name}, max_length=255, required=False
            )
            self.fields[f"from_name_{number}"] = forms.CharField(
                label=_("Sender name of %(letter)s") % {"letter": name},
                max_length=100,
                required=False,
            )
            self.fields[f"template_{number}"] = forms.ModelChoiceField(
                templates,
                label=_("Template of %(letter)s") % {"letter": name},
                required=False,
            )
            self.fields[f"send_at_{number}"] = forms.DateTimeField(
                label=_("Send time of %(letter)s") % {"letter": name},
                required=False,
                input_formats=[TIME_FORMAT, f"{TIME_FORMAT}:%S"],
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=TIME_FORMAT),
            )

    def variant_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(letter, its four fields) for each possible variant, for the screen's table."""
        return [
            (letter(number), [self[f"{field}_{number}"] for field in FIELD.values()])
            for number in range(1, len(LETTERS) + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, metric = data.get("kind"), data.get("metric")
        if metric and (problem := metric_problem(self.campaign, metric)):
            self.add_error("metric", problem)
        if kind in FIELD:
            data["variants"] = self._variants(AbKind(kind))
        return data

    def _variants(self, kind: AbKind) -> list[object]:
        """The values of the tested field, A first; errors by field for those missing
        (A and B), repeated or not valid."""
        field = FIELD[kind]
        values: list[object] = []
        for number in range(1, len(LETTERS) + 1):
            name = f"{field}_{number}"
            if name in self.errors:
                continue
            value = self._checked(kind, name, self.cleaned_data.get(name))
            if value in (None, ""):
                if number <= 2:
                    self.add_error(name, MISSING[kind] % {"letter": letter(number)})
                continue
            if value in values:
                self.add_error(
                    name,
                    _("Variant %(letter)s is the same as another: each variant must differ.")
                    % {"letter": letter(number)},
                )
                continue
            values.append(value)
        return values

    def _checked(self, kind: AbKind, name: str, value: Any) -> object:
        """``value`` of the field ``name`` as stored; an error on the field if not valid."""
        try:
            if kind == AbKind.SUBJECT and value:
                return _checked_merge_tags(value)
            if kind == AbKind.SENDER_NAME:
                return (value or "").strip()
            if kind == AbKind.CONTENT and value is not None and template_problem(value):
                raise forms.ValidationError(template_problem(value))
            if kind == AbKind.SEND_TIME and value is not None:
                return account_time(value, _("That time has already passed; choose a later one."))
        except forms.ValidationError as error:
            self.add_error(name, error)
            return None
        return value

    def save(self) -> AbTest:
        """Replace the campaign's A/B test by this one; the campaign counts as edited (a
        confirmation shown before must be given again)."""
        data = self.cleaned_data
        field = FIELD[AbKind(data["kind"])]
        settings_ = {name: data[name] for name in ("kind", "portion", "wait_hours", "metric")}
        with transaction.atomic():
            test, _created = AbTest.objects.update_or_create(
                campaign=self.campaign, defaults={**settings_, "automatic": data["automatic"]}
            )
            test.variants.all().delete()
            AbVariant.objects.bulk_create(
                AbVariant(test=test, number=number, **{field: value})
                for number, value in enumerate(data["variants"], start=1)
            )
            Campaign.objects.filter(pk=self.campaign.pk).update(updated_at=timezone.now())
        return test


def initial(campaign: Campaign) -> dict[str, object]:
    """The form's values: the campaign's test, or a new one whose variant A is the
    campaign as it is."""
    test = test_of(campaign)
    if test is None:
        return {
            "kind": AbKind.SUBJECT,
            "portion": 20,
            "wait_hours": 4,
            "metric": AbMetric.OPENS if campaign.track_opens else AbMetric.CLICKS,
            "automatic": True,
            "subject_1": campaign.subject,
            "from_name_1": campaign.sender.from_name if campaign.sender else "",
            "template_1": campaign.template_id,
        }
    values: dict[str, object] = {
        "kind": test.kind,
        "portion": test.portion,
        "wait_hours": test.wait_hours,
        "metric": test.metric,
        "automatic": test.automatic,
    }
    for variant in test.variants.all():
        for field in FIELD.values():
            value = getattr(variant, f"{field}_id" if field == "template" else field)
            if field == "send_at" and value is not None:
                value = timezone.localtime(value, ZoneInfo(settings.TIME_ZONE))
            values[f"{field}_{variant.number}"] = value
    return values
