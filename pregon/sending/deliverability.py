"""What the sending app knows about deliverability, and the bulk-sender checklist.

The domains app knows DKIM, SPF and DMARC but not the relays: the SPF a domain needs names
the relays in use (``spf_mechanisms``, which ``SendingConfig.ready`` registers with
``pregon.domains.records``). The receivers that refuse our messages (``refusals``) come
from the bounces of messages sent. The checklist of what Gmail, Yahoo and Microsoft require
of bulk senders (``checklist``) reads the domains' last checks, messages built by the
engine, the templates' pre-flight checks, the relays' settings and the complaints.
"""

import datetime
import ipaddress
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Max, Value
from django.db.models.functions import StrIndex, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.content.models import EmailTemplate
from pregon.domains import dns, records, verification
from pregon.domains.models import DomainStatus, SendingDomain
from pregon.sending import engine
from pregon.sending.models import (
    PROVIDER_KINDS,
    Backend,
    BackendKind,
    Bounce,
    BounceCause,
    BounceKind,
    Mailing,
    Message,
    MessageStatus,
    Security,
    SenderIdentity,
)
from pregon.sending.transports import providers

# Gmail's and Yahoo's limit for bulk senders: spam reports under 0.3 % of messages.
COMPLAINT_LIMIT = 0.003
COMPLAINT_WINDOW = datetime.timedelta(days=30)
# Sending-side rejections (blocks, SPF/DKIM/DMARC, content) are shown for this long: long
# enough to be seen after a weekend, short enough that a fixed problem goes away.
REFUSAL_DAYS = 7
# The receivers named, most refusals first.
REFUSAL_RECEIVERS = 10

LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _site_host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]


