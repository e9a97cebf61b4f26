"""The form of a classroom site on the installation screen: the origin its pages send, checked
and written as browsers write it (pregon.popups.origins compares it with ``Origin``)."""

import ipaddress
import re
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from pregon.popups.models import Site


class SiteForm(forms.ModelForm):
    """A classroom's address: scheme, host and port only, as browsers send it in ``Origin``."""

    class Meta:
        model = Site
        fields = ["name", "origin"]
        labels = {"origin": _("Address")}
        error_messages = {"origin": {"unique": _("That site is already on the list.")}}

    def clean_origin(self) -> str:
        return normalise_origin(self.cleaned_data["origin"])


DEFAULT_PORTS = {"http": 80, "https": 443}
# A DNS name or an address (IPv6 in brackets).
LABEL = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"
HOST = re.compile(rf"{LABEL}(\.{LABEL})*|\[[0-9a-f:.]+\]")


def normalise_origin(text: str) -> str:
    """``text`` as an origin (``https://aula.example.gob.pe``, lower case, no default port).

    Raises ValidationError saying what to change: a path, a missing scheme, a bad host.
    """
    text = text.strip()
    if text.endswith("/") and text.count("/") == 3:
        text = text[:-1]
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        raise forms.ValidationError(
            _("Write the classroom's address with https://, such as https://aula.example.gob.pe.")
        )
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise forms.ValidationError(
            _(
                "Write only the site, without a path: %(origin)s. The pop-ups may then show "
                "on any of its pages."
            )
            % {"origin": f"{parts.scheme.lower()}://{parts.netloc.rsplit('@', 1)[-1].lower()}"}
        )
    host = parts.hostname.lower()
    if ":" in host:
        try:
            host = f"[{ipaddress.IPv6Address(host)}]"
        except ValueError:
            host = ""
    if not HOST.fullmatch(host):
        raise forms.ValidationError(
            _("“%(host)s” is not a server name.") % {"host": parts.hostname[:60]}
        )
    scheme = parts.scheme.lower()
    if port and port != DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"
