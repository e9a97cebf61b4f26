"""Amazon SES (https://docs.aws.amazon.com/ses/), through anymail's Amazon SES backend, which
speaks the SES v2 API with boto3."""

from typing import Any

from anymail.exceptions import AnymailAPIError
from django.utils.translation import gettext as _

from pregon.sending.models import BackendKind
from pregon.sending.transports.base import Outcome, Result
from pregon.sending.transports.providers.answers import first_line, response_text
from pregon.sending.transports.providers.base import ProviderTransport

DEFAULT_REGION = "us-east-1"
# Amazon SES error codes about the credentials, the account or its identities.
SETTINGS_CODES = frozenset(
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
THROTTLING_CODES = frozenset(
    {"TooManyRequestsException", "LimitExceededException", "ThrottlingException", "Throttling"}
)


class AmazonSes(ProviderTransport):
    """Amazon SES, with an IAM user's access key id (``key_id``) and secret access key, in
    the backend's AWS ``region``. SES forwards the bounces it gets to the message's return
    path, our VERP mailbox. Its own tracking is off unless set up in SES."""

    kind = BackendKind.AMAZON_SES
    name = "Amazon SES"
    spf = "include:amazonses.com"
    takes_return_path = True

    @property
    def region(self) -> str:
        """The AWS region."""
        return self.settings.options.get("region") or DEFAULT_REGION

    @classmethod
    def where(cls, options: dict[str, Any]) -> str:
        return options.get("region", "")

    def default_api_url(self) -> str:
        return f"https://email.{self.region}.amazonaws.com"

    def boto3_params(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The boto3 session's and client's parameters."""
        session = {
            "aws_access_key_id": self.settings.key_id,
            "aws_secret_access_key": self.settings.api_key,
            "region_name": self.region,
        }
        client: dict[str, Any] = {
            # boto3 retries throttling, 5xx and dropped connections by itself, which could
            # send a message twice; the engine retries instead.
            "config": {
                "retries": {"total_max_attempts": 1},
                "connect_timeout": min(self.settings.timeout, 10),
                "read_timeout": self.settings.timeout,
            }
        }
        if self.settings.options.get("api_url"):
            client["endpoint_url"] = self.settings.options["api_url"]
        return session, client

    def anymail_backend(self) -> Any:
        from anymail.backends.amazon_ses import EmailBackend

        session_params, client_params = self.boto3_params()
        return EmailBackend(session_params=session_params, client_params=client_params)

    def api_error(self, error: AnymailAPIError) -> Result:
        """boto3's errors, not HTTP answers read by requests."""
        return self._redact_result(_ses_error(error))

    def check_account(self) -> Result:
        """The account in the region: sending enabled, its quota, whether in the sandbox."""
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError

        session_params, client_params = self.boto3_params()
        client_params["config"] = Config(**client_params["config"])
        try:
            client = boto3.session.Session(**session_params).client("sesv2", **client_params)
            account = client.get_account()
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
            reply = _("%(provider)s answered HTTP %(status)s: %(text)s") % {
                "provider": self.name,
                "status": status,
                "text": response_text(error.response),
            }
            if code in THROTTLING_CODES or status >= 500:
                return Result(Outcome.RETRY, None, reply)
            return Result(Outcome.FAILED, None, reply)
        except BotoCoreError as error:
            reply = _("Could not reach %(provider)s: %(error)s") % {
                "provider": self.name,
                "error": error,
            }
            return Result(Outcome.RETRY, None, reply)
        region = self.region
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
                    "Amazon SES accepted the keys in %(region)s (%(limits)s), but the account is "
                    "in the sandbox: it only sends to addresses verified in SES."
                )
                % {"region": region, "limits": limits},
            )
        reply = _("Amazon SES accepted the keys in %(region)s (%(limits)s).") % {
            "region": region,
            "limits": limits,
        }
        return Result(Outcome.SENT, None, reply)


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
            f"accepted ({cause or first_line(error)}).",
            may_have_arrived=True,
        )
    code = response.get("Error", {}).get("Code", "")
    message = response.get("Error", {}).get("Message", "")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    reply = f"Amazon SES answered HTTP {status}: {response_text(response)}"
    if code in THROTTLING_CODES or status == 429:
        return Result(Outcome.RETRY, None, reply)
    if status >= 500:
        return Result(Outcome.RETRY, None, reply, may_have_arrived=status in (502, 504))
    if code in SETTINGS_CODES or status in (401, 403, 404):
        return Result(Outcome.RETRY, None, reply)
    if code == "MessageRejected" and "not verified" in message:
        # The sender's identity is unverified, or, in the sandbox, the recipient's: settings.
        return Result(Outcome.RETRY, None, reply)
    return Result(Outcome.FAILED, None, reply)
