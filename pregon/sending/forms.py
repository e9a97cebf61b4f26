"""Forms of the sending screens: sender identities, delivery backends, quota credits and
settings."""

import datetime
from typing import Any, ClassVar

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.contacts.normalize import normalize_email
from pregon.lib import vault
from pregon.sending.models import Backend, BackendKind, QuotaExpiry, Security, SenderIdentity

# Where a relay may be reached without encryption: only on this same server.
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


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


class ServerLoginForm(forms.ModelForm):
    """A server Pregón logs in to (an SMTP relay, a bounce mailbox), with ``host``, ``port``,
    ``security`` and an encrypted ``password``. The password is write-only: left blank on
    edit, the stored one stays; it is stored encrypted (pregon.lib.vault) and never put back
    into a page. Without encryption, only a server on this same machine is accepted.
    """

    # Said when a server off this machine is asked for without encryption.
    unencrypted_error: ClassVar[str]
    # The ports this kind of mail server listens on. Any other is refused before Pregón
    # connects anywhere, so that "Test connection" cannot be used to find which services
    # the machines of the internal network run.
    mail_ports: ClassVar[tuple[int, ...]]

    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        max_length=1000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["port"].validators += [MinValueValidator(1), MaxValueValidator(65535)]
        if self.instance.password:
            self.fields["password"].help_text = _(
                "A password is stored. Leave this blank to keep it."
            )

    def clean_port(self) -> int | None:
        port = self.cleaned_data.get("port")
        if port is not None and port not in self.mail_ports:
            raise forms.ValidationError(
                _("Use one of the ports mail servers use: %(ports)s."),
                params={"ports": ", ".join(str(p) for p in self.mail_ports)},
            )
        return port

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        host = (cleaned.get("host") or "").strip().lower()
        if cleaned.get("security") == Security.NONE and host not in LOOPBACK_HOSTS:
            # Without encryption, the password and every message would cross the network
            # readable by anyone on the way.
            self.add_error("security", self.unencrypted_error)
        return cleaned

    def encrypted_password(self) -> str | None:
        """The password typed, encrypted; None when left blank (the stored one stays)."""
        password = self.cleaned_data.get("password")
        return vault.encrypt(password) if password else None


class SmtpBackendForm(ServerLoginForm):
    """An SMTP relay."""

    unencrypted_error = _("Without encryption only a relay on this same server may be used.")
    mail_ports = (25, 465, 587, 2525)

    field_order = [
        "name",
        "host",
        "port",
        "security",
        "username",
        "password",
        "weight",
        "max_connections",
        "is_active",
    ]

    class Meta:
        model = Backend
        fields = [
            "name",
            "host",
            "port",
            "security",
            "username",
            "weight",
            "max_connections",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].required = True
        _limit_shares(self)
        # Optional here: the REST API saves relays through this form and may leave it out.
        self.fields["weight"].required = False

    def clean_weight(self) -> int:
        weight = self.cleaned_data.get("weight")
        return self.instance.weight if weight is None else weight

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("password") and not cleaned.get("username"):
            self.add_error("username", _("A password needs a user name."))
        return cleaned

    def save(self, commit: bool = True) -> Backend:
        backend = super().save(commit=False)
        backend.kind = BackendKind.SMTP
        if not backend.username:
            backend.password = ""
        elif password := self.encrypted_password():
            backend.password = password
        if commit:
            backend.save()
        return backend


def _limit_shares(form: forms.ModelForm) -> None:
    """Weight 1 to 1000 and 1 to 50 connections at once, on every backend form."""
    form.fields["weight"].validators += [MinValueValidator(1), MaxValueValidator(1000)]
    form.fields["max_connections"].validators += [MinValueValidator(1), MaxValueValidator(50)]


# An AWS region name, such as us-east-1 or ap-southeast-2.
_AWS_REGION = RegexValidator(
    r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$", _("Write an AWS region, such as us-east-1.")
)
# A domain name: dot-separated labels of letters, digits and hyphens.
_DOMAIN = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Write a domain name, such as mg.example.gob.pe."),
)


