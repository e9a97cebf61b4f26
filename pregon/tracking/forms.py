"""The unsubscribe page's form and the bounce mailbox form."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pregon.sending.forms import ServerLoginForm
from pregon.tracking.models import BounceMailbox

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


class BounceMailboxForm(ServerLoginForm):
    """A bounce mailbox, read over IMAP or POP3."""

    unencrypted_error = _("Without encryption only a mail server on this same server may be used.")
    mail_ports = (110, 143, 993, 995)

    field_order = [
        "protocol",
        "host",
        "port",
        "security",
        "username",
        "password",
        "folder",
        "is_active",
    ]

    class Meta:
        model = BounceMailbox
        fields = ["protocol", "host", "port", "security", "username", "folder", "is_active"]
        help_texts = {
            "host": _("The mail server that holds the mailbox, such as imap.example.gob.pe."),
            "port": _("Usually 993 for IMAP and 995 for POP3 with TLS; 143 and 110 otherwise."),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("password") and not self.instance.password:
            self.add_error("password", _("Enter the mailbox's password."))
        return cleaned

    def save(self, commit: bool = True) -> BounceMailbox:
        mailbox = super().save(commit=False)
        if password := self.encrypted_password():
            mailbox.password = password
        if commit:
            mailbox.save()
        return mailbox
