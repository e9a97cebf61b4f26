"""The bounce mailbox form (pregon.tracking.mailbox_views)."""

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from pregon.lib import vault
from pregon.sending.forms import LOOPBACK_HOSTS
from pregon.sending.models import Security
from pregon.tracking.models import BounceMailbox


class BounceMailboxForm(forms.ModelForm):
    """The password is write-only: left blank on edit, the stored one stays. It is stored
    encrypted (pregon.lib.vault) and never put back into a page."""

    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        max_length=1000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["port"].validators += [MinValueValidator(1), MaxValueValidator(65535)]
        if self.instance.password:
            self.fields["password"].help_text = _(
                "A password is stored. Leave this blank to keep it."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("password") and not self.instance.password:
            self.add_error("password", _("Enter the mailbox's password."))
        host = (cleaned.get("host") or "").strip().lower()
        if cleaned.get("security") == Security.NONE and host not in LOOPBACK_HOSTS:
            # Without encryption, the password and every message would cross the network
            # readable by anyone on the way.
            self.add_error(
                "security",
                _("Without encryption only a mail server on this same server may be used."),
            )
        return cleaned

    def save(self, commit: bool = True) -> BounceMailbox:
        mailbox = super().save(commit=False)
        if password := self.cleaned_data.get("password"):
            mailbox.password = vault.encrypt(password)
        if commit:
            mailbox.save()
        return mailbox