class ProviderBackendForm(forms.ModelForm):
    """A provider reached through its API (pregon.sending.transports.providers), one subclass each.

    The API key is write-only, like an SMTP password: required when the backend is new, left
    blank on edit to keep the stored one, stored encrypted and never put back into a page.
    The fields in ``option_fields`` are kept in ``Backend.options``; other options there (such
    as ``api_url``) are left as they are.
    """

    kind: ClassVar[str]
    option_fields: ClassVar[tuple[str, ...]] = ()

    api_key = forms.CharField(
        label=_("API key"),
        required=False,
        strip=True,
        max_length=1000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = Backend
        fields = ["name", "weight", "max_connections", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_shares(self)
        options = self.instance.options or {}
        for name in self.option_fields:
            if name in options:
                self.fields[name].initial = options[name]
        if self.instance.password:
            self.fields["api_key"].help_text = _(
                "An API key is stored. Leave this blank to keep it."
            )
        self.order_fields(
            ["name", "username", "api_key", *self.option_fields, "weight", "max_connections"]
        )

    def clean_api_key(self) -> str:
        key = self.cleaned_data.get("api_key", "")
        if not key and not self.instance.password:
            raise forms.ValidationError(_("This field is required."))
        return key

    def save(self, commit: bool = True) -> Backend:
        backend = super().save(commit=False)
        backend.kind = self.kind
        backend.options = {
            **(backend.options or {}),
            **{name: self.cleaned_data[name] for name in self.option_fields},
        }
        if self.cleaned_data.get("api_key"):
            backend.password = vault.encrypt(self.cleaned_data["api_key"])
        if commit:
            backend.save()
        return backend


class AmazonSesBackendForm(ProviderBackendForm):
    kind = BackendKind.AMAZON_SES
    option_fields = ("region",)

    region = forms.CharField(
        label=_("Region"),
        max_length=30,
        initial="us-east-1",
        help_text=_("Where your SES identities are verified, such as us-east-1 or sa-east-1."),
    )

    class Meta(ProviderBackendForm.Meta):
        fields = ["name", "username", "weight", "max_connections", "is_active"]
        labels = {"username": _("Access key ID")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].required = True
        self.fields["username"].help_text = _("Such as AKIAIOSFODNN7EXAMPLE.")
        self.fields["api_key"].label = _("Secret access key")
        self.fields["api_key"].help_text = self.fields["api_key"].help_text or _(
            "Of an IAM user that may only send email (ses:SendEmail, ses:SendRawEmail)."
        )

    def clean_region(self) -> str:
        region = self.cleaned_data["region"].strip().lower()
        _AWS_REGION(region)
        return region

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip()


class BrevoBackendForm(ProviderBackendForm):
    kind = BackendKind.BREVO

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["api_key"].help_text = self.fields["api_key"].help_text or _(
            "A v3 API key (xkeysib-…), under SMTP & API in Brevo."
        )


class MailgunBackendForm(ProviderBackendForm):
    kind = BackendKind.MAILGUN
    option_fields = ("sender_domain", "region")

    sender_domain = forms.CharField(
        label=_("Sending domain"),
        max_length=253,
        help_text=_("The domain as verified in Mailgun, such as mg.example.gob.pe."),
    )
    region = forms.ChoiceField(
        label=_("Region"),
        choices=[
            ("us", _("United States (api.mailgun.net)")),
            ("eu", _("EU (api.eu.mailgun.net)")),
        ],
        initial="us",
        help_text=_("Where the domain was created in Mailgun."),
    )

    def clean_sender_domain(self) -> str:
        domain = self.cleaned_data["sender_domain"].strip().lower().rstrip(".")
        _DOMAIN(domain)
        return domain


class PostmarkBackendForm(ProviderBackendForm):
    kind = BackendKind.POSTMARK
    option_fields = ("message_stream",)

    message_stream = forms.SlugField(
        label=_("Message stream"),
        max_length=100,
        initial="broadcast",
        help_text=_("A Broadcasts stream of the server: Postmark keeps campaigns apart."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["api_key"].label = _("Server API token")


class SendGridBackendForm(ProviderBackendForm):
    kind = BackendKind.SENDGRID
    option_fields = ("region",)

    region = forms.ChoiceField(
        label=_("Region"),
        choices=[("global", _("Global (api.sendgrid.com)")), ("eu", _("EU (api.eu.sendgrid.com)"))],
        initial="global",
        help_text=_("EU only for an EU regional subuser."),
    )


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


# The form of each kind of backend: the UI's screens and the REST API both save through it,
# so that a backend is checked alike whichever way it comes.
BACKEND_FORMS: dict[str, type[forms.ModelForm]] = {
    BackendKind.SMTP: SmtpBackendForm,
    BackendKind.FILE: FileBackendForm,
    BackendKind.AMAZON_SES: AmazonSesBackendForm,
    BackendKind.BREVO: BrevoBackendForm,
    BackendKind.MAILGUN: MailgunBackendForm,
    BackendKind.POSTMARK: PostmarkBackendForm,
    BackendKind.SENDGRID: SendGridBackendForm,
}


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


class QuotaSettingsForm(forms.Form):
    """The quota's expiry rule and the credentials' delivery date (the term starts the day
    after); pregon.sending.quota_settings.change saves them."""

    expiry = forms.ChoiceField(
        label=_("Unused messages"), choices=QuotaExpiry.choices, widget=forms.RadioSelect
    )
    credentials_delivered_on = forms.DateField(
        label=_("Credentials delivered on"),
        required=False,
        # A date input takes and gives ISO dates, whatever the language of the page.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "The 365-day term starts the day after. Empty: it starts on the day set when "
            "Pregón was installed."
        ),
    )

    def clean_credentials_delivered_on(self) -> datetime.date | None:
        day = self.cleaned_data["credentials_delivered_on"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(
                _("The credentials cannot have been delivered in the future.")
            )
        return day


class LimitsForm(forms.Form):
    """The global rate, the frequency cap, and one "domain messages-per-minute" line per
    limited domain."""

    per_second = forms.IntegerField(
        label=_("Messages per second, all senders together"),
        min_value=0,
        max_value=100_000,
        help_text=_("0: as fast as the relays take them."),
    )
    frequency_cap = forms.IntegerField(
        label=_("Marketing emails per contact in any 7 days"),
        required=False,
        min_value=0,
        max_value=1000,
        help_text=_(
            "Campaigns and workflows together. A message over the limit is not sent nor "
            "billed, and the campaign's report counts it. Confirmations and other "
            "transactional emails do not count. Empty or 0: no limit."
        ),
    )
    domains = forms.CharField(
        label=_("Limits per recipient domain"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "gmail.com 600\nhotmail.com 300"}),
        help_text=_("One per line: the domain, a space, and the messages per minute."),
    )

    def clean_frequency_cap(self) -> int:
        return self.cleaned_data["frequency_cap"] or 0

    def clean_domains(self) -> dict[str, int]:
        limits: dict[str, int] = {}
        for number, line in enumerate(self.cleaned_data["domains"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split()
            domain = parts[0].lower().removeprefix("@") if parts else ""
            if (
                len(parts) != 2
                or not parts[1].isdecimal()
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


class HeaderTestForm(forms.Form):
    """ "Send me a test" (R19): a sender identity and one address to send it to."""

    sender = forms.ModelChoiceField(
        label=_("Sender identity"),
        queryset=SenderIdentity.objects.select_related("domain"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the sender identities.")},
    )
    # A CharField, so that the contacts' wording of a bad address (normalize_email) is shown.
    address = forms.CharField(
        label=_("Send it to"),
        max_length=254,
        widget=forms.EmailInput,
        help_text=_("Your own address, or one at Gmail, Outlook or Yahoo to see what they see."),
    )

    def clean_address(self) -> str:
        try:
            return normalize_email(self.cleaned_data["address"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
