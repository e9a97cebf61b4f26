"""The address of the person behind a request, through the reverse proxies we trust."""

import ipaddress
from collections.abc import Mapping

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, for the audit log and login throttling (see ``address``)."""
    return address(request.META)


def address(meta: Mapping[str, str]) -> str | None:
    """The client's IP address from a request's WSGI environment.

    ``REMOTE_ADDR`` when Pregón faces the network itself. With ``PREGON_PROXY_COUNT=n``
    trusted reverse proxies in front (deploy/nginx.conf is one), the n-th address from the
    right of X-Forwarded-For: the one the outermost trusted proxy saw. Addresses further
    left are whatever the client chose to send, so they are never believed.
    """
    count = settings.PROXY_COUNT
    if count:
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            try:
                return str(ipaddress.ip_address(hops[-count]))
            except ValueError:
                pass
    return meta.get("REMOTE_ADDR") or None
