"""The unsubscribe page's forms, the preference centre's and the bounce mailbox form."""

from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from pregon.contacts import preferences
from pregon.contacts.models import Contact, MailingList
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
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
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


# The preference centre's choices about pausing: keep things as they are, end a pause, or
# pause for one of preferences.PAUSE_DAYS.
KEEP = "keep"
RESUME = "resume"


def _pause_choices(contact: Contact) -> list[tuple[str, str]]:
    days = [
        (str(n), _("Pause my emails for %(days)s days") % {"days": n})
        for n in preferences.PAUSE_DAYS
    ]
    if preferences.is_paused(contact):
        until = formats.date_format(contact.paused_until, "DATE_FORMAT")
        keep = _("Keep the pause until %(date)s") % {"date": until}
        return [(KEEP, keep), (RESUME, _("Receive emails again from today")), *days]
    return [(KEEP, _("Receive emails as usual")), *days]


class PauseForm(forms.Form):
    """The unsubscribe page's "pause instead": how many days."""

    days = forms.TypedChoiceField(
        label=_("For how long?"),
        choices=[(n, _("%(days)s days") % {"days": n}) for n in preferences.PAUSE_DAYS],
        coerce=int,
        initial=preferences.PAUSE_DAYS[0],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


class PreferencesForm(forms.Form):
    """The preference centre: the topics received, the names, a pause."""

    topics = forms.ModelMultipleChoiceField(
        label=_("Topics you receive"),
        queryset=MailingList.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    pause = forms.ChoiceField(
        label=_("Pause emails"), widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )

    def __init__(self, contact: Contact, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "topics": sorted(preferences.topic_ids_of(contact)),
                "first_name": contact.first_name,
                "last_name": contact.last_name,
                "pause": KEEP,
            },
        )
        super().__init__(*args, **kwargs)
        self.contact = contact
        self.fields["topics"].queryset = MailingList.objects.filter(is_topic=True)
        self.fields["pause"].choices = _pause_choices(contact)

    def topic_rows(self) -> list[tuple[MailingList, bool]]:
        """Each public topic with whether it is ticked, in the order people read them."""
        if self.is_bound:
            ticked = {str(pk) for pk in self.data.getlist(self.add_prefix("topics"))}
        else:
            ticked = {str(pk) for pk in self.initial["topics"]}
        return [(topic, str(topic.pk) in ticked) for topic in preferences.topics()]

    def save(self, origin: preferences.Origin) -> preferences.Outcome:
        """Apply the choices through pregon.contacts.preferences."""
        data = self.cleaned_data
        pause = data["pause"]
        return preferences.save(
            self.contact,
            topic_ids=[topic.pk for topic in data["topics"]],
            first_name=data["first_name"],
            last_name=data["last_name"],
            pause_days=int(pause) if pause.isdigit() else None,
            resume_emails=pause == RESUME,
            origin=origin,
        )


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
