"""The forms of the workflow screens: a new workflow (name and template), and its settings
(entry rule, quiet hours, frequency cap)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pregon.automation import library
from pregon.automation.models import EntryRule, Workflow

DAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
    (5, gettext_lazy("Saturday")),
    (6, gettext_lazy("Sunday")),
]


class NewWorkflowForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    template = forms.ChoiceField(
        label=gettext_lazy("Start from"), widget=forms.RadioSelect, initial=""
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", _("A blank workflow"))]
        self.fields["template"].choices = blank + [(t.slug, t.name) for t in library.TEMPLATES]
        self.fields["template"].required = False

    def graph(self) -> dict:
        """The chosen template's graph, or an empty one."""
        slug = self.cleaned_data["template"]
        return library.BY_SLUG[slug].graph() if slug else {"nodes": [], "edges": []}


class SettingsForm(forms.ModelForm):
    quiet_days = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Quiet days"),
        choices=DAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("No email or SMS goes out on these days; it waits for the next."),
    )

    class Meta:
        model = Workflow
        fields = [
            "name",
            "entry_rule",
            "again_after_days",
            "quiet_from",
            "quiet_to",
            "quiet_days",
            "cap_messages",
            "cap_days",
        ]
        widgets = {
            "entry_rule": forms.RadioSelect,
            "quiet_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_to": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "again_after_days": gettext_lazy(
                "Only with “again after some days”: counted from when the contact left."
            ),
            "quiet_from": gettext_lazy(
                "Lima time. From 21:00 to 08:00 spans the night; empty: no quiet hours."
            ),
            "cap_messages": gettext_lazy(
                "Emails and SMS from campaigns and workflows together; empty: no cap."
            ),
        }

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("quiet_from")) != bool(data.get("quiet_to")):
            raise forms.ValidationError(
                _("Give both ends of the quiet hours, or neither."), code="quiet"
            )
        if data.get("entry_rule") == EntryRule.AGAIN and not data.get("again_after_days"):
            self.add_error(
                "again_after_days", _("Say after how many days a contact may enter again.")
            )
        if data.get("cap_messages") is not None and not data.get("cap_days"):
            self.add_error("cap_days", _("Say in how many days the messages are counted."))
        return data
