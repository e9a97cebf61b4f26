"""Providers' webhooks: what Amazon SES, Brevo, Mailgun, Postmark and SendGrid tell us about
the messages they carried, through django-anymail's normalised ``tracking`` events.

The endpoints are anymail's own views, with their security: the shared basic auth
(``ANYMAIL["WEBHOOK_SECRET"]``) on all of them, Mailgun's HMAC signature, SendGrid's ECDSA
signature when its key is set, and, for Amazon SES, SNS's signature (pregon.tracking.sns),
which anymail does not check. An endpoint is closed (404) until its secrets are set. A
malformed payload is anymail's 400; a whole post is recorded in one transaction, so that a
provider's retry of a post that failed halfway records each fact once.

`receive` turns each event into what Pregón keeps (docs/design.md, "Providers' webhooks"):

=================  ===================================================================
anymail event      what it becomes
=================  ===================================================================
bounced            a bounce whose cause (and so kind: hard, soft, or sending-side, which
                   suppresses no one) pregon.sending.bounces.classifier reads from the
                   receiving server's words and status code the provider passes on; only
                   without them, from the provider's own category (``PROVIDER_CAUSE``:
                   Amazon SES bounceType and subtype, Postmark Type, Brevo's event,
                   SendGrid's type, Mailgun's severity)
rejected           by the provider's reason: an invalid or bounced address as a bounce
                   (above), a block of ours a sending-side bounce, an earlier complaint a
                   complaint, an earlier unsubscription an unsubscription, given up after
                   retries an expired (soft) bounce; other refusals of ours (policy,
                   content, account) only a log line
failed, deferred   a log line: the first is about our message, not the address; after
                   the second the provider keeps trying, and says bounced when it stops
complained         a complaint; a receiver's spam filter's verdict, which anymail also
                   calls a complaint (``FILTER_VERDICTS``), a sending-side bounce
opened, clicked    an Event, flagged "provider_proxy" when the provider says a proxy
                   loaded it, or by our own rules (pregon.tracking.agents)
unsubscribed       an unsubscription (pregon.tracking.unsubscribing)
anything else      nothing (queued, sent, delivered, subscribed, autoresponded)
=================  ===================================================================
"""

import logging
import warnings
from collections.abc import Callable
from typing import Any

import requests
from anymail.exceptions import (
    AnymailAPIError,
    AnymailNotSupportedWarning,
    AnymailWebhookValidationFailure,
)
from anymail.signals import AnymailTrackingEvent, EventType, RejectReason
from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from anymail.webhooks.brevo import BrevoTrackingWebhookView
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from anymail.webhooks.sendgrid import SendGridTrackingWebhookView
from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from pregon.sending import bounces
from pregon.sending.bounces.classifier import Diagnosis, classify
from pregon.sending.models import HAS_PROVIDER_ID, Bounce, BounceCause, BounceSource, Message
from pregon.tracking import engagement, sns
from pregon.tracking.agents import machine_reason
from pregon.tracking.models import Event, EventKind, hash_ip
from pregon.tracking.unsubscribing import unsubscribe

logger = logging.getLogger(__name__)

# As in pregon.sending.transports.providers.sendgrid: anymail warns on every SendGrid view it
# makes.
warnings.filterwarnings("ignore", category=AnymailNotSupportedWarning, module=r"anymail\.")

# What a payload that is not the provider's shape raises inside anymail's parsing.
MALFORMED = (ValueError, KeyError, TypeError, AttributeError, IndexError, AnymailAPIError)
PROXY = "provider_proxy"  # One of agents.MACHINE_REASONS.


class _Strict:
    """A payload anymail can't read is a 400, not a 500 the provider would retry forever."""

    esp_name: str

    def run_validators(self, request: HttpRequest) -> None:
        try:
            super().run_validators(request)  # type: ignore[misc]
        except MALFORMED as error:
            raise AnymailWebhookValidationFailure(f"Malformed {self.esp_name} webhook") from error

    def parse_events(self, request: HttpRequest) -> list[AnymailTrackingEvent]:
        try:
            return super().parse_events(request)  # type: ignore[misc]
        except MALFORMED as error:
            raise AnymailWebhookValidationFailure(f"Malformed {self.esp_name} webhook") from error


