"""Provider APIs (Amazon SES, Brevo, Mailgun, Postmark, SendGrid) as delivery transports.

The engine builds and signs every message itself, the same for every backend. For a provider,
`ProviderTransport` reads those bytes back into a Django ``EmailMultiAlternatives`` and hands
it to django-anymail's backend for the provider, made directly with its settings (we have
one per `Backend` row, not one in settings.py). Anymail's answer becomes a `Result` exactly
as an SMTP reply does, because billing and retries follow from it:

==========================================  =======  ==========================================
what the provider answered                  outcome  why
==========================================  =======  ==========================================
accepted (anymail: ``sent`` or ``queued``)  SENT     ``reply`` carries the provider's message id
recipient ``invalid``                       FAILED   ``cause``: as SMTP's 5.1.3, not an address
recipient ``rejected`` (suppression list)   FAILED   not marked unknown: hard bounce or complaint?
HTTP 429, 5xx, connection trouble, timeout  RETRY    ``may_have_arrived`` after a read timeout,
                                                     502 or 504: the request may have been done
HTTP 401, 402, 403, 404                     RETRY    our key, account or URL: as SMTP 535
other 4xx about the sender, the domain,     RETRY    our settings: every message would fail
  the account, the stream or the key
other 4xx (bad payload)                     FAILED   ``cause`` as 5.1.3 if it is the recipient's
                                                     address that the provider refused
==========================================  =======  ==========================================

A transport never sends a message twice on its own, so boto3's retries are off. The API key
never appears in a `Result`, a ``repr`` or a log line from here.
"""

import contextlib
import email
import email.policy
import re
import warnings
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any

import requests
from anymail.exceptions import (
    AnymailAPIError,
    AnymailConfigurationError,
    AnymailError,
    AnymailNotSupportedWarning,
    AnymailRecipientsRefused,
)
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.utils.translation import gettext as _

from pregon.lib import vault
from pregon.sending.backends import Outcome, Result
from pregon.sending.bounces.classifier import classify
from pregon.sending.models import Backend, BackendKind

# Anymail 15 warns, each time its SendGrid backend is made, that it no longer supports
# SendGrid officially (anymail issue #432). The backend still works against SendGrid's v3 API,
# which our tests check; the warning is for us, not for whoever runs Pregón.
warnings.filterwarnings("ignore", category=AnymailNotSupportedWarning, module=r"anymail\.")

# The headers the engine wrote that the provider must pass on. From, To, Subject and
# Reply-To go as the message's own fields; Date and MIME structure are the provider's to
# write. DKIM-Signature is left out on purpose: the provider re-encodes the body and rewrites
# headers, which would break our signature, and signs with the keys of the domain set up with
# it (a failing signature next to a good one only adds noise to receivers' verdicts).
PASSED_HEADERS = (
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "List-Id",
    "Feedback-ID",
    "Message-ID",
)

MAILGUN_API_URLS = {"us": "https://api.mailgun.net/v3", "eu": "https://api.eu.mailgun.net/v3"}
SENDGRID_API_URLS = {
    "global": "https://api.sendgrid.com/v3/",
    "eu": "https://api.eu.sendgrid.com/v3/",
}
POSTMARK_API_URL = "https://api.postmarkapp.com/"
BREVO_API_URL = "https://api.brevo.com/v3/"
SES_DEFAULT_REGION = "us-east-1"
# Postmark keeps bulk mail apart from transactional mail: campaigns must go through a
# Broadcasts message stream, and every server has one called "broadcast".
POSTMARK_DEFAULT_STREAM = "broadcast"

TIMEOUT = 30.0
CHECK_TIMEOUT = 15.0

# Anymail's envelope_sender means a real return path only for Amazon SES, which forwards the
# bounces it receives to that address (our VERP mailbox can then match them). Mailgun takes
# only its domain, to pick the Mailgun sending domain; Brevo, Postmark and SendGrid don't
# support it. Those providers use their own return paths; their bounces come by webhook.
_ENVELOPE_SENDER = {BackendKind.AMAZON_SES}
# Providers that would otherwise add their own open pixel and rewrite links on top of ours
# (anymail can't switch it off for Brevo or Amazon SES, where it is off unless set up).
_TRACKING_SWITCH = {BackendKind.MAILGUN, BackendKind.POSTMARK, BackendKind.SENDGRID}

