from django import forms
from django.utils.translation import gettext_lazy as _

# The reasons offered on the unsubscribe page; the key is stored, the words are shown.
REASONS = [
    ("not_interested", _("I am no longer interested")),
    ("too_many", _("I receive too many emails")),
    ("never_subscribed", _("I never signed up for this")),
    ("not_relevant", _("The content is not relevant to me")),
    ("other", _("Another reason")),
]


class UnsubscribeForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Would you tell us why? (optional)"),
        choices=REASONS,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything else you want to tell us (optional)"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def stated_reason(self) -> str:
        """What is stored: the reason's key and the person's words, if any."""
        parts = [self.cleaned_data["reason"], self.cleaned_data["comment"].strip()]
        return ": ".join(part for part in parts if part)


def reason_text(stored: str) -> str:
    """A reason as ``stated_reason`` stored it, in words: the reason's label (translated),
    then the person's comment. Anything else (a provider's words) comes back as it is."""
    key, _colon, comment = stored.partition(": ")
    label = dict(REASONS).get(key)
    if label is None:
        return stored
    return f"{label}: {comment}" if comment else str(label)