class AmazonSes(_Strict, AmazonSESTrackingWebhookView):
    """Anymail's view, with SNS's signature checked, and a subscription confirmed by
    visiting SNS's own SubscribeURL (anymail's boto3 call needs AWS keys in settings)."""

    def run_validators(self, request: HttpRequest) -> None:
        super().run_validators(request)  # Basic auth first: a stranger fetches nothing.
        sns.verify(self._parse_sns_message(request))

    def auto_confirm_sns_subscription(self, sns_message: dict[str, Any]) -> None:
        url = sns_message.get("SubscribeURL", "")
        if not sns.is_sns_url(url):
            raise AnymailWebhookValidationFailure("SNS SubscribeURL is not Amazon SNS's")
        requests.get(url, timeout=sns.TIMEOUT, allow_redirects=False).raise_for_status()


class Brevo(_Strict, BrevoTrackingWebhookView):
    pass


class Mailgun(_Strict, MailgunTrackingWebhookView):
    pass


class Postmark(_Strict, PostmarkTrackingWebhookView):
    pass


class SendGrid(_Strict, SendGridTrackingWebhookView):
    pass


def endpoint(view_class: type, *secrets: str) -> Callable[[HttpRequest], HttpResponse]:
    """The URL's view: 404 while any of ``secrets`` (ANYMAIL settings) is unset; otherwise
    anymail's view, in one transaction."""
    view = view_class.as_view()

    @csrf_exempt
    def webhook(request: HttpRequest) -> HttpResponse:
        if not all(settings.ANYMAIL.get(name) for name in ("WEBHOOK_SECRET", *secrets)):
            raise Http404
        with transaction.atomic():
            return view(request)

    return webhook


def receive(sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any) -> None:
    """Record one of anymail's tracking events (connected in pregon.tracking.apps)."""
    action = ACTIONS.get(event.event_type)
    if action is None:
        return
    with transaction.atomic():
        message = _message(event)
        if message is None:
            logger.debug(
                "%s %s event for an unknown message %r",
                esp_name,
                event.event_type,
                event.message_id,
            )
            return
        action(message, event, esp_name)


def _message(event: AnymailTrackingEvent) -> Message | None:
    """The message the event is about, locked (not its mailing, which senders update) so that
    a provider's retry arriving at the same time waits and then sees this one's rows."""
    if not event.message_id:
        return None
    # Mailgun's and Brevo's ids are a Message-ID, which some payloads give without <>.
    bare = str(event.message_id).strip().strip("<>")
    candidates = Message.objects.select_for_update(of=("self",)).filter(
        HAS_PROVIDER_ID, provider_message_id__in={bare, f"<{bare}>", str(event.message_id)}
    )
    recipient = (event.recipient or "").strip().lower()
    for message in candidates.select_related("mailing"):
        if not recipient or message.email.lower() == recipient:
            return message
    return None


def _bounced(message: Message, event: AnymailTrackingEvent, esp_name: str) -> None:
    _bounce(message, event, _cause(esp_name, event, BounceCause.USER_UNKNOWN))


def _rejected(message: Message, event: AnymailTrackingEvent, esp_name: str) -> None:
    reason = event.reject_reason
    if reason in (RejectReason.INVALID, RejectReason.BOUNCED):
        _bounce(message, event, _cause(esp_name, event, BounceCause.USER_UNKNOWN))
    elif reason == RejectReason.BLOCKED:
        _bounce(message, event, _cause(esp_name, event, BounceCause.BLOCKED))
    elif reason == RejectReason.SPAM:
        _bounce(message, event, BounceCause.COMPLAINT)
    elif reason == RejectReason.UNSUBSCRIBED:
        _unsubscribed(message, event, esp_name)
    elif reason == RejectReason.TIMED_OUT:
        _bounce(message, event, BounceCause.EXPIRED)
    else:
        _not_the_address(message, event, esp_name)


