"""How a provider's answer becomes a `Result`, the same for every provider that speaks HTTP
through requests (Amazon SES, through boto3, reads its own: see amazon_ses.py).

Billing and retries follow from the Result, exactly as from an SMTP reply:

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
"""

import re
from typing import Any

import requests
from django.utils.translation import gettext as _

from pregon.sending.bounces.classifier import classify
from pregon.sending.transports.base import Outcome, Result

# Error text of a 4xx that puts it down to our settings rather than to this message.
_SETTINGS_TEXT = re.compile(
    r"\b(?:from|sender|signature|domain|stream|account|credits?|quota|api[ _-]?key|token|"
    r"permission|forbidden|unauthori[sz]ed|not allowed|not verified|sandbox|suspended|paused)\b",
    re.IGNORECASE,
)
# Error text that says the recipient's address itself was refused as not being one, in the
# words of Mailgun, SendGrid, Brevo and Postmark.
_BAD_RECIPIENT_TEXT = re.compile(
    r"'to' parameter is not a valid address|personalizations\.\d+\.to\.\d+\.email|"
    r"\bnot valid in to\b|invalid 'to' address|error parsing 'to'",
    re.IGNORECASE,
)


def first_line(error: BaseException) -> str:
    text = str(error.args[0]) if error.args else type(error).__name__
    return text.splitlines()[0] if text else type(error).__name__


def response_text(response: Any) -> str:
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


def classify_http(name: str, status: int, text: str, about_settings: bool) -> Result:
    """The Result for an HTTP error answer (the module docstring's table).

    ``about_settings``: the provider's own error code put it down to our settings.
    """
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
    if about_settings or (_SETTINGS_TEXT.search(text) and not _BAD_RECIPIENT_TEXT.search(text)):
        return Result(Outcome.RETRY, None, reply)
    cause = bad_address(text) if _BAD_RECIPIENT_TEXT.search(text) else ""
    return Result(Outcome.FAILED, None, reply, cause=cause)


def bad_address(why: str) -> str:
    """The cause of a provider's refusal of the recipient's address as no address at all:
    what an SMTP server says with 5.1.3 (bad destination mailbox address syntax)."""
    return classify("5.1.3", why).cause


def request_may_have_arrived(error: BaseException) -> bool:
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


def check_answer(name: str, response: requests.Response) -> Result | None:
    """For "Test connection": None for a 2xx; otherwise the Result that explains the
    refusal."""
    if 200 <= response.status_code < 300:
        return None
    text = response_text(response)
    reply = _("%(provider)s answered HTTP %(status)s: %(text)s") % {
        "provider": name,
        "status": response.status_code,
        "text": text,
    }
    reply = reply.rstrip(": ")
    if response.status_code == 429 or response.status_code >= 500:
        return Result(Outcome.RETRY, None, reply)
    return Result(Outcome.FAILED, None, reply)
