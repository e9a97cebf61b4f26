"""The SMS gateway forms, one per kind, and the test SMS form.

The secret (password, auth token, API secret) is write-only, as a relay's password is:
required when the gateway is new, left blank on edit to keep the stored one, stored
encrypted and never put back into a page. A kind's other settings are kept in
``SmsGateway.options``; options the form does not show (``api_url`` in tests) stay.
"""

import urllib.parse
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from pregon.contacts.normalize import normalize_phone
from pregon.lib import vault
from pregon.sending.models import GatewayKind, SmsGateway


class GatewayForm(forms.ModelForm):
    kind: ClassVar[str]
    option_fields: ClassVar[tuple[str, ...]] = ()
    secret_label: ClassVar[str] = _("Password")
    secret_required: ClassVar[bool] = True

    secret = forms.CharField(
        required=False,
        strip=True,
        max_length=1000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = SmsGateway
        fields = ["name", "sender", "username", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secret"].label = self.secret_label
        options = self.instance.options or {}
        for name in self.option_fields:
            if name in options:
                self.fields[name].initial = options[name]
        if self.instance.secret:
            self.fields["secret"].help_text = _("A secret is stored. Leave this blank to keep it.")
        self.order_fields(["name", *self.option_fields, "username", "secret", "sender"])

    def clean_secret(self) -> str:
        secret = self.cleaned_data.get("secret", "")
        if self.secret_required and not secret and not self.instance.secret:
            raise forms.ValidationError(_("This field is required."))
        return secret

    def save(self, commit: bool = True) -> SmsGateway:
        gateway = super().save(commit=False)
        gateway.kind = self.kind
        gateway.options = {
            **(gateway.options or {}),
            **{name: self.cleaned_data[name] for name in self.option_fields},
        }
        if self.cleaned_data.get("secret"):
            gateway.secret = vault.encrypt(self.cleaned_data["secret"])
        if commit:
            gateway.save()
        return gateway


class HttpGatewayForm(GatewayForm):
    kind = GatewayKind.HTTP
    option_fields = ("url", "method", "body", "auth", "auth_header")
    secret_label = _("Password or header value")
    secret_required = False

    url = forms.URLField(label=_("Address of the provider's API"), assume_scheme="https")
    method = forms.ChoiceField(label=_("Method"), choices=[("POST", "POST"), ("GET", "GET")])
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "{{to}}, {{text}} and {{id}} stand for the number, the text and the message's "
            "id. A body that starts with “{” is sent as JSON; any other, as form fields "
            "(with GET, in the address)."
        ),
    )
    auth = forms.ChoiceField(
        label=_("Authentication"),
        choices=[
            ("none", _("None")),
            ("basic", _("User and password (HTTP basic)")),
            ("header", _("A header carries the secret")),
        ],
    )
    auth_header = forms.CharField(
        label=_("Header name"), required=False, max_length=100, initial="Authorization"
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        body = cleaned.get("body", "")
        if body and not ("{{to}}" in body and "{{text}}" in body):
            self.add_error("body", _("The body must hold {{to}} and {{text}}."))
        url = cleaned.get("url", "")
        if url and urllib.parse.urlsplit(url).scheme != "https" and not _is_loopback(url):
            self.add_error(
                "url", _("Use an https:// address: the text and the secret cross the network.")
            )
        if cleaned.get("auth") == "basic" and not cleaned.get("username"):
            self.add_error("username", _("HTTP basic authentication needs a user name."))
        if cleaned.get("auth") in {"basic", "header"}:
            if not cleaned.get("secret") and not self.instance.secret:
                self.add_error("secret", _("This authentication needs a secret."))
        if cleaned.get("auth") == "header" and not cleaned.get("auth_header"):
            self.add_error("auth_header", _("Name the header that carries the secret."))
        return cleaned


def _is_loopback(url: str) -> bool:
    return urllib.parse.urlsplit(url).hostname in {"127.0.0.1", "localhost", "::1"}


class TwilioGatewayForm(GatewayForm):
    kind = GatewayKind.TWILIO
    secret_label = _("Auth token")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Account SID")
        self.fields["username"].required = True
        self.fields["sender"].required = True
        self.fields["sender"].help_text = _(
            "Your Twilio number (+1…) or a Messaging Service SID (MG…)."
        )


class VonageGatewayForm(GatewayForm):
    kind = GatewayKind.VONAGE
    secret_label = _("API secret")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("API key")
        self.fields["username"].required = True
        self.fields["sender"].required = True


class SmppGatewayForm(GatewayForm):
    kind = GatewayKind.SMPP
    option_fields = ("host", "port", "system_type")

    host = forms.CharField(label=_("SMSC host"), max_length=253)
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, initial=2775)
    system_type = forms.CharField(label=_("System type"), required=False, max_length=13)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("System ID")
        self.fields["username"].required = True
        self.fields["sender"].required = True


GATEWAY_FORMS: dict[str, type[GatewayForm]] = {
    GatewayKind.HTTP: HttpGatewayForm,
    GatewayKind.TWILIO: TwilioGatewayForm,
    GatewayKind.VONAGE: VonageGatewayForm,
    GatewayKind.SMPP: SmppGatewayForm,
}


class TestSmsForm(forms.Form):
    gateway = forms.ModelChoiceField(
        label=_("Gateway"), queryset=SmsGateway.objects.all(), to_field_name="code"
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=30)
    text = forms.CharField(
        label=_("Text"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "data-sms-counter": "sms-counter-labels"}),
        initial=_("Test SMS from Pregon: it works."),
    )

    def clean_phone(self) -> str:
        try:
            phone = normalize_phone(self.cleaned_data["phone"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        if not phone:
            raise forms.ValidationError(_("This field is required."))
        return phone
