import re

from django import forms
from django.utils.translation import gettext_lazy as _

from pregon.domains.models import SendingDomain, default_return_path

# A host name of at least two labels, each of letters, digits and hyphens (after IDNA).
_DOMAIN = re.compile(
    r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]"
)


class DomainForm(forms.ModelForm):
    """The first step of adding a sending domain: its name, the return path's subdomain and
    where DMARC reports go."""

    class Meta:
        model = SendingDomain
        fields = ["name", "return_path", "report_address"]
        labels = {"name": _("Domain you send from"), "return_path": _("Subdomain for bounces")}
        help_texts = {
            "name": _("As in the sender addresses: for news@example.com, example.com."),
            "return_path": _(
                "Bounces come back to this subdomain (the return path), so your domain's own "
                "mail keeps going to your mail server. Being a subdomain of yours, it still "
                "counts for DMARC (relaxed SPF alignment). Empty: rebotes. and your domain, "
                "such as rebotes.example.com."
            ),
            "report_address": _(
                "Receivers send daily DMARC reports here. Empty: dmarc@ the domain."
            ),
        }

    def clean_name(self) -> str:
        name = _ascii(self.cleaned_data["name"].rpartition("@")[2])
        if not _DOMAIN.fullmatch(name):
            raise forms.ValidationError(_("Write a domain such as example.com."))
        if SendingDomain.objects.filter(name=name).exists():
            raise forms.ValidationError(_("This domain is already on the list."))
        return name

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("name"):
            _clean_return_path(self, cleaned["name"])
        return cleaned


class ReturnPathForm(forms.ModelForm):
    """A domain's return-path subdomain, changed after it was added."""

    class Meta:
        model = SendingDomain
        fields = ["return_path"]
        labels = DomainForm.Meta.labels
        help_texts = DomainForm.Meta.help_texts

    def clean(self) -> dict:
        cleaned = super().clean()
        _clean_return_path(self, self.instance.name)
        return cleaned


def _clean_return_path(form: forms.ModelForm, name: str) -> None:
    """Check ``form``'s return path for the From domain ``name``, empty meaning the proposed
    one: a host name, not ``name`` itself (an MX there would take the domain's own mail)."""
    example = default_return_path(name)
    return_path = _ascii(form.cleaned_data.get("return_path") or example)
    if not _DOMAIN.fullmatch(return_path):
        form.add_error(
            "return_path", _("Write a subdomain such as %(example)s.") % {"example": example}
        )
    elif return_path == name:
        form.add_error(
            "return_path",
            _(
                "Bounces need a subdomain of their own, such as %(example)s: an MX record "
                "on %(name)s would bring your own mail to Pregón."
            )
            % {"example": example, "name": name},
        )
    else:
        form.cleaned_data["return_path"] = return_path


def _ascii(name: str) -> str:
    """``name`` in lower case without a final dot, in punycode (DNS names domains in ASCII,
    so an internationalised domain is kept that way); "" if it cannot be."""
    try:
        return name.strip().lower().rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return ""