# What a provider's own category of a bounce means, for when it passes on no words of the
# receiving server: Amazon SES "bounceType: bounceSubType" (anymail's description), Postmark's
# Type, Brevo's event, SendGrid's type, Mailgun's severity.
PROVIDER_CAUSE: dict[str, BounceCause] = {
    "Permanent: General": BounceCause.USER_UNKNOWN,
    "Permanent: NoEmail": BounceCause.USER_UNKNOWN,
    "Permanent: Suppressed": BounceCause.USER_UNKNOWN,
    "Permanent: OnAccountSuppressionList": BounceCause.USER_UNKNOWN,
    "Transient: MailboxFull": BounceCause.MAILBOX_FULL,
    "Transient: MessageTooLarge": BounceCause.CONTENT_ERROR,
    "Transient: ContentRejected": BounceCause.CONTENT_ERROR,
    "Transient: AttachmentRejected": BounceCause.CONTENT_ERROR,
    "Transient: General": BounceCause.UNDEFINED,
    "Undetermined: Undetermined": BounceCause.UNDEFINED,
    "HardBounce": BounceCause.USER_UNKNOWN,
    "BadEmailAddress": BounceCause.USER_UNKNOWN,
    "SoftBounce": BounceCause.UNDEFINED,
    "Transient": BounceCause.UNDEFINED,
    "DnsError": BounceCause.NETWORK_ERROR,
    "SpamNotification": BounceCause.SPAM_DETECTED,
    "VirusNotification": BounceCause.CONTENT_ERROR,
    "ContentRelated": BounceCause.CONTENT_ERROR,
    "Blocked": BounceCause.BLOCKED,
    "hard_bounce": BounceCause.USER_UNKNOWN,
    "soft_bounce": BounceCause.UNDEFINED,
    "blocked": BounceCause.BLOCKED,
    "bounce": BounceCause.USER_UNKNOWN,
    "permanent": BounceCause.USER_UNKNOWN,
    "temporary": BounceCause.UNDEFINED,
}


def _cause(esp_name: str, event: AnymailTrackingEvent, otherwise: BounceCause) -> BounceCause:
    """Why the provider says the message bounced: from the receiving server's words and
    codes when it passes them on and they say why, else from its own category, else
    ``otherwise``."""
    status, code = _status_and_code(esp_name, event.esp_event)
    if event.mta_response or status or code:
        cause = classify(status, event.mta_response or "", code).cause
        if cause != BounceCause.UNDEFINED:
            return cause
    return PROVIDER_CAUSE.get(_category(esp_name, event) or "", otherwise)


def _category(esp_name: str, event: AnymailTrackingEvent) -> str | None:
    raw = event.esp_event
    if esp_name == "Amazon SES":
        return event.description
    if esp_name == "Postmark":
        return _field(raw, "Type")
    if esp_name == "Brevo":
        return _field(raw, "event")
    if esp_name == "SendGrid":
        return _field(raw, "type") or _field(raw, "event")
    if esp_name == "Mailgun":
        return _field(raw, "severity") or _field(raw, "event-data", "severity")
    return None


def _status_and_code(esp_name: str, raw: Any) -> tuple[str, int | None]:
    """The enhanced status code and SMTP reply code a provider's payload carries apart."""
    if esp_name == "SendGrid":
        return str(_field(raw, "status") or ""), None
    if esp_name == "Mailgun":
        delivery = _field(raw, "delivery-status") or _field(raw, "event-data", "delivery-status")
        code = _field(delivery, "code")
        return str(_field(delivery, "enhanced-code") or ""), code if isinstance(code, int) else None
    if esp_name == "Amazon SES":
        for recipient in _field(raw, "bounce", "bouncedRecipients") or []:
            if hasattr(recipient, "get") and recipient.get("status"):
                return str(recipient["status"]), None
    return "", None


def _not_the_address(message: Message, event: AnymailTrackingEvent, esp_name: str) -> None:
    # A refusal about our sending (policy, content, the account): counting it against the
    # address would suppress good addresses after a mistake in the provider's settings.
    logger.info(
        "%s: %s message %s (%s)",
        esp_name,
        event.event_type,
        message.id,
        event.description or event.mta_response or event.reject_reason or "no reason given",
    )


# Categories anymail calls a complaint though no person complained: a receiving server's spam
# filter refused or binned the message (Postmark's SpamNotification, not its SpamComplaint).
FILTER_VERDICTS = {"SpamNotification"}