def spf_mechanism(host: str) -> str:
    """The SPF mechanism that authorises a server: ``ip4:``/``ip6:`` for an address (an
    ``a:`` needs a name), ``a:`` for a host name."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return f"a:{host.lower().rstrip('.')}"
    return f"ip{address.version}:{address}"


def spf_mechanisms() -> list[str]:
    """The SPF mechanisms that authorise the delivery backends in use, in order, once each.

    A relay on this machine (a local Postfix) sends from this server, named by the site's
    host; a relay elsewhere by its address or name; a provider by its documented include.
    """
    mechanisms: list[str] = []
    for backend in Backend.objects.filter(is_active=True).exclude(kind=BackendKind.FILE):
        if backend.kind in PROVIDER_KINDS:
            mechanism = providers.PROVIDERS[backend.kind].spf
        elif _is_loopback(backend.host):
            mechanism = spf_mechanism(_site_host())
        else:
            mechanism = spf_mechanism(backend.host)
        if mechanism not in mechanisms:
            mechanisms.append(mechanism)
    return mechanisms


def domains_in_use() -> list[SendingDomain]:
    return list(SendingDomain.objects.filter(senderidentity__isnull=False).distinct())


OK = "ok"
FAIL = "fail"
UNKNOWN = "unknown"


@dataclass
class Item:
    """One line of the checklist: green (ok), red (fail) or grey (unknown), and why."""

    key: str
    title: str
    state: str
    detail: str
    guide: str
    notes: list[str] = field(default_factory=list)
    # The receivers that refused our messages (the "refusals" item only).
    refusals: list["Refusal"] = field(default_factory=list)


def _domain_item(key: str, title: str, guide: str, code: str) -> Item:
    domains = domains_in_use()
    if not domains:
        return Item(key, title, UNKNOWN, _("No sender identity uses a domain yet."), guide)
    notes = []
    failing = []
    for domain in domains:
        results = [result for result in records.results_of(domain) if result.code == code]
        results = [result for result in results if not result.params.get("is_pending")]
        if not results:
            failing.append(domain.name)
            notes.append(_("%(domain)s: not verified yet.") % {"domain": domain.name})
            continue
        for result in results:
            notes.append(f"{domain.name}: {result.message}")
        if not all(result.is_ok for result in results):
            failing.append(domain.name)
    if failing:
        detail = _("Not right yet for: %(domains)s.") % {"domains": ", ".join(failing)}
        return Item(key, title, FAIL, detail, guide, notes)
    return Item(key, title, OK, _("Right for every domain in use."), guide, notes)


def _dmarc_item() -> Item:
    item = _domain_item(
        "dmarc", _("DMARC published and aligned with From"), "dmarc", verification.DMARC
    )
    if item.state != OK:
        return item
    aligned = _domain_item("alignment", "", "dmarc", verification.ALIGNMENT)
    item.notes += aligned.notes
    if aligned.state != OK:
        item.state, item.detail = FAIL, aligned.detail
    return item


def sample_message(sender: SenderIdentity) -> bytes:
    """A message as the engine builds and signs it for ``sender``, to a made-up recipient."""
    mailing = Mailing(
        subject="Checklist",
        html="<p>Hola</p>",
        text="Hola",
        sender=sender,
        list_id=f"checklist <checklist.{sender.domain.name}>",
        feedback_id="checklist:pregon",
    )
    worker = engine.Worker(transport=None)
    message = Message(pk=0, mailing=mailing, email="someone@example.com")
    return worker.build(message)[1]


def _signed_headers(message: bytes) -> list[set[str]]:
    """The header names each DKIM-Signature of ``message`` covers (its h= tag)."""
    parsed = message_from_bytes(message)
    signed = []
    for signature in parsed.get_all("DKIM-Signature") or []:
        tags = verification.tag_list(str(signature))
        signed.append({name.strip().lower() for name in tags.get("h", "").split(":")})
    return signed


def _one_click_item() -> Item:
    title = _("One-click unsubscribe (RFC 8058), signed by DKIM")
    sender = SenderIdentity.objects.select_related("domain").first()
    if sender is None:
        return Item(
            "one_click", title, UNKNOWN, _("There is no sender identity yet."), "envios-masivos"
        )
    message = sample_message(sender)
    parsed = message_from_bytes(message)
    unsubscribe = str(parsed.get("List-Unsubscribe", ""))
    post = str(parsed.get("List-Unsubscribe-Post", ""))
    signed = _signed_headers(message)
    covered = bool(signed) and all(
        {"list-unsubscribe", "list-unsubscribe-post"} <= names for names in signed
    )
    if "<https://" in unsubscribe and post == "List-Unsubscribe=One-Click" and covered:
        detail = _(
            "Every message carries List-Unsubscribe with an https link and "
            "List-Unsubscribe-Post, both covered by its %(count)d DKIM signatures."
        ) % {"count": len(signed)}
        return Item("one_click", title, OK, detail, "envios-masivos")
    if "<https://" not in unsubscribe:
        detail = _("List-Unsubscribe has no https link: set the site address to https://….")
    else:
        detail = _("The one-click headers are missing or not covered by a DKIM signature.")
    return Item("one_click", title, FAIL, detail, "envios-masivos")


def _unsubscribe_link_item() -> Item:
    title = _("A visible unsubscribe link in the body")
    templates = list(EmailTemplate.objects.only("name", "checks"))
    if not templates:
        return Item(
            "unsubscribe_link", title, UNKNOWN, _("There are no templates yet."), "envios-masivos"
        )
    lacking = [t.name for t in templates if any(c["code"] == "unsubscribe" for c in t.checks)]
    if lacking:
        detail = _("These templates have no unsubscribe link: %(names)s.") % {
            "names": ", ".join(lacking)
        }
        return Item("unsubscribe_link", title, FAIL, detail, "envios-masivos")
    detail = _("Every template has an unsubscribe link; campaigns cannot go out without one.")
    return Item("unsubscribe_link", title, OK, detail, "envios-masivos")


def _smtp_relays() -> list[Backend]:
    return list(Backend.objects.filter(is_active=True, kind=BackendKind.SMTP))


def _ptr_item() -> Item:
    title = _("Reverse DNS (PTR) of the relay")
    notes: list[str] = []
    failing: list[str] = []
    checked = local = 0
    for backend in _smtp_relays():
        if _is_loopback(backend.host):
            local += 1
            notes.append(
                _(
                    "%(relay)s is on this server: its PTR and HELO name are those of this "
                    "server's public address, which only its provider can show."
                )
                % {"relay": backend.name}
            )
            continue
        try:
            names = _forward_confirmed(backend.host)
        except dns.LookupFailed:
            notes.append(
                _("%(relay)s: the DNS did not answer about %(host)s; try again later.")
                % {"relay": backend.name, "host": backend.host}
            )
            continue
        checked += 1
        if names:
            notes.append(f"{backend.name}: {names}")
        else:
            failing.append(backend.name)
    providers = Backend.objects.filter(is_active=True, kind__in=PROVIDER_KINDS).exists()
    if providers:
        notes.append(_("Providers' servers (APIs) have their reverse DNS set by the provider."))
    if failing:
        detail = _("No reverse DNS name that points back to the relay: %(relays)s.") % {
            "relays": ", ".join(failing)
        }
        return Item("ptr", title, FAIL, detail, "envios-masivos", notes)
    if checked or (providers and not local):
        detail = _("The relays' addresses have names that point back to them.")
        return Item("ptr", title, OK, detail, "envios-masivos", notes)
    return Item(
        "ptr", title, UNKNOWN, _("It cannot be checked from here."), "envios-masivos", notes
    )


def _forward_confirmed(host: str) -> str:
    """The PTR names of ``host``'s addresses that resolve back to them, or "" if one has
    none (forward-confirmed reverse DNS, which receivers check)."""
    names = []
    for address in dns.addresses(host) or [host]:
        matching = [name for name in dns.ptr(address) if address in dns.addresses(name)]
        if not matching:
            return ""
        names.append(matching[0])
    return ", ".join(names)


def _tls_item() -> Item:
    title = _("TLS to the relay")
    backends = list(Backend.objects.filter(is_active=True).exclude(kind=BackendKind.FILE))
    if not backends:
        return Item(
            "tls", title, UNKNOWN, _("No delivery backend is in use yet."), "envios-masivos"
        )
    plain = [b for b in backends if b.kind == BackendKind.SMTP and b.security == Security.NONE]
    if remote := [b.name for b in plain if not _is_loopback(b.host)]:
        detail = _("Messages go unencrypted to: %(relays)s.") % {"relays": ", ".join(remote)}
        return Item("tls", title, FAIL, detail, "envios-masivos")
    # A relay on this server (loopback) is reached without the network, so encryption does
    # not apply to it: it is explained, never counted as encrypted.
    notes = [
        _(
            "%(relay)s is on this server and is reached without encryption, which does not "
            "leave this machine; it must use TLS to the receivers itself."
        )
        % {"relay": backend.name}
        for backend in plain
    ]
    if len(plain) == len(backends):
        detail = _("Not applicable: every relay is on this server, reached without the network.")
        return Item("tls", title, UNKNOWN, detail, "envios-masivos", notes)
    detail = _("Every relay elsewhere is reached over TLS (providers over HTTPS).")
    return Item("tls", title, OK, detail, "envios-masivos", notes)


def complaint_rate() -> tuple[int, int]:
    """Complaints and sent messages over the last 30 days."""
    since = timezone.now() - COMPLAINT_WINDOW
    complaints = Bounce.objects.filter(kind=BounceKind.COMPLAINT, at__gte=since).count()
    sent = Message.objects.filter(status=MessageStatus.SENT, sent_at__gte=since).count()
    return complaints, sent


def _complaints_item() -> Item:
    title = _("Spam complaints under 0.3 %")
    complaints, sent = complaint_rate()
    if not sent:
        detail = _("Nothing was sent in the last 30 days.")
        return Item("complaints", title, UNKNOWN, detail, "envios-masivos")
    rate = complaints / sent
    params: dict[str, Any] = {
        "rate": f"{rate * 100:.2f}",
        "complaints": complaints,
        "sent": sent,
    }
    detail = (
        _("%(rate)s %% in the last 30 days: %(complaints)d complaints for %(sent)d messages.")
        % params
    )
    return Item(
        "complaints", title, OK if rate < COMPLAINT_LIMIT else FAIL, detail, "envios-masivos"
    )


@dataclass(frozen=True)
class Refusal:
    """A receiver (the recipients' mail domain) that refused our messages for something on
    our side, in the last ``REFUSAL_DAYS`` days: how many, and what it said last time."""

    receiver: str
    count: int
    last_at: datetime.datetime
    last_reason: str
    last_cause: str
    # The campaign of the last refused message, whose list of bounces shows them all.
    campaign_code: uuid.UUID | None
    campaign_name: str

    @property
    def cause_label(self) -> str:
        return str(BounceCause(self.last_cause).label)


def refusals(domain: SendingDomain | None = None) -> list[Refusal]:
    """Recent sending-side rejections per receiver, most first: a block of our server, a
    failure of our SPF/DKIM/DMARC, our content. Only those of messages sent from ``domain``
    if given. One query, and one per receiver for its last diagnostic.
    """
    since = timezone.now() - datetime.timedelta(days=REFUSAL_DAYS)
    refused = Bounce.objects.filter(kind=BounceKind.SENDER, at__gte=since)
    if domain is not None:
        refused = refused.filter(message__mailing__sender__domain=domain)
    # Addresses are stored in lower case (pregon.sending.bounces), so is their domain.
    receiver = Substr("email", StrIndex("email", Value("@")) + 1)
    rows = (
        refused.annotate(receiver=receiver)
        .values("receiver")
        .annotate(count=Count("id"), last_at=Max("at"))
        .order_by("-count", "receiver")[:REFUSAL_RECEIVERS]
    )
    found = []
    for row in rows:
        last = (
            refused.filter(email__endswith="@" + row["receiver"])
            .order_by("-at", "-id")
            .values(
                "reason",
                "cause",
                campaign_code=F("message__mailing__campaign__code"),
                campaign_name=F("message__mailing__campaign__name"),
            )
            .first()
        )
        found.append(
            Refusal(
                receiver=row["receiver"],
                count=row["count"],
                last_at=row["last_at"],
                last_reason=last["reason"],
                last_cause=last["cause"],
                campaign_code=last["campaign_code"],
                campaign_name=last["campaign_name"] or "",
            )
        )
    return found


def _refusals_item() -> Item:
    title = _("No receiver refuses our messages")
    days = {"days": REFUSAL_DAYS}
    if found := refusals():
        detail = _(
            "Receivers refused messages in the last %(days)d days because of our server, our "
            "domain or the content. Check SPF, DKIM and DMARC above, ask the blocklist named "
            "in the receiver's words to remove our server, and review the content."
        )
        return Item("refusals", title, FAIL, detail % days, "envios-masivos", refusals=found)
    since = timezone.now() - datetime.timedelta(days=REFUSAL_DAYS)
    if not Message.objects.filter(status=MessageStatus.SENT, sent_at__gte=since).exists():
        detail = _("Nothing was sent in the last %(days)d days.")
        return Item("refusals", title, UNKNOWN, detail % days, "envios-masivos")
    detail = _("No receiver refused a message because of our side in the last %(days)d days.")
    return Item("refusals", title, OK, detail % days, "envios-masivos")


def checklist() -> list[Item]:
    """What Gmail, Yahoo and Microsoft require of bulk senders, item by item, for the
    account as it is now (DNS results as last verified)."""
    return [
        _domain_item("spf", _("SPF passes"), "spf", verification.SPF),
        _domain_item("dkim", _("DKIM passes"), "dkim", verification.DKIM),
        _dmarc_item(),
        _one_click_item(),
        _unsubscribe_link_item(),
        _ptr_item(),
        _tls_item(),
        _complaints_item(),
        _refusals_item(),
    ]


def unverified_warning(sender: SenderIdentity | None) -> str:
    """A warning to show before sending from ``sender``, or "" if its domain is verified."""
    if sender is None or sender.domain.status == DomainStatus.VERIFIED:
        return ""
    return _(
        "The domain %(domain)s of %(address)s is not verified: receivers may reject these "
        "messages or file them as spam. Publish its DNS records and verify it in Domains."
    ) % {"domain": sender.domain.name, "address": sender.from_email}
