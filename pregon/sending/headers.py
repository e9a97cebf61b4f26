"""The headers Pregón sets on a message, read back from its bytes and explained (R19).

The "send me a test" page shows them for the message that actually went out: it parses the
bytes the engine handed to the transport (``engine.SentTest``), never a message built again.
"""

from dataclasses import dataclass, field
from email import policy
from email.parser import BytesHeaderParser

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pregon.domains import verification

# Each header we explain, with its explanation and the help centre guide (help:guide slug)
# that tells more. The return path is not in the message: it is the envelope's sender.
EXPLAINED: tuple[tuple[str, Promise, str], ...] = (
    (
        "From",
        _(
            "Who the message is from, as inboxes show it. DMARC checks that its domain "
            "matches the DKIM d= domain or the return path's."
        ),
        "dmarc",
    ),
    (
        "Return-Path",
        _(
            "Where bounces go: an address that names this very message (VERP). Receivers "
            "check its domain against SPF and write it down as the Return-Path header."
        ),
        "spf",
    ),
    (
        "Message-ID",
        _("A name no other message has; replies, bounces and reports refer to it."),
        "envios-masivos",
    ),
    (
        "DKIM-Signature",
        _(
            "A signature with the domain's private key: receivers fetch the public key "
            "from DNS and check that the signed headers and the body are unchanged."
        ),
        "dkim",
    ),
    (
        "List-Unsubscribe",
        _(
            "The unsubscribe addresses (a web link and an email address) that mail programs "
            "show next to the sender."
        ),
        "envios-masivos",
    ),
    (
        "List-Unsubscribe-Post",
        _(
            "Says that the web link unsubscribes with one click (RFC 8058), as Gmail, Yahoo "
            "and Microsoft require of bulk senders."
        ),
        "envios-masivos",
    ),
    (
        "List-Id",
        _("Names the list the message comes from, so that people can filter it."),
        "envios-masivos",
    ),
    (
        "Feedback-ID",
        _("Lets Gmail's Postmaster Tools report spam complaints per sender and campaign."),
        "envios-masivos",
    ),
)

DKIM_TAGS: dict[str, Promise] = {
    "d": _("the domain that signs and vouches for the message; DMARC wants it to match From"),
    "s": _("the selector: the public key is published at <selector>._domainkey.<domain>"),
    "a": _("the algorithm: rsa-sha256, or ed25519-sha256 for the shorter modern keys"),
    "h": _("the headers the signature covers; changing one of them breaks it"),
}


@dataclass
class Header:
    """One header as sent, with what it is for and the guide (slug) that explains it."""

    name: str
    value: str
    explanation: Promise
    guide: str
    tags: list[tuple[str, str, Promise]] = field(default_factory=list)


def dkim_tags(value: str) -> list[tuple[str, str, Promise]]:
    """The d=, s=, a= and h= tags of a DKIM-Signature value, each with its meaning."""
    tags = verification.tag_list(value)
    if "h" in tags:
        tags["h"] = ", ".join(tags["h"].split(":"))
    return [(name, tags[name], meaning) for name, meaning in DKIM_TAGS.items() if name in tags]


def explain(return_path: str, data: bytes) -> list[Header]:
    """The headers of ``data`` (a whole message) that Pregón sets, in the order of EXPLAINED,
    each explained; the return path comes from the envelope. A header the message lacks is
    left out; one it carries twice (DKIM-Signature) comes twice."""
    message = BytesHeaderParser(policy=policy.default).parsebytes(data)
    found = []
    for name, explanation, guide in EXPLAINED:
        values = [return_path] if name == "Return-Path" else message.get_all(name, [])
        for value in values:
            value = " ".join(str(value).split())
            tags = dkim_tags(value) if name == "DKIM-Signature" else []
            found.append(Header(name, value, explanation, guide, tags))
    return found


def header_block(data: bytes) -> str:
    """The header section of ``data`` as it was sent (folded lines and all)."""
    head, _sep, _body = data.partition(b"\r\n\r\n")
    return head.decode("ascii", errors="replace")
