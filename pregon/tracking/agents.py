"""Who opened or clicked: the mail program and device, and whether it was a person at all.

Some machines open every message they fetch, read or not (Apple Mail Privacy Protection
loads every image when the message arrives), and link scanners click every link they see
(Microsoft Safe Links, Mimecast, Proofpoint, Barracuda…). Their events are kept but flagged,
so that reports count people by default.

Gmail's image proxy (GoogleImageProxy, from ggpht.com and Google's networks) is not one of
them: it fetches a message's images only when a person opens the message, to hide their
address from the sender. Its fetch is that person's open, and counts as a person's, as
Brevo and Mailchimp count it; only the device is hidden from us.
"""

import datetime
import ipaddress
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from ua_parser import parse

# Apple's own network, from which Mail Privacy Protection fetches every image.
APPLE_NETWORK = ipaddress.ip_network("17.0.0.0/8")
# Words in the user agents of link scanners and other robots.
SCANNER_WORDS = (
    "bot",
    "spider",
    "crawler",
    "barracuda",
    "mimecast",
    "proofpoint",
    "safelinks",
    "python-requests",
    "curl/",
    "wget/",
    "go-http-client",
    "headlesschrome",
)
# Microsoft's mail servers (Exchange Online Protection, from spf.protection.outlook.com):
# nobody reads mail from them, but Safe Links fetches and follows what messages hold.
SCANNER_NETWORKS = [
    ipaddress.ip_network(network)
    for network in (
        "40.92.0.0/15",
        "40.107.0.0/16",
        "52.100.0.0/15",
        "52.102.0.0/16",
        "52.103.0.0/17",
        "104.47.0.0/17",
    )
]
# Why an event looks like a machine's, as the reports say it.
MACHINE_REASONS = {
    "head": _("a link checker (HEAD request)"),
    "apple_privacy": _("Apple Mail Privacy Protection"),
    "scanner": _("a link scanner"),
    "scanner_network": _("a mail server's link scanner (Microsoft Safe Links)"),
    "too_fast": _("clicked seconds after delivery"),
    "all_links": _("every link clicked at once"),
    "provider_proxy": _("the provider's image proxy"),
}
# Nobody reads a message and clicks in it this soon after it was handed over. Opens are not
# held to it: a person watching their inbox opens within seconds, and Gmail's proxy, which
# fetches only when the message is opened, would be that person.
TOO_FAST = datetime.timedelta(seconds=10)
CLIENT_NAMES = {
    "Mobile Safari UI/WKWebView": "Apple Mail",
    "Apple Mail": "Apple Mail",
    "Outlook": "Outlook",
    "Thunderbird": "Thunderbird",
}
MOBILE_SYSTEMS = {"iOS", "Android", "Windows Phone", "BlackBerry OS"}
DESKTOP_SYSTEMS = {"Windows", "Mac OS X", "Linux", "Ubuntu", "Chrome OS", "Fedora"}


@dataclass(frozen=True)
class Agent:
    client: str
    device: str


def describe(user_agent: str) -> Agent:
    """The mail program (or browser) and the kind of device of ``user_agent``."""
    if not user_agent:
        return Agent("", "other")
    if is_gmail_proxy(user_agent):
        # The proxy names an old Windows of its own, not the reader's device: unknown.
        return Agent("Gmail", "")
    parsed = parse(user_agent)
    family = parsed.user_agent.family if parsed.user_agent else ""
    system = parsed.os.family if parsed.os else ""
    device_family = parsed.device.family if parsed.device else ""
    if device_family == "iPad" or "Tablet" in device_family:
        device = "tablet"
    elif system in MOBILE_SYSTEMS:
        device = "mobile"
    elif system in DESKTOP_SYSTEMS:
        device = "desktop"
    else:
        device = "other"
    return Agent(CLIENT_NAMES.get(family, "" if family == "Other" else family)[:60], device)


def machine_reason(
    *,
    opening: bool,
    method: str,
    user_agent: str,
    ip: str | None,
) -> str:
    """Why the request looks like a machine's ("" if it looks like a person's). Whether a
    click came too soon after delivery is ``too_soon``'s to say, with the delivery time.

    Gmail's image proxy gives "": it fetches only when a person opens the message (see the
    module's docstring). It is asked about before the scanners' words, so that no word of
    its user agent can make it a scanner."""
    agent = user_agent.lower()
    address = _address(ip)
    if method == "HEAD":
        return "head"
    if is_gmail_proxy(user_agent):
        return ""
    if opening and user_agent.strip() == "Mozilla/5.0" and _within(address, [APPLE_NETWORK]):
        return "apple_privacy"
    if any(word in agent for word in SCANNER_WORDS):
        return "scanner"
    if _within(address, SCANNER_NETWORKS):
        return "scanner_network"
    return ""


def is_gmail_proxy(user_agent: str) -> bool:
    """Whether ``user_agent`` is Gmail's image proxy's ("… (via ggpht.com GoogleImageProxy)";
    ua-parser tells it only with the ggpht.com part)."""
    return "googleimageproxy" in user_agent.lower()


def too_soon(since_sent: datetime.timedelta) -> str:
    """ "too_fast" for a click this soon after delivery, else ""."""
    return "too_fast" if since_sent < TOO_FAST else ""


def _within(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None, networks: list) -> bool:
    return address is not None and any(address in network for network in networks)


def _address(ip: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(ip) if ip else None
    except ValueError:
        return None
