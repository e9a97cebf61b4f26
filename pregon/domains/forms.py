import re

from django import forms
from django.utils.translation import gettext_lazy as _

from pregon.domains.models import SendingDomain

# A host name of at least two labels, each of letters, digits and hyphens (after IDNA).
_DOMAIN = re.compile(
    r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]"
)


class DomainForm(forms.ModelForm):
    """The first step of adding a sending domain: its name and where DMARC reports go."""

    class Meta:
        model = SendingDomain
        fields = ["name", "report_address"]
        labels = {"name": _("Domain you send from")}
        help_texts = {
            "name": _("As in the sender addresses: for news@example.com, example.com."),
            "report_address": _(
                "Receivers send daily DMARC reports here. Empty: dmarc@ the domain."
            ),
        }

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip().lower().rstrip(".")
        name = name.rpartition("@")[2]
        try:
            # DNS names domains in ASCII: an internationalised domain is kept in punycode.
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            name = ""
        if not _DOMAIN.fullmatch(name):
            raise forms.ValidationError(_("Write a domain such as example.com."))
        if SendingDomain.objects.filter(name=name).exists():
            raise forms.ValidationError(_("This domain is already on the list."))
        return name
