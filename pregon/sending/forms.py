"""Forms of the sending screens: sender identities, delivery backends, quota credits."""

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from pregon.contacts.normalize import normalize_email
from pregon.lib import vault
from pregon.sending.models import Backend, BackendKind, SenderIdentity


class SenderIdentityForm(forms.ModelForm):
    # CharFields, so that the contacts' wording of a bad address (normalize_email) is the
    # one people see, not Django's generic "Enter a valid email address".
    from_email = forms.CharField(
        label=_("Sender address"),
        max_length=254,
        widget=forms.EmailInput,
        help_text=_(
            "An address on a domain of yours; its DNS must publish the DKIM keys "
            "Pregón creates for it."
        ),
    )
    reply_to = forms.CharField(
        label=_("Reply-to address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput,
        help_text=_("Where replies go, if not to the sender address."),
    )

    class Meta:
        model = SenderIdentity
        fields = ["from_name", "from_email", "reply_to"]
        help_texts = {
            "from_name": _("What inboxes show as the sender, such as “Escuela de Gobierno”."),
        }

    def clean_from_email(self) -> str:
        try:
            email = normalize_email(self.cleaned_data["from_email"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        others = SenderIdentity.objects.filter(from_email=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Another sender identity already uses this address."))
        return email

    def clean_reply_to(self) -> str:
        value = self.cleaned_data.get("reply_to", "")
        if not value:
            return ""
        try:
            return normalize_email(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class SmtpBackendForm(forms.ModelForm):
    """An SMTP relay. The password is write-only: left blank on edit, the stored one stays.

    It is stored encrypted (pregon.lib.vault) and never put back into a page.
    """

    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        max_length=1000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "name",
        "host",
        "port",
        "security",
        "username",
        "password",
        "max_connections",
        "is_active",
    ]

    class Meta:
        model = Backend
        fields = ["name", "host", "port", "security", "username", "max_connections", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].required = True
        self.fields["port"].validators += [MinValueValidator(1), MaxValueValidator(65535)]
        self.fields["max_connections"].validators += [
            MinValueValidator(1),
            MaxValueValidator(50),
        ]
        if self.instance.password:
            self.fields["password"].help_text = _(
                "A password is stored. Leave this blank to keep it."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("password") and not cleaned.get("username"):
            self.add_error("username", _("A password needs a user name."))
        return cleaned

    def save(self, commit: bool = True) -> Backend:
        backend = super().save(commit=False)
        backend.kind = BackendKind.SMTP
        password = self.cleaned_data.get("password")
        if not backend.username:
            backend.password = ""
        elif password:
            backend.password = vault.encrypt(password)
        if commit:
            backend.save()
        return backend


class FileBackendForm(forms.ModelForm):
    """The test mailbox: messages are kept on this server, so there is nothing to set."""

    class Meta:
        model = Backend
        fields = ["name", "is_active"]

    def save(self, commit: bool = True) -> Backend:
        backend = super().save(commit=False)
        backend.kind = BackendKind.FILE
        if commit:
            backend.save()
        return backend


class CreditForm(forms.Form):
    amount = forms.IntegerField(
        label=_("Messages to credit back"), min_value=1, max_value=10_000_000
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("Such as the incident that lost them; it goes to the audit log."),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the messages are credited back."))
        return reason


class LimitsForm(forms.Form):
    """The global rate, and one "domain messages-per-minute" line per limited domain."""

    per_second = forms.IntegerField(
        label=_("Messages per second, all senders together"),
        min_value=0,
        max_value=100_000,
        help_text=_("0: as fast as the relays take them."),
    )
    domains = forms.CharField(
        label=_("Limits per recipient domain"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "gmail.com 600\nhotmail.com 300"}),
        help_text=_("One per line: the domain, a space, and the messages per minute."),
    )

    def clean_domains(self) -> dict[str, int]:
        limits: dict[str, int] = {}
        for number, line in enumerate(self.cleaned_data["domains"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split()
            domain = parts[0].lower().removeprefix("@") if parts else ""
            if (
                len(parts) != 2
                or not parts[1].isdigit()
                or int(parts[1]) < 1
                or "." not in domain
                or "@" in domain
            ):
                raise forms.ValidationError(
                    _("Line %(line)s: write a domain and a number of messages, as gmail.com 600.")
                    % {"line": number}
                )
            limits[domain] = int(parts[1])
        return limits