def _complained(message: Message, event: AnymailTrackingEvent, esp_name: str) -> None:
    if _category(esp_name, event) in FILTER_VERDICTS:
        _bounce(message, event, _cause(esp_name, event, BounceCause.SPAM_DETECTED))
    else:
        _bounce(message, event, BounceCause.COMPLAINT)


def _unsubscribed(message: Message, event: AnymailTrackingEvent, esp_name: str) -> None:
    unsubscribe(message, via="provider", reason=event.description or esp_name)


def _opened(message: Message, event: AnymailTrackingEvent, esp_name: str) -> None:
    _engagement(message, event, esp_name, EventKind.OPENED)


def _clicked(message: Message, event: AnymailTrackingEvent, esp_name: str) -> None:
    _engagement(message, event, esp_name, EventKind.CLICKED)


ACTIONS: dict[str, Callable[[Message, AnymailTrackingEvent, str], None]] = {
    EventType.BOUNCED: _bounced,
    EventType.REJECTED: _rejected,
    EventType.FAILED: _not_the_address,
    EventType.COMPLAINED: _complained,
    EventType.OPENED: _opened,
    EventType.CLICKED: _clicked,
    EventType.UNSUBSCRIBED: _unsubscribed,
}


def _bounce(message: Message, event: AnymailTrackingEvent, cause: BounceCause) -> None:
    kind = Diagnosis(cause).kind
    at = event.timestamp or timezone.now()
    # Providers post again when they got no answer: the same fact, the same time.
    seen = Bounce.objects.filter(message=message, kind=kind, source=BounceSource.WEBHOOK, at=at)
    if seen.exists():
        return
    reason = ": ".join(part for part in (event.description, event.mta_response) if part)
    bounces.record(
        message.email,
        kind,
        BounceSource.WEBHOOK,
        cause=cause,
        reason=reason,
        message=message,
        at=at,
    )


def _engagement(message: Message, event: AnymailTrackingEvent, esp_name: str, kind: str) -> None:
    at = event.timestamp or timezone.now()
    link = _position(message.mailing.links, event.click_url) if kind == EventKind.CLICKED else None
    if Event.objects.filter(message=message, kind=kind, at=at, link=link).exists():
        return
    user_agent = (event.user_agent or "")[:500]
    ip = _ip(esp_name, event.esp_event)
    if _proxied(esp_name, event.esp_event):
        machine = PROXY
    else:
        machine = machine_reason(
            opening=kind == EventKind.OPENED, method="GET", user_agent=user_agent, ip=ip
        )
    saved = Event.described(
        kind=kind,
        message_id=message.pk,
        sent_at=message.sent_at,
        at=at,
        link=link,
        user_agent=user_agent,
        machine=machine,
        ip_hash=hash_ip(ip),
    )
    with transaction.atomic():
        saved.save()
        # The contact's last open and click, which segment rules read, as the spool keeps.
        engagement.keep_up([saved])


def _position(links: list[str], url: str | None) -> int | None:
    try:
        return links.index(url) if url else None
    except ValueError:
        return None


# What each provider's raw payload (anymail's esp_event) says beyond anymail's fields.


def _field(esp_event: Any, *path: str) -> Any:
    value = esp_event
    for name in path:
        value = value.get(name) if hasattr(value, "get") else None
    return value


def _proxied(esp_name: str, raw: Any) -> bool:
    """Whether the provider says a proxy (Apple Mail Privacy Protection) loaded the open."""
    if esp_name == "Brevo":
        return _field(raw, "event") in ("proxy_open", "unique_proxy_open")
    if esp_name == "SendGrid":
        return _field(raw, "sg_machine_open") in (True, "true")
    return False  # Mailgun, Postmark and Amazon SES don't say; our own rules judge.


def _ip(esp_name: str, raw: Any) -> str | None:
    """The address that opened or clicked, where the provider gives it."""
    if esp_name == "Mailgun":
        return _field(raw, "event-data", "ip") or _field(raw, "ip")
    if esp_name == "Postmark":
        return _field(raw, "Geo", "IP")
    if esp_name == "Amazon SES":
        return _field(raw, "open", "ipAddress") or _field(raw, "click", "ipAddress")
    return _field(raw, "ip")
