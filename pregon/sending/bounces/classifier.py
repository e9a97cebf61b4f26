"""Why a message did not arrive, and what that means for its recipient: the one classifier
of the relay's SMTP reply, the bounce mailbox's notices and the providers' webhooks.

Each failure gets a cause (``BounceCause``, after sisimai's reason taxonomy) and, from the
cause, a kind: a dead address is a hard bounce and is suppressed at once; passing trouble is
a soft bounce, counted towards the soft-bounce limit; a refusal for something on our side (a
block of our IP, SPF/DKIM/DMARC, the content) is never held against the recipient.

How a cause is found, first answer wins:

1. The server's words, if they blame the sending side (``SENDER_SIDE``): a blocklist, our
   IP, SPF/DKIM/DMARC, spam, the content, our address, a policy. These beat any status code,
   because receivers often dress a block as "5.1.1" or "user unknown": suppressing a real
   person loses them for good, while missing a dead address only costs another bounce.
2. The server's words about the recipient or the delivery (``RECIPIENT_SIDE``): a full
   mailbox, a disabled account, an unknown user or domain, a timeout…
3. The enhanced status code (RFC 3463, ``STATUS_CAUSE``): the Status field if it says more
   than "x.0.0", otherwise the first specific one in the server's words (a "Status: 5.0.0"
   over a diagnostic saying "552 5.2.2 …" is a full mailbox). Before it, a temporary failure
   the sender gave up retrying is "expired".
4. The basic SMTP reply code (``CODE_CAUSE``); "undefined" (soft) for anything else.

The phrase lists follow sisimai's reasons (lib/Sisimai/Reason/*), rewritten as regexes.
"""

import re
from dataclasses import dataclass

from pregon.sending.models import BounceCause, BounceKind

KIND_OF_CAUSE = {
    BounceCause.USER_UNKNOWN: BounceKind.HARD,
    BounceCause.HOST_UNKNOWN: BounceKind.HARD,
    BounceCause.HAS_MOVED: BounceKind.HARD,
    BounceCause.NOT_ACCEPT: BounceKind.HARD,
    BounceCause.SUSPENDED: BounceKind.HARD,
    BounceCause.MAILBOX_FULL: BounceKind.SOFT,
    BounceCause.EXPIRED: BounceKind.SOFT,
    BounceCause.SYSTEM_ERROR: BounceKind.SOFT,
    BounceCause.NETWORK_ERROR: BounceKind.SOFT,
    BounceCause.TOO_MANY_CONNECTIONS: BounceKind.SOFT,
    BounceCause.RATE_LIMITED: BounceKind.SOFT,
    BounceCause.UNDEFINED: BounceKind.SOFT,
    BounceCause.BLOCKED: BounceKind.SENDER,
    BounceCause.POLICY_VIOLATION: BounceKind.SENDER,
    BounceCause.SPAM_DETECTED: BounceKind.SENDER,
    BounceCause.SECURITY_ERROR: BounceKind.SENDER,
    BounceCause.REJECTED_SENDER: BounceKind.SENDER,
    BounceCause.CONTENT_ERROR: BounceKind.SENDER,
    BounceCause.COMPLAINT: BounceKind.COMPLAINT,
}


def _phrases(*patterns: str) -> re.Pattern[str]:
    """One case-insensitive regex of alternatives, matched against whitespace-collapsed text."""
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)


