"""What the provider transports share: `ProviderSettings` (a `Backend` row's, decrypted) and
`ProviderTransport`, which hands the engine's finished message to django-anymail's backend for
the provider, made directly with those settings (we have one per `Backend` row, not one in
settings.py), and turns anymail's answer into a `Result` (see answers.py).

Each provider's module subclasses `ProviderTransport` with everything about that provider:
its name, its API's address, its anymail backend, its SPF include, its quirks and its
"Test connection" call.

A transport never sends a message twice on its own, so boto3's retries are off. The API key
never appears in a `Result`, a ``repr`` or a log line from here.
"""

import contextlib
from abc import abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

import requests
from anymail.exceptions import (
    AnymailAPIError,
    AnymailConfigurationError,
    AnymailError,
    AnymailRecipientsRefused,
)
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.utils.translation import gettext as _

from pregon.sending.transports.base import Outcome, Result, Transport
from pregon.sending.transports.providers.answers import (
    bad_address,
    classify_http,
    first_line,
    request_may_have_arrived,
    response_text,
)
from pregon.sending.transports.providers.message import to_email_message

TIMEOUT = 30.0
CHECK_TIMEOUT = 15.0


@dataclass(frozen=True)
class ProviderSettings:
    """How to reach one provider's API: what `Backend` holds, decrypted.

    ``api_key`` is the API key (Postmark: the server token; Amazon SES: the secret access
    key), ``key_id`` the access key id for Amazon SES. ``options`` are the backend's other
    settings: ``region`` (Amazon SES: an AWS region; Mailgun "us" or "eu"; SendGrid "global"
    or "eu"), ``sender_domain`` (Mailgun), ``message_stream`` (Postmark) and ``api_url``,
    which replaces the provider's API address (for a proxy, or the tests' fake provider).
    """

    api_key: str = field(repr=False)
    key_id: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    timeout: float = TIMEOUT