# Postmark's ErrorCode values that are about our token, account, sender signature or stream
# (https://postmarkapp.com/developer/api/overview#error-codes), not about the message.
_POSTMARK_SETTINGS_CODES = frozenset({10, 400, 401, 405, 412, 1235})
# Error text of a 4xx that puts it down to our settings rather than to this message.
_SETTINGS_TEXT = re.compile(
    r"\b(?:from|sender|signature|domain|stream|account|credits?|quota|api[ _-]?key|token|"
    r"permission|forbidden|unauthori[sz]ed|not allowed|not verified|sandbox|suspended|paused)\b",
    re.IGNORECASE,
)
# Error text that says the recipient's address itself was refused as not being one.
_BAD_RECIPIENT_TEXT = re.compile(
    r"'to' parameter is not a valid address|personalizations\.\d+\.to\.\d+\.email|"
    r"\bnot valid in to\b|invalid 'to' address|error parsing 'to'",
    re.IGNORECASE,
)
# Amazon SES error codes about the credentials, the account or its identities.
_SES_SETTINGS_CODES = frozenset(
    {
        "AccessDeniedException",
        "AccountSuspendedException",
        "ExpiredTokenException",
        "IncompleteSignature",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "MailFromDomainNotVerifiedException",
        "NotFoundException",
        "SendingPausedException",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
    }
)
_SES_THROTTLING_CODES = frozenset(
    {"TooManyRequestsException", "LimitExceededException", "ThrottlingException", "Throttling"}
)