# The server blames something on our side: these never suppress the recipient. In order:
# the first that matches wins, so a blocklist named in a spam rejection says "blocked".
SENDER_SIDE: list[tuple[BounceCause, re.Pattern[str]]] = [
    # Our address itself on a list (MessageLabs), not our IP.
    (BounceCause.REJECTED_SENDER, _phrases(r"your e-?mail address has been black ?listed")),
    (
        BounceCause.BLOCKED,
        _phrases(
            r"blocked using",
            r"spamhaus|spamcop|sorbs\.net|barracuda|uceprotect|senderbase|proofpoint\.com/dnsbl",
            r"\b(?:dns)?[rd]nsbl\b|\brbl\b|realtime blackhole",
            r"black ?list(?:ed)?|block ?list(?:ed)?|deny ?list(?:ed)?",
            r"(?<!not )\blisted (?:at|on|in)\b",
            r"banned sending ip|bad sender ip|sending ip|your ip|from this ip",
            r"ip address .{0,60}(?:block|listed|ban)|traffic not accepted",
            r"client host .{0,60}(?:rejected|blocked|refused)|client host rejected",
            r"reputation|\(S3140\)|\(S3150\)|\bBL\d{2}\b|\[TS0[1-3]\]",
            r"not currently accepting mail from your ip|part of their network",
            r"not authori[sz]ed to send (?:e-?mail )?directly",
            r"reverse dns|\brdns\b|\bptr\b|reverse (?:look ?up|mapping)|cannot find your hostname",
            r"helo command rejected|dynamic ip|dial-?up|residential",
        ),
    ),
    (
        BounceCause.SECURITY_ERROR,
        _phrases(
            r"\bdmarc\b|\bspf\b|\bdkim\b|sender policy framework|domainkeys",
            r"unauthenticated|not authenticated|authentication (?:fail|required|level|check)",
            r"\b5\.7\.(?:2[3-7]|509|515)\b",
        ),
    ),
    (
        BounceCause.REJECTED_SENDER,
        _phrases(
            r"\b[45]\.1\.[78]\b",
            r"sender (?:address )?(?:was )?(?:rejected|refused|denied|invalid)",
            r"sender (?:address )?(?:is )?not (?:allowed|accepted)",
            r"invalid sender|bad sender|sender verify failed|unroutable sender|null sender",
            r"domain of sender address|sender domain|mail from .{0,40}(?:rejected|not allowed)",
            r"(?:no|without) permission to post|not allowed to post|members?[- ]only|non-?member",
            r"sender is not (?:allowed|authori[sz]ed|a member)|sender not pre-approved",
            r"administrative prohibition",
        ),
    ),
    (
        BounceCause.SPAM_DETECTED,
        _phrases(
            r"\bspam\b|spamassassin|anti-?spam|junk ?mail|unsolicited|\bUBE\b|phish",
            r"bulk (?:e-?)?mail|mass mailer|looks like (?:junk|spam)|suspicious",
            r"message content rejected|content filter|filtered as",
        ),
    ),
    (
        BounceCause.CONTENT_ERROR,
        _phrases(
            r"\bvirus\b|malware|infected|attachment",
            r"8-?bit data|message header|header (?:line|field)|invalid mime|\bmime\b",
            r"message (?:size|length)|size limit|too (?:big|large)",
            r"exceeds? (?:the )?(?:maximum|size)",
            r"message (?:was )?(?:rejected|refused) (?:because of|due to) (?:its )?content",
        ),
    ),
    (
        BounceCause.POLICY_VIOLATION,
        _phrases(
            r"\bpolicy\b|policies|prohibited|not permitted|relay(?:ing)? (?:access )?denied",
            r"unable to relay|relay not permitted|not allowed to relay",
            r"rejected by (?:the )?recipient'?s? (?:filter|rules)|受信拒否|domain filter",
        ),
    ),
    (BounceCause.BLOCKED, _phrases(r"\bblocked\b|\bbanned\b")),
]

