"""Where a webhook may go: no private, loopback, link-local or reserved address (SSRF),
unless an administrator allowed that host by name.

The check runs when a URL is saved (a clear error on the form) and again at every
delivery, on the addresses the request then connects to, so a DNS answer that changes
after the check (DNS rebinding) cannot lead a delivery into the office's network.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from pregon.webhooks.models import AllowedHost


class Refused(ValueError):
    """The URL may not receive webhooks; the message says why, for the administrator."""


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _is_public(ip: Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # is_global is False for private, loopback, link-local, shared (100.64/10) and reserved.
    return ip.is_global and not ip.is_multicast


def split(url: str) -> tuple[str, str, int]:
    """``url``'s scheme, host name (lower case) and port; raises ``Refused`` if malformed."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise Refused(_("The URL is not valid.")) from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("The URL must start with https:// (or http://) and name a host."))
    if parts.username or parts.password:
        raise Refused(_("The URL may not carry a user name or password."))
    host = parts.hostname.lower()
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)


def allowed_hosts() -> set[str]:
    """The host names administrators allowed onto private addresses."""
    return set(AllowedHost.objects.values_list("name", flat=True))


def resolve(host: str, port: int, allowed: set[str] | None = None) -> list[str]:
    """The addresses to connect to for ``host``: all of them public, or ``host`` allowed
    (in ``allowed``, or, without it, in the database).

    Raises ``Refused`` when the name does not resolve or one of its addresses is private.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(_("The host %(host)s could not be found.") % {"host": host}) from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    private = [a for a in addresses if not _is_public(ipaddress.ip_address(a.split("%")[0]))]
    if private and host not in (allowed_hosts() if allowed is None else allowed):
        raise Refused(
            _(
                "%(host)s points to a private or local address (%(address)s): webhooks may "
                "not go there. An administrator can allow this host by name under Webhooks, "
                "“Hosts on your network”, if it is a service of your own."
            )
            % {"host": host, "address": private[0]}
        )
    return addresses


def check(url: str) -> list[str]:
    """Check ``url`` as a delivery would; return its addresses or raise ``Refused``."""
    _scheme, host, port = split(url)
    return resolve(host, port)
