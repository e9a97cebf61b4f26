"""The connection's form: the classroom's address, its write-only token, and how syncs work."""

import re
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.moodle.models import Connection

# Addresses on this machine may use plain HTTP: nothing crosses a network.
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
# Moodle's tokens are 32 hexadecimal characters; other letters and digits are let through
# in case a plugin issues longer ones, but spaces or quotes are a copying mistake.
TOKEN = re.compile(r"[A-Za-z0-9]{16,128}")
# Moodle's role short names: lower-case letters, digits, "_" and "-" (admin/roles/define.php
# cleans them with PARAM_ALPHANUMEXT).
ROLE_NAME = re.compile(r"[A-Za-z0-9_-]+")
MAX_SYNC_EVERY_HOURS = 24 * 7
MAX_CONVERSION_DAYS = 365


class ConnectionForm(forms.ModelForm):
    """The classroom's connection. The token is write-only, like a relay's password: required
    the first time, left blank afterwards to keep the stored one, stored encrypted and never
    put back into a page."""

    url = forms.URLField(
        label=Connection._meta.get_field("url").verbose_name,
        max_length=300,
        assume_scheme="https",
        help_text=Connection._meta.get_field("url").help_text,
    )
    new_token = forms.CharField(
        label=_("Web-service token"),
        required=False,
        strip=True,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Created in Moodle for the web-service user: Site administration > Server > "
            "Web services > Manage tokens."
        ),
    )

    class Meta:
        model = Connection
        fields = [
            "url",
            "roles",
            "names_from_moodle",
            "subscribe_new_contacts",
            "conversion_days",
            "sync_every_hours",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["url", "new_token"])
        if self.instance.token:
            self.fields["new_token"].help_text = _(
                "A token is stored. Leave this blank to keep it."
            )
        self.fields["conversion_days"].validators += [
            MinValueValidator(1),
            MaxValueValidator(MAX_CONVERSION_DAYS),
        ]
        self.fields["sync_every_hours"].validators.append(MaxValueValidator(MAX_SYNC_EVERY_HOURS))

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            raise forms.ValidationError(
                _(
                    "Enter only the classroom's address, as in the browser's bar on its home "
                    "page, without “?” or “#” and what follows."
                )
            )
        if parts.scheme != "https" and (parts.hostname or "") not in LOOPBACK_HOSTS:
            # The token travels with every call: over plain HTTP anyone on the way could read it.
            raise forms.ValidationError(
                _("Use the address that starts with https://: the token must travel encrypted.")
            )
        path = parts.path.rstrip("/")
        # People paste the address of the page they are on: keep the site's root.
        for page in ("/webservice/rest/server.php", "/login/index.php", "/index.php"):
            if path.endswith(page):
                path = path.removesuffix(page)
                break
        return f"{parts.scheme}://{parts.netloc}{path}"

    def clean_new_token(self) -> str:
        token = self.cleaned_data.get("new_token", "")
        if not token:
            if not self.instance.token:
                raise forms.ValidationError(_("Paste the token Moodle created."))
            return ""
        if not TOKEN.fullmatch(token):
            raise forms.ValidationError(
                _(
                    "A Moodle token has only letters and digits (usually 32). Copy it again "
                    "from Manage tokens, without spaces."
                )
            )
        return token

    def clean_roles(self) -> str:
        names = [name.strip() for name in self.cleaned_data["roles"].split(",") if name.strip()]
        if not names:
            raise forms.ValidationError(_("Name at least one role, usually: student."))
        for name in names:
            if not ROLE_NAME.fullmatch(name):
                raise forms.ValidationError(
                    _(
                        "“%(name)s” is not a role short name: use the short names Moodle shows "
                        "in Site administration > Users > Define roles, such as student, "
                        "separated by commas."
                    ),
                    params={"name": name},
                )
        return ", ".join(dict.fromkeys(names))

    def changed_fields(self) -> list[str]:
        """The settings this save changes, as their values were cleaned ("token" when a new
        one was typed): what the audit log records, never the token itself."""
        changed = [
            name
            for name in self._meta.fields
            if self.cleaned_data.get(name) != self.initial.get(name)
        ]
        return [*changed, "token"] if self.cleaned_data.get("new_token") else changed

    def save(self, commit: bool = True) -> Connection:
        connection = super().save(commit=False)
        if self.cleaned_data.get("new_token"):
            connection.set_token(self.cleaned_data["new_token"])
        if {"url", "token"} & set(self.changed_fields()):
            # The last check spoke of another classroom or token: it no longer holds.
            connection.site_name = connection.release = ""
            connection.checked_at = None
            connection.check_report = {}
        connection.updated_at = timezone.now()
        if commit:
            connection.save()
        return connection