# The server's words about the recipient or the delivery itself, in order.
RECIPIENT_SIDE: list[tuple[BounceCause, re.Pattern[str]]] = [
    (
        BounceCause.TOO_MANY_CONNECTIONS,
        _phrases(
            r"too many (?:connections|concurrent|simultaneous|sessions|smtp sessions|hosts)",
            r"connection (?:limit|count)|max(?:imum)? (?:number of )?connections",
        ),
    ),
    (
        BounceCause.MAILBOX_FULL,
        _phrases(
            r"mailbox (?:is )?full|full mailbox|mail ?(?:box|folder) .{0,20}full",
            r"over ?(?:the )?(?:allowed )?quota|quota (?:exceeded|violation|usage)",
            r"exceed(?:ed|s|ing)? (?:its |the |their )?(?:mailbox |disk )?(?:quota|storage|space)",
            r"exceeding receiving limits",
            r"disk quota|insufficient (?:disk )?(?:storage|space)|not enough (?:storage|space)",
            r"storage allocation|too much mail data|too many messages on the server",
            r"容量|満杯",
        ),
    ),
    (
        BounceCause.RATE_LIMITED,
        _phrases(
            r"rate[- ]limit|receiving mail (?:at a rate|too quickly)|throttl",
            r"too many (?:messages|mails|emails|recipients) (?:in|from|per|sent)",
            r"unexpected volume|temporarily deferred|greylist|graylist",
            r"sending (?:rate|limit)|exceeded .{0,30}(?:sending|hourly|daily) (?:limit|quota)",
            r"4\.7\.0 try again later",
        ),
    ),
    (
        BounceCause.SUSPENDED,
        _phrases(
            r"(?:account|mailbox|user|address|recipient)(?: \S+)? (?:is |has been |was )?"
            r"(?:disabled|suspended|deactivated|inactive|locked|closed|terminated|expired)",
            r"is disabled|deactivated mailbox|invalid/inactive|inactive (?:user|account|mailbox)",
            r"discontinued|no longer (?:active|in use)|suspend(?:ed)? the service",
        ),
    ),
    (
        BounceCause.HAS_MOVED,
        _phrases(
            r"has moved|moved to|no longer (?:on|at) (?:this )?server|user not local",
            r"not local; please try|forwarding address",
        ),
    ),
    (
        BounceCause.NOT_ACCEPT,
        _phrases(
            r"null mx|does not accept (?:any )?mail|accepts no mail|not accepting (?:any )?mail",
            r"domain (?:does not|doesn't) (?:accept|receive) (?:e-?)?mail",
        ),
    ),
    # A name server that did not answer is no proof the domain is gone.
    (
        BounceCause.NETWORK_ERROR,
        _phrases(r"not found, try again|servfail|temporary (?:dns|lookup) failure"),
    ),
    (
        BounceCause.HOST_UNKNOWN,
        _phrases(
            r"host (?:or domain name )?not found|domain (?:name )?not found",
            r"unknown (?:host|domain)",
            r"no such domain|domain (?:does not|doesn't) exist|nxdomain|non-?existent domain",
            r"unrouteable (?:mail )?domain|unrouteable address|name service error",
            r"no (?:mx|dns) record",
            r"invalid domain|domain (?:is )?invalid",
        ),
    ),
    (
        BounceCause.USER_UNKNOWN,
        _phrases(
            r"user ?unknown|unknown (?:user|recipient|mailbox|local[- ]part|e-?mail|address)",
            r"no such (?:user|mailbox|recipient|address|person|account)",
            r"(?:user|recipient|mailbox|address|account)(?: \S+)? (?:does ?n[o']?t exist)",
            r"(?:user|recipient|mailbox|address|account)(?: \S+)? not found",
            r"does ?n[o']?t exist|doesn'?t have an? .{0,60} account|address unknown",
            r"not a (?:valid|known) (?:user|mailbox|recipient|address)",
            r"invalid (?:recipient|mailbox|address|user)|bad (?:destination )?mailbox",
            r"recipient ?not ?found|access denied\. as\(\d+\)",  # Office 365's DBEB.
            r"mail ?box (?:unavailable|not (?:found|available)|invalid)|no mailbox",
            r"not listed in (?:the )?(?:domino directory|public name)",
            r"addressee unknown|no account by that name",
            r"no longer accepts mail|there is no one at this address|not our customer",
            r"宛先不明|存在しません|存在しない|no existe",
        ),
    ),
    (
        BounceCause.EXPIRED,
        _phrases(
            r"retry time ?out|retry time (?:not reached|exceeded)|delivery time expired",
            r"message expired|\bexpired\b|too long in (?:the )?queue|queue too long",
            r"could not be delivered (?:within|for|in) \d+",
            r"maxim(?:um|al) (?:queue )?(?:time|lifetime)",
        ),
    ),
    (
        BounceCause.NETWORK_ERROR,
        _phrases(
            r"connection (?:timed out|refused|reset|dropped|lost|closed)|timed? ?out",
            r"no route to host|network (?:error|(?:is )?unreachable)|host unreachable",
            r"(?:could not|unable to|couldn't) connect|lost connection|broken pipe",
            r"\btls\b|\bssl\b|starttls|handshake|servfail|temporary (?:dns|lookup) failure",
            r"mail (?:forwarding )?loop|too many hops|loop detected|routing loop",
        ),
    ),
    (
        BounceCause.SYSTEM_ERROR,
        _phrases(
            r"system (?:error|failure|not available)|internal (?:server )?error|local error",
            r"server error|temporar(?:y|ily) (?:failure|error|problem|unavailable|rejected)",
            r"service (?:not |un)available|insufficient system storage|out of memory",
            r"server (?:is )?busy|configuration error|mail system full|resources? temporarily",
        ),
    ),
]

