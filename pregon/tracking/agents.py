"""Who opened or clicked: the mail program and device, and whether it was a person at all.

Mail-privacy proxies open every message they fetch (Apple Mail Privacy Protection, Gmail's
image proxy), and link scanners click every link they see (Microsoft SafeLinks, Mimecast,
Proofpoint…). Their events are kept but flagged, so that reports count people by default.
"""

import datetime
import ipaddress
from dataclasses import dataclass

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
# Nobody reads a message and clicks in it this soon after it was handed over.
TOO_FAST = datetime.timedelta(seconds=10)
CLIENT_NAMES = {
    "Mobile Safari UI/WKWebView": "Apple Mail",
    "Apple Mail": "Apple Mail",
    "GmailImageProxy": "Gmail",
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
    click came too soon after delivery is ``too_soon``'s to say, with the delivery time."""
    agent = user_agent.lower()
    if method == "HEAD":
        return "head"
    if "googleimageproxy" in agent:
        return "gmail_proxy"
    if opening and user_agent.strip() == "Mozilla/5.0" and _in(ip, APPLE_NETWORK):
        return "apple_privacy"
    if any(word in agent for word in SCANNER_WORDS):
        return "scanner"
    return ""


def too_soon(since_sent: datetime.timedelta) -> str:
    """ "too_fast" for a click this soon after delivery, else ""."""
    return "too_fast" if since_sent < TOO_FAST else ""


def _in(ip: str | None, network: ipaddress.IPv4Network) -> bool:
    try:
        return ip is not None and ipaddress.ip_address(ip) in network
    except ValueError:
        return False