class ProviderTransport(Transport):
    """One provider's API, kept open (an HTTP session, or a boto3 client) between messages.

    Not thread-safe: one thread at a time, as `SmtpTransport`. Each provider subclasses it.
    """

    # The backend kind (``BackendKind``) and the name replies give the provider.
    kind: ClassVar[str]
    name: ClassVar[str]
    # The SPF mechanism the provider documents for its customers' records.
    spf: ClassVar[str]
    # Whether anymail's envelope_sender is a real return path, where the provider forwards
    # the bounces it receives (our VERP mailbox can then match them): only for Amazon SES.
    # Mailgun takes only its domain, to pick the Mailgun sending domain; Brevo, Postmark and
    # SendGrid don't support it. Those use their own return paths; their bounces come by
    # webhook.
    takes_return_path: ClassVar[bool] = False
    # Whether the provider adds its own open pixel and rewrites links on top of ours unless
    # told not to.
    tracks_unless_told: ClassVar[bool] = False

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings
        self._esp: Any = None

    def __repr__(self) -> str:
        return f"<ProviderTransport {self.name} {self.api_url}>"

    @property
    def api_url(self) -> str:
        """The API's base address."""
        return (self.settings.options.get("api_url") or self.default_api_url()).rstrip("/") + "/"

    # What each provider says for itself.

    @classmethod
    def where(cls, options: dict[str, Any]) -> str:
        """What the list of delivery backends shows in its "Server" column for a backend
        with ``options``: its region, domain or stream ("" when nothing tells it apart)."""
        return ""

    @abstractmethod
    def default_api_url(self) -> str:
        """The provider's own API address, used unless the settings name another."""

    @abstractmethod
    def anymail_backend(self) -> Any:
        """Anymail's backend for this provider, configured by arguments, not by settings."""

    @abstractmethod
    def check_account(self) -> Result:
        """One cheap authenticated API call; the Result "Test connection" shows."""

    def message_for(self, data: bytes, recipient: str) -> EmailMultiAlternatives:
        """The message for anymail; raises ValueError, LookupError or TypeError if the
        bytes cannot be read."""
        return to_email_message(data, recipient)

    def is_about_settings(self, response: requests.Response | None) -> bool:
        """Whether the provider's own error code in ``response`` puts a 4xx down to our
        settings (see answers.classify_http)."""
        return False

    # The same for every provider.

    def send(self, mail_from: str, recipient: str, data: bytes) -> Result:
        """Hand the finished message to the provider; see the table in answers.py."""
        try:
            message = self.message_for(data, recipient)
        except (ValueError, LookupError, TypeError) as error:
            return Result(Outcome.FAILED, None, f"The message could not be read: {error}")
        if self.takes_return_path:
            message.envelope_sender = mail_from  # type: ignore[attr-defined]
        if self.tracks_unless_told:
            # Ours are in the message already; the provider's would wrap our links again.
            message.track_clicks = False  # type: ignore[attr-defined]
            message.track_opens = False  # type: ignore[attr-defined]
        try:
            esp = self._backend()
        except Exception as error:
            # A missing Mailgun domain, boto3 refusing a region name: our settings, not this
            # message, which waits for them to be fixed.
            reply = f"Could not set up the {self.name} client: {first_line(error)}"
            return Result(Outcome.RETRY, None, self._redact(reply))
        try:
            esp.send_messages([message])
        except AnymailRecipientsRefused as error:
            return self._refused(message, recipient, error)
        except (AnymailConfigurationError, ImproperlyConfigured) as error:
            self.close()
            reply = f"The {self.name} settings are incomplete: {first_line(error)}"
            return Result(Outcome.RETRY, None, self._redact(reply))
        except AnymailAPIError as error:
            return self.api_error(error)
        except AnymailError as error:
            # Raised before anything was sent: the message has something the provider can't
            # take (an unsupported feature, an address it can't encode).
            return Result(Outcome.FAILED, None, self._redact(first_line(error)))
        status = getattr(message, "anymail_status", None)
        recipient_status = status.recipients.get(recipient) if status is not None else None
        message_id = getattr(recipient_status, "message_id", None) or getattr(
            status, "message_id", None
        )
        reply = (
            f"{self.name} accepted it: {message_id}" if message_id else f"{self.name} accepted it."
        )
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
            return self._redact_result(self.check_account())
        except requests.RequestException as error:
            return Result(
                Outcome.RETRY,
                None,
                self._redact(
                    _("Could not reach %(provider)s: %(error)s")
                    % {"provider": self.api_url, "error": error}
                ),
            )

    def api_error(self, error: AnymailAPIError) -> Result:
        """The Result for an error anymail raised from the provider's API (or its absence)."""
        if error.status_code is None:
            # No answer: requests' own error, wrapped by anymail (ConnectionError, Timeout…).
            cause = error.__cause__ or error
            self.close()
            arrived = request_may_have_arrived(error)
            why = (
                f"no answer within {self.settings.timeout:g} s"
                if isinstance(error, requests.Timeout)
                else first_line(cause)
            )
            reply = (
                f"Connection to {self.name} lost after the message was sent; it may have been "
                f"accepted ({why})."
                if arrived
                else f"Could not reach {self.name} ({why})."
            )
            return Result(Outcome.RETRY, None, self._redact(reply), may_have_arrived=arrived)
        response = error.response
        text = response_text(response)
        result = classify_http(self.name, error.status_code, text, self.is_about_settings(response))
        return self._redact_result(result)

    def _get(self, path: str, **kwargs: Any) -> requests.Response:
        """A GET of ``path`` under the API's address, for "Test connection"."""
        return requests.get(self.api_url + path, timeout=CHECK_TIMEOUT, **kwargs)

    def _backend(self) -> Any:
        if self._esp is None:
            esp = self.anymail_backend()
            esp.open()
            self._esp = esp
        return self._esp

    def _refused(self, message: Any, recipient: str, error: AnymailRecipientsRefused) -> Result:
        """Every recipient (there is one) was refused: FAILED, with the provider's reason."""
        status = message.anymail_status.recipients.get(recipient)
        why = response_text(error.response) or "no reason given"
        if status is not None and status.status == "invalid":
            reply = f"{self.name} refused the address as invalid: {why}"
            return Result(Outcome.FAILED, None, self._redact(reply), cause=bad_address(why))
        # Postmark's "inactive" recipients: a hard bounce or a spam complaint before, or a
        # manual suppression; it doesn't say which, so the contact is not marked as bounced.
        reply = f"{self.name} refused the recipient (on its suppression list): {why}"
        return Result(Outcome.FAILED, None, self._redact(reply))

    def _redact(self, text: str) -> str:
        secret = self.settings.api_key
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