# Enhanced status codes (RFC 3463) by what they say, most specific first: "5.7.1" is looked up
# as "5.7.1", "X.7.1", "5.7" and "X.7" ("X" for either class).
STATUS_CAUSE: dict[str, BounceCause] = {
    "5.1.1": BounceCause.USER_UNKNOWN,  # Bad destination mailbox address.
    "5.1.2": BounceCause.HOST_UNKNOWN,  # Bad destination system address.
    "5.1.3": BounceCause.USER_UNKNOWN,  # Bad destination mailbox address syntax.
    "X.1.6": BounceCause.HAS_MOVED,  # Destination mailbox has moved.
    "X.1.7": BounceCause.REJECTED_SENDER,  # Bad sender's mailbox address syntax.
    "X.1.8": BounceCause.REJECTED_SENDER,  # Bad sender's system address.
    "5.1.10": BounceCause.NOT_ACCEPT,  # Null MX (RFC 7505).
    "X.2.1": BounceCause.SUSPENDED,  # Mailbox disabled.
    "X.2.2": BounceCause.MAILBOX_FULL,
    "X.2.3": BounceCause.CONTENT_ERROR,  # Message length exceeds the limit.
    "X.3.4": BounceCause.CONTENT_ERROR,  # Message too big for the system.
    "X.3": BounceCause.SYSTEM_ERROR,  # Mail system full, not accepting, not capable.
    "5.4.4": BounceCause.HOST_UNKNOWN,  # Unable to route (no such domain).
    "X.4.6": BounceCause.NETWORK_ERROR,  # Routing loop.
    "X.4.7": BounceCause.EXPIRED,  # Delivery time expired.
    "X.4": BounceCause.NETWORK_ERROR,  # No answer, bad connection, routing trouble.
    "X.6": BounceCause.CONTENT_ERROR,  # Media errors.
    "5.7.1": BounceCause.POLICY_VIOLATION,  # Delivery not authorised, message refused.
    "5.7.25": BounceCause.BLOCKED,  # Reverse DNS validation failed.
    "5.7": BounceCause.SECURITY_ERROR,  # Security or policy status.
    "4.7": BounceCause.RATE_LIMITED,  # Gmail, Yahoo, Outlook throttle with 4.7.x.
}

# Basic reply codes (RFC 5321), when nothing better was said.
CODE_CAUSE: dict[int, BounceCause] = {
    421: BounceCause.SYSTEM_ERROR,  # Service not available, closing the channel.
    450: BounceCause.SYSTEM_ERROR,
    451: BounceCause.SYSTEM_ERROR,
    452: BounceCause.SYSTEM_ERROR,  # Insufficient system storage.
    521: BounceCause.NOT_ACCEPT,  # Host does not accept mail (RFC 7504).
    551: BounceCause.HAS_MOVED,  # User not local; please try <forward-path>.
    552: BounceCause.MAILBOX_FULL,  # Exceeded storage allocation.
    556: BounceCause.NOT_ACCEPT,  # Domain does not accept mail (RFC 7504).
}

