"""Forms for logging in, the profile page, users, API tokens and the audit log filter."""

import logging
import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pregon.accounts import throttling
from pregon.accounts.models import (
    ApiToken,
    AuditAction,
    BackupCodeDevice,
    Role,
    TwoFactorRule,
    User,
)
from pregon.lib.proxy import client_ip

logger = logging.getLogger(__name__)


class BootstrapMixin:
    """Give every widget Bootstrap's class, so templates render any field with one include."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"


def normalize_email(value: str) -> str:
    """Addresses are stored in lower case (see ``UserManager``), so compare them that way."""
    return value.strip().lower()


class LoginForm(BootstrapMixin, forms.Form):
    """Email and password. A valid form holds the authenticated user in ``self.user``."""

    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            # The email goes in as `username` so that django-axes counts failures per address.
            self.user = authenticate(
                request=self.request, username=normalize_email(email), password=password
            )
            if self.user is None:
                raise forms.ValidationError(
                    _("That email address and password do not match an active account.")
                )
        return cleaned


class CodeForm(BootstrapMixin, forms.Form):
    """A six-digit code from an authenticator app."""

    code = forms.RegexField(
        label=_("Six-digit code"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("Enter the six digits your app shows.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].replace(" ", "")


class SecondStepForm(BootstrapMixin, forms.Form):
    """The second step of logging in: a code from the app, or one of the backup codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your app shows, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not (re.fullmatch(r"\d{6}", code) or BackupCodeDevice.is_code(code)):
            raise forms.ValidationError(
                _("Enter the six digits your app shows, or a backup code such as abcd-efgh-ijkl.")
            )
        return code


class TwoFactorDisableForm(BootstrapMixin, forms.Form):
    secret = forms.CharField(
        label=_("Current code or password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ProfileForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["name"]


class PasswordChangeForm(BootstrapMixin, auth_forms.PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # It shares the profile page with other forms: no jumping to it on load.
        self.fields["old_password"].widget.attrs.pop("autofocus", None)


class PasswordResetForm(BootstrapMixin, auth_forms.PasswordResetForm):
    def save(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        """Send the link, unless this address or this client asked too often this hour.

        A refused request gets the same answer page as any other (nobody learns whether the
        address has an account) and sends no mail.
        """
        ip = client_ip(request) if request else None
        senders = [self.cleaned_data["email"].lower(), *([ip] if ip else [])]
        limit = settings.PASSWORD_RESET_LIMIT
        if not throttling.within_limit("password-reset", senders, limit, 3600):
            logger.warning(
                "Password-reset request from %s refused: over %d an hour for its address or IP",
                ip,
                limit,
            )
            return
        super().save(*args, request=request, **kwargs)


class SetPasswordForm(BootstrapMixin, auth_forms.SetPasswordForm):
    pass


class EmailChangeForm(BootstrapMixin, forms.Form):
    """A new address for ``user``, confirmed with the current password."""

    email = forms.EmailField(label=_("New email address"))
    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if email == self.user.email:
            raise forms.ValidationError(_("This is already your email address."))
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Another user already has this email address."))
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Your current password is not right."))
        return password


class InviteForm(BootstrapMixin, forms.Form):
    email = forms.EmailField(label=_("Email address"))
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this email address already exists."))
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class TwoFactorRuleForm(BootstrapMixin, forms.ModelForm):
    """The roles that must log in with two steps (a box each)."""

    class Meta:
        model = TwoFactorRule
        fields = ["for_admins", "for_editors", "for_analysts"]


class TokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Say where the token is used, for example “Moodle synchronisation”."),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        tokens = ApiToken.objects.filter(user=self.user, name=name, revoked_at__isnull=True)
        if tokens.exists():
            raise forms.ValidationError(_("You already have an active token with this name."))
        return name


class AuditFilterForm(BootstrapMixin, forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("", _("All actions")), *AuditAction.choices],
        required=False,
    )
    actor = forms.CharField(label=_("User's email"), max_length=254, required=False)