@dataclass(frozen=True)
class ProviderSettings:
    """How to reach one provider's API: what `Backend` holds, decrypted.

    ``api_key`` is the API key (Postmark: the server token; Amazon SES: the secret access
    key), ``key_id`` the access key id for Amazon SES. ``options`` are the backend's other
    settings: ``region`` (Amazon SES: an AWS region; Mailgun "us" or "eu"; SendGrid "global"
    or "eu"), ``sender_domain`` (Mailgun), ``message_stream`` (Postmark) and ``api_url``,
    which replaces the provider's API address (for a proxy, or the tests' fake provider).
    """

    kind: str
    api_key: str = field(repr=False)
    key_id: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    timeout: float = TIMEOUT

    def __post_init__(self) -> None:
        if self.kind not in _ESP_NAMES:
            raise ValueError(f"Not a provider: {self.kind!r}")

    @property
    def esp_name(self) -> str:
        return _ESP_NAMES[self.kind]

    @property
    def api_url(self) -> str:
        """The API's base address."""
        region = self.options.get("region") or ""
        default = {
            BackendKind.MAILGUN: MAILGUN_API_URLS.get(region, MAILGUN_API_URLS["us"]),
            BackendKind.SENDGRID: SENDGRID_API_URLS.get(region, SENDGRID_API_URLS["global"]),
            BackendKind.POSTMARK: POSTMARK_API_URL,
            BackendKind.BREVO: BREVO_API_URL,
            BackendKind.AMAZON_SES: f"https://email.{self.region}.amazonaws.com",
        }[self.kind]
        return (self.options.get("api_url") or default).rstrip("/") + "/"

    @property
    def region(self) -> str:
        """Amazon SES's AWS region."""
        return self.options.get("region") or SES_DEFAULT_REGION

    @property
    def sender_domain(self) -> str:
        return self.options.get("sender_domain") or ""

    @property
    def message_stream(self) -> str:
        return self.options.get("message_stream") or POSTMARK_DEFAULT_STREAM

    def boto3_params(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Amazon SES: the boto3 session's and client's parameters."""
        session = {
            "aws_access_key_id": self.key_id,
            "aws_secret_access_key": self.api_key,
            "region_name": self.region,
        }
        client: dict[str, Any] = {
            # boto3 retries throttling, 5xx and dropped connections by itself, which could
            # send a message twice; the engine retries instead.
            "config": {
                "retries": {"total_max_attempts": 1},
                "connect_timeout": min(self.timeout, 10),
                "read_timeout": self.timeout,
            }
        }
        if self.options.get("api_url"):
            client["endpoint_url"] = self.options["api_url"]
        return session, client

    def anymail_backend(self) -> Any:
        """Anymail's backend for this provider, configured by arguments, not by settings."""
        kind = self.kind
        if kind == BackendKind.AMAZON_SES:
            from anymail.backends.amazon_ses import EmailBackend as SesBackend

            session_params, client_params = self.boto3_params()
            return SesBackend(session_params=session_params, client_params=client_params)
        common = {"api_url": self.api_url, "timeout": self.timeout}
        if kind == BackendKind.MAILGUN:
            from anymail.backends.mailgun import EmailBackend as MailgunBackend

            if not self.sender_domain:
                raise AnymailConfigurationError("No Mailgun sending domain is set.")
            return MailgunBackend(api_key=self.api_key, sender_domain=self.sender_domain, **common)
        if kind == BackendKind.POSTMARK:
            from anymail.backends.postmark import EmailBackend as PostmarkBackend

            return PostmarkBackend(
                server_token=self.api_key, message_stream=self.message_stream, **common
            )
        if kind == BackendKind.SENDGRID:
            from anymail.backends.sendgrid import EmailBackend as SendGridBackend

            return SendGridBackend(api_key=self.api_key, **common)
        from anymail.backends.brevo import EmailBackend as BrevoBackend

        return BrevoBackend(api_key=self.api_key, **common)


_ESP_NAMES = {
    BackendKind.AMAZON_SES: "Amazon SES",
    BackendKind.BREVO: "Brevo",
    BackendKind.MAILGUN: "Mailgun",
    BackendKind.POSTMARK: "Postmark",
    BackendKind.SENDGRID: "SendGrid",
}


def settings_for(backend: Backend) -> ProviderSettings:
    """The settings of a provider backend; raises vault.InvalidToken for an unreadable key."""
    return ProviderSettings(
        kind=backend.kind,
        api_key=vault.decrypt(backend.password) if backend.password else "",
        key_id=backend.username,
        options=dict(backend.options or {}),
    )


def provider_transport(backend: Backend) -> "ProviderTransport":
    """The transport for a provider backend (pregon.sending.transports calls it)."""
    return ProviderTransport(settings_for(backend))


def check_provider(backend: Backend) -> Result:
    """The "Test connection" button for a provider backend; never raises but InvalidToken."""
    return ProviderTransport(settings_for(backend)).check()


class ProviderTransport:
    """One provider's API, kept open (an HTTP session, or a boto3 client) between messages.

    Not thread-safe: one thread at a time, as `SmtpTransport`.
    """

    delivers = True

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings
        self._esp: Any = None

    def __repr__(self) -> str:
        return f"<ProviderTransport {self.settings.esp_name} {self.settings.api_url}>"

    def send(self, mail_from: str, recipient: str, data: bytes) -> Result:
        """Hand the finished message to the provider; see the table in the module docstring."""
        try:
            message = to_email_message(data, recipient, self.settings.kind)
        except (ValueError, LookupError, TypeError) as error:
            return Result(Outcome.FAILED, None, f"The message could not be read: {error}")
        if self.settings.kind in _ENVELOPE_SENDER:
            message.envelope_sender = mail_from  # type: ignore[attr-defined]
        if self.settings.kind in _TRACKING_SWITCH:
            # Ours are in the message already; the provider's would wrap our links again.
            message.track_clicks = False  # type: ignore[attr-defined]
            message.track_opens = False  # type: ignore[attr-defined]
        try:
            esp = self._backend()
        except Exception as error:
            # A missing Mailgun domain, boto3 refusing a region name: our settings, not this
            # message, which waits for them to be fixed.
            reply = f"Could not set up the {self.settings.esp_name} client: {_first_line(error)}"
            return Result(Outcome.RETRY, None, self._redact(reply))
        try:
            esp.send_messages([message])
        except AnymailRecipientsRefused as error:
            return self._refused(message, recipient, error)
        except (AnymailConfigurationError, ImproperlyConfigured) as error:
            self.close()
            reply = f"The {self.settings.esp_name} settings are incomplete: {_first_line(error)}"
            return Result(Outcome.RETRY, None, self._redact(reply))
        except AnymailAPIError as error:
            return self._api_error(error)
        except AnymailError as error:
            # Raised before anything was sent: the message has something the provider can't
            # take (an unsupported feature, an address it can't encode).
            return Result(Outcome.FAILED, None, self._redact(_first_line(error)))
        status = getattr(message, "anymail_status", None)
        recipient_status = status.recipients.get(recipient) if status is not None else None
        message_id = getattr(recipient_status, "message_id", None) or getattr(
            status, "message_id", None
        )
        name = self.settings.esp_name
        reply = f"{name} accepted it: {message_id}" if message_id else f"{name} accepted it."
        return Result(
            Outcome.SENT, None, self._redact(reply), provider_id=str(message_id or "")[:255]
        )

    def close(self) -> None:
        """Close the HTTP session (or boto3 client); it is opened again on the next send."""
        esp, self._esp = self._esp, None
        if esp is not None:
            # Closing a broken session must not fail a worker; nothing is left to release.
            with contextlib.suppress(Exception):
                esp.close()

    def check(self) -> Result:
        """One cheap authenticated API call: SENT with what it said, or FAILED/RETRY and why."""
        try:
            if self.settings.kind == BackendKind.AMAZON_SES:
                return self._redact_result(_check_ses(self.settings))
            return self._redact_result(_CHECKS[self.settings.kind](self.settings))
        except requests.RequestException as error:
            return Result(
                Outcome.RETRY,
                None,
                self._redact(
                    _("Could not reach %(provider)s: %(error)s")
                    % {"provider": self.settings.api_url, "error": error}
                ),
            )

    # Internals.

    def _backend(self) -> Any:
        if self._esp is None:
            esp = self.settings.anymail_backend()
            esp.open()
            self._esp = esp
        return self._esp

    def _refused(self, message: Any, recipient: str, error: AnymailRecipientsRefused) -> Result:
        """Every recipient (there is one) was refused: FAILED, with the provider's reason."""
        status = message.anymail_status.recipients.get(recipient)
        why = _response_text(error.response) or "no reason given"
        name = self.settings.esp_name
        if status is not None and status.status == "invalid":
            reply = f"{name} refused the address as invalid: {why}"
            return Result(Outcome.FAILED, None, self._redact(reply), cause=_bad_address(why))
        # Postmark's "inactive" recipients: a hard bounce or a spam complaint before, or a
        # manual suppression; it doesn't say which, so the contact is not marked as bounced.
        reply = f"{name} refused the recipient (on its suppression list): {why}"
        return Result(Outcome.FAILED, None, self._redact(reply))

    def _api_error(self, error: AnymailAPIError) -> Result:
        name = self.settings.esp_name
        if self.settings.kind == BackendKind.AMAZON_SES:
            return self._redact_result(_ses_error(error))
        if error.status_code is None:
            # No answer: requests' own error, wrapped by anymail (ConnectionError, Timeout…).
            cause = error.__cause__ or error
            self.close()
            arrived = _request_may_have_arrived(error)
            why = (
                f"no answer within {self.settings.timeout:g} s"
                if isinstance(error, requests.Timeout)
                else _first_line(cause)
            )
            reply = (
                f"Connection to {name} lost after the message was sent; it may have been "
                f"accepted ({why})."
                if arrived
                else f"Could not reach {name} ({why})."
            )
            return Result(Outcome.RETRY, None, self._redact(reply), may_have_arrived=arrived)
        response = error.response
        text = _response_text(response)
        return self._redact_result(
            _classify_http(name, error.status_code, text, _postmark_code(response))
        )

    def _redact(self, text: str) -> str:
        for secret in (self.settings.api_key,):
            if secret and len(secret) >= 4:
                text = text.replace(secret, "…")
        return text

    def _redact_result(self, result: Result) -> Result:
        return Result(
            result.outcome,
            result.code,
            self._redact(result.reply),
            cause=result.cause,
            may_have_arrived=result.may_have_arrived,
        )


def to_email_message(data: bytes, recipient: str, kind: str = "") -> EmailMultiAlternatives:
    """The engine's finished message as a Django message for anymail.

    Subject, From, Reply-To, the text and HTML parts and the list headers (`PASSED_HEADERS`)
    are taken from ``data``; the recipient is the envelope's (with the To header's display
    name when it is the same address). DKIM-Signature and the rest stay behind.
    """
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    senders = _addresses(parsed, "From")
    if len(senders) != 1:
        raise ValueError("the message needs exactly one From address")
    to = recipient
    for address in _addresses(parsed, "To"):
        if address.addr_spec.lower() == recipient.lower() and address.display_name:
            to = str(Address(address.display_name, addr_spec=recipient))
    # The values as written (unfolded), not decoded: the builder already put RFC 2047 words
    # where they belong (in List-Id, around the description only). Decoded, the whole value
    # would be encoded again as one word, <list-id> included, which no reader can parse.
    wanted = {name.lower(): name for name in PASSED_HEADERS}
    headers = {
        wanted[name.lower()]: " ".join(value.split())
        for name, value in parsed.raw_items()
        if name.lower() in wanted
    }
    list_id = headers.get("List-Id", "")
    if kind == BackendKind.BREVO and ("=?" in list_id or not list_id.isascii()):
        # Brevo decodes encoded words and sends the header as raw 8-bit UTF-8. The
        # description before <list-id> is optional (RFC 2919 §3): drop it.
        match = re.search(r"<[^<>]*>", list_id)
        if match:
            headers["List-Id"] = match.group(0)
        else:
            del headers["List-Id"]
    # The parts as written have CRLF line ends (the wire's); APIs take text with LF ends and
    # write CRLF themselves, and Django's MIME (for Amazon SES) would double the CR.
    text = _content(parsed.get_body(preferencelist=("plain",)))
    html = _content(parsed.get_body(preferencelist=("html",)))
    message = EmailMultiAlternatives(
        subject=str(parsed.get("Subject", "")),
        body=text or "",
        from_email=str(senders[0]),
        to=[to],
        reply_to=[str(address) for address in _addresses(parsed, "Reply-To")],
        headers=headers,
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message


def _content(part: Any) -> str | None:
    if part is None:
        return None
    return part.get_content().replace("\r\n", "\n")


def _addresses(message: EmailMessage, name: str) -> list[Address]:
    header = message.get(name)
    if header is None:
        return []
    return list(getattr(header, "addresses", ()))


def _first_line(error: BaseException) -> str:
    text = str(error.args[0]) if error.args else type(error).__name__
    return text.splitlines()[0] if text else type(error).__name__


def _response_text(response: Any) -> str:
    """What a provider said in an error response, in a line: its message, not the payload."""
    if response is None:
        return ""
    if isinstance(response, dict):  # boto3's parsed error
        error = response.get("Error", {})
        return f"{error.get('Code', '')}: {error.get('Message', '')}".strip(": ")
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text.split())[:300]
    parts: list[str] = []
    if isinstance(body, dict):
        # Mailgun {"message"}, Brevo {"code", "message"}, Postmark {"ErrorCode", "Message"},
        # SendGrid {"errors": [{"message", "field"}]}.
        if body.get("code"):
            parts.append(str(body["code"]))
        for key in ("message", "Message"):
            if body.get(key):
                parts.append(str(body[key]))
        for item in body.get("errors") or []:
            if isinstance(item, dict):
                where = f" ({item['field']})" if item.get("field") else ""
                parts.append(f"{item.get('message', '')}{where}")
    text = "; ".join(" ".join(part.split()) for part in parts if part)
    return (text or " ".join(response.text.split()))[:300]


def _postmark_code(response: Any) -> int | None:
    try:
        body = response.json()
    except (AttributeError, ValueError):
        return None
    code = body.get("ErrorCode") if isinstance(body, dict) else None
    return code if isinstance(code, int) else None


def _classify_http(name: str, status: int, text: str, postmark_code: int | None) -> Result:
    """The Result for an HTTP error answer (the module docstring's table)."""
    reply = f"{name} answered HTTP {status}: {text}" if text else f"{name} answered HTTP {status}."
    if status == 429:
        return Result(Outcome.RETRY, None, reply)
    if status >= 500:
        # A gateway's 502 or 504 may come after the provider took the message.
        return Result(Outcome.RETRY, None, reply, may_have_arrived=status in (502, 504))
    if status in (401, 402, 403, 404):
        # A refused key, an unpaid account, a sender the key may not use, a wrong domain or
        # address: about our settings, not this message, which waits for them to be fixed.
        return Result(Outcome.RETRY, None, reply)
    if postmark_code in _POSTMARK_SETTINGS_CODES or (
        _SETTINGS_TEXT.search(text) and not _BAD_RECIPIENT_TEXT.search(text)
    ):
        return Result(Outcome.RETRY, None, reply)
    cause = _bad_address(text) if _BAD_RECIPIENT_TEXT.search(text) else ""
    return Result(Outcome.FAILED, None, reply, cause=cause)


def _bad_address(why: str) -> str:
    """The cause of a provider's refusal of the recipient's address as no address at all:
    what an SMTP server says with 5.1.3 (bad destination mailbox address syntax)."""
    return classify("5.1.3", why).cause


def _request_may_have_arrived(error: BaseException) -> bool:
    """Whether a request that got no answer may still have reached the provider.

    Not when the connection was never made (refused, DNS, connect timeout); yes when it broke
    or timed out after the request went out.
    """
    if isinstance(error, requests.ConnectTimeout):
        return False
    if isinstance(error, requests.ConnectionError) and not isinstance(error, requests.Timeout):
        from urllib3.exceptions import NewConnectionError

        reason = getattr(error.args[0], "reason", None) if error.args else None
        cause = error.__cause__
        for candidate in (reason, cause, getattr(cause, "args", [None])[0] if cause else None):
            if isinstance(candidate, NewConnectionError):
                return False
            inner = getattr(candidate, "reason", None)
            if isinstance(inner, NewConnectionError):
                return False
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def _ses_error(error: AnymailAPIError) -> Result:
    """Amazon SES (boto3) errors as Results."""
    from botocore.exceptions import (
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
    )

    response = error.response if isinstance(error.response, dict) else None
    if response is None:
        cause = error.__cause__
        if isinstance(cause, (EndpointConnectionError, ConnectTimeoutError)) and not isinstance(
            cause, ReadTimeoutError
        ):
            return Result(Outcome.RETRY, None, f"Could not reach Amazon SES ({cause}).")
        return Result(
            Outcome.RETRY,
            None,
            "Connection to Amazon SES lost after the message was sent; it may have been "
            f"accepted ({cause or _first_line(error)}).",
            may_have_arrived=True,
        )
    code = response.get("Error", {}).get("Code", "")
    message = response.get("Error", {}).get("Message", "")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    reply = f"Amazon SES answered HTTP {status}: {_response_text(response)}"
    if code in _SES_THROTTLING_CODES or status == 429:
        return Result(Outcome.RETRY, None, reply)
    if status >= 500:
        return Result(Outcome.RETRY, None, reply, may_have_arrived=status in (502, 504))
    if code in _SES_SETTINGS_CODES or status in (401, 403, 404):
        return Result(Outcome.RETRY, None, reply)
    if code == "MessageRejected" and "not verified" in message:
        # The sender's identity is unverified, or, in the sandbox, the recipient's: settings.
        return Result(Outcome.RETRY, None, reply)
    return Result(Outcome.FAILED, None, reply)


# "Test connection": one cheap authenticated call per provider.


def _check_answer(name: str, response: requests.Response) -> Result | None:
    """None for a 2xx; otherwise the Result that explains the refusal."""
    if 200 <= response.status_code < 300:
        return None
    text = _response_text(response)
    reply = _("%(provider)s answered HTTP %(status)s: %(text)s") % {
        "provider": name,
        "status": response.status_code,
        "text": text,
    }
    reply = reply.rstrip(": ")
    if response.status_code == 429 or response.status_code >= 500:
        return Result(Outcome.RETRY, None, reply)
    return Result(Outcome.FAILED, None, reply)


def _get(settings: ProviderSettings, path: str, **kwargs: Any) -> requests.Response:
    return requests.get(settings.api_url + path, timeout=CHECK_TIMEOUT, **kwargs)


def _check_mailgun(settings: ProviderSettings) -> Result:
    if not settings.sender_domain:
        return Result(Outcome.FAILED, None, _("No Mailgun sending domain is set."))
    response = _get(settings, f"domains/{settings.sender_domain}", auth=("api", settings.api_key))
    refused = _check_answer("Mailgun", response)
    if refused:
        return refused
    domain = response.json().get("domain", {})
    state = domain.get("state", "unknown")
    if state != "active":
        return Result(
            Outcome.FAILED,
            None,
            _("Mailgun knows %(domain)s but it is %(state)s: finish setting it up in Mailgun.")
            % {"domain": domain.get("name", settings.sender_domain), "state": state},
        )
    return Result(
        Outcome.SENT,
        None,
        _("Mailgun accepted the API key; %(domain)s is active.") % {"domain": domain.get("name")},
    )


def _check_postmark(settings: ProviderSettings) -> Result:
    headers = {"X-Postmark-Server-Token": settings.api_key, "Accept": "application/json"}
    response = _get(settings, "server", headers=headers)
    refused = _check_answer("Postmark", response)
    if refused:
        return refused
    server = response.json().get("Name", "")
    stream = settings.message_stream
    response = _get(settings, f"message-streams/{stream}", headers=headers)
    refused = _check_answer("Postmark", response)
    if refused:
        reply = _("Message stream “%(stream)s”: %(reply)s") % {
            "stream": stream,
            "reply": refused.reply,
        }
        return Result(refused.outcome, None, reply)
    kind = response.json().get("MessageStreamType", "")
    if kind != "Broadcasts":
        return Result(
            Outcome.FAILED,
            None,
            _(
                "The message stream “%(stream)s” of server “%(server)s” is %(kind)s: Postmark "
                "only allows campaigns through a Broadcasts stream."
            )
            % {"stream": stream, "server": server, "kind": kind},
        )
    return Result(
        Outcome.SENT,
        None,
        _(
            "Postmark accepted the server token of “%(server)s”; stream “%(stream)s” is for "
            "broadcasts."
        )
        % {"server": server, "stream": stream},
    )


def _check_sendgrid(settings: ProviderSettings) -> Result:
    headers = {"Authorization": f"Bearer {settings.api_key}", "Accept": "application/json"}
    response = _get(settings, "scopes", headers=headers)
    refused = _check_answer("SendGrid", response)
    if refused:
        return refused
    if "mail.send" not in response.json().get("scopes", []):
        return Result(
            Outcome.FAILED, None, _("SendGrid accepted the API key, but it may not send mail.")
        )
    return Result(Outcome.SENT, None, _("SendGrid accepted the API key, which may send mail."))


def _check_brevo(settings: ProviderSettings) -> Result:
    headers = {"api-key": settings.api_key, "Accept": "application/json"}
    response = _get(settings, "account", headers=headers)
    refused = _check_answer("Brevo", response)
    if refused:
        return refused
    account = response.json()
    who = account.get("companyName") or account.get("email") or "?"
    return Result(Outcome.SENT, None, _("Brevo accepted the API key of %(who)s.") % {"who": who})


def _check_ses(settings: ProviderSettings) -> Result:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    session_params, client_params = settings.boto3_params()
    client_params["config"] = Config(**client_params["config"])
    try:
        client = boto3.session.Session(**session_params).client("sesv2", **client_params)
        account = client.get_account()
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        reply = _("%(provider)s answered HTTP %(status)s: %(text)s") % {
            "provider": "Amazon SES",
            "status": status,
            "text": _response_text(error.response),
        }
        if code in _SES_THROTTLING_CODES or status >= 500:
            return Result(Outcome.RETRY, None, reply)
        return Result(Outcome.FAILED, None, reply)
    except BotoCoreError as error:
        reply = _("Could not reach %(provider)s: %(error)s") % {
            "provider": "Amazon SES",
            "error": error,
        }
        return Result(Outcome.RETRY, None, reply)
    region = settings.region
    if not account.get("SendingEnabled", False):
        reply = _("Sending is paused for this account in %(region)s.") % {"region": region}
        return Result(Outcome.FAILED, None, reply)
    quota = account.get("SendQuota", {})
    limits = _("%(rate)s messages a second, %(day)s a day") % {
        "rate": f"{quota.get('MaxSendRate', 0):g}",
        "day": f"{quota.get('Max24HourSend', 0):g}",
    }
    if not account.get("ProductionAccessEnabled", False):
        return Result(
            Outcome.SENT,
            None,
            _(
                "Amazon SES accepted the keys in %(region)s (%(limits)s), but the account is in "
                "the sandbox: it only sends to addresses verified in SES."
            )
            % {"region": region, "limits": limits},
        )
    reply = _("Amazon SES accepted the keys in %(region)s (%(limits)s).") % {
        "region": region,
        "limits": limits,
    }
    return Result(Outcome.SENT, None, reply)


_CHECKS = {
    BackendKind.MAILGUN: _check_mailgun,
    BackendKind.POSTMARK: _check_postmark,
    BackendKind.SENDGRID: _check_sendgrid,
    BackendKind.BREVO: _check_brevo,
}