# A temporary or permanent enhanced status code, not inside an IP address or a version
# number ("10.5.1.1", "Exim 4.94.2").
_STATUS = re.compile(r"(?<![\d.])([45])\.([0-7])\.(\d{1,3})(?!\.?\d)")
_CODE = re.compile(r"(?<![\d.#-])([245]\d\d)(?:[ -]|$)")


@dataclass(frozen=True)
class Diagnosis:
    cause: BounceCause

    @property
    def kind(self) -> BounceKind:
        return KIND_OF_CAUSE[self.cause]


def classify(
    status: str = "",
    diagnostic: str = "",
    code: int | None = None,
    *,
    text: str = "",
    gave_up: bool = False,
    command: str = "",
) -> Diagnosis:
    """The cause of one failed delivery, from what the receiving side said about it.

    ``status`` is the enhanced status code (RFC 3463) where one was given apart (a DSN's
    Status field), ``diagnostic`` the server's words (a DSN's Diagnostic-Code, an SMTP reply's
    text, a provider's description), ``code`` the SMTP reply code where known, ``text`` a
    human-readable notice's words about the recipient (a plain-text bounce). ``gave_up`` says
    the sender stopped retrying a temporary failure (a DSN's "Action: expired", a "failed"
    one with a 4.x.x status): "expired", unless the words say more. ``command`` is the SMTP
    command the server refused, where known. See the module's docstring for the rules.
    """
    words = " ".join(f"{diagnostic} {text}".split())
    enhanced = _enhanced_status(status, words)
    code = code or _reply_code(words)
    cause = _cause(enhanced, words, code, gave_up)
    if command.upper() == "MAIL" and KIND_OF_CAUSE[cause] != BounceKind.SENDER:
        # MAIL FROM names only our address: whatever the words, it is what was refused.
        cause = BounceCause.REJECTED_SENDER
    elif KIND_OF_CAUSE[cause] == BounceKind.HARD and _is_temporary(enhanced, code):
        # A server that says "try later" has not said the address is dead.
        cause = BounceCause.EXPIRED if gave_up else BounceCause.UNDEFINED
    elif gave_up and cause in (BounceCause.NETWORK_ERROR, BounceCause.SYSTEM_ERROR):
        # Unreachable until the sender stopped trying: sisimai's "expired".
        cause = BounceCause.EXPIRED
    return Diagnosis(cause)


def _cause(enhanced: str | None, words: str, code: int | None, gave_up: bool) -> BounceCause:
    for cause, pattern in SENDER_SIDE + RECIPIENT_SIDE:
        if pattern.search(words):
            return cause
    if gave_up:
        return BounceCause.EXPIRED
    if enhanced and (cause := _status_cause(enhanced)):
        return cause
    return CODE_CAUSE.get(code, BounceCause.UNDEFINED)


def _is_temporary(enhanced: str | None, code: int | None) -> bool:
    if enhanced:
        return enhanced.startswith("4")
    return code is not None and 400 <= code < 500


def _enhanced_status(status: str, words: str) -> str | None:
    """The Status field's code if it is specific, else the first specific one in the words."""
    found = [match.group(0) for match in _STATUS.finditer(f"{status} {words}")]
    specific = [value for value in found if not value.endswith(".0.0")]
    return (specific or found or [None])[0]


def _status_cause(status: str) -> BounceCause | None:
    klass, subject, detail = status.split(".")
    for key in (status, f"X.{subject}.{detail}", f"{klass}.{subject}", f"X.{subject}"):
        if key in STATUS_CAUSE:
            return STATUS_CAUSE[key]
    return None


def _reply_code(words: str) -> int | None:
    match = _CODE.search(words)
    return int(match.group(1)) if match else None
