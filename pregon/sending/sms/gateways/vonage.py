"""Vonage's SMS API (formerly Nexmo).

Sending: POST ``https://rest.nexmo.com/sms/json``, form fields ``api_key``, ``api_secret``,
``from``, ``to`` (the number without "+"), ``text``, ``type`` ("unicode" for a UCS-2 text),
``client-ref`` (our id) and ``callback`` (our receipt address). It answers 200 even for a
refused message: ``{"message-count": "1", "messages": [{"status": "0", "message-id": …}]}``,
where a status other than "0" is an error with ``error-text``; 1 (throttled) and 5
(internal error) are passing. Receipts and incoming messages come as fields (query, form or
JSON) with the account's ``api-key``, which must be the gateway's: receipts ``messageId``
and ``status`` (delivered, expired, failed, rejected…), incoming ``msisdn`` and ``text``.
``options["api_url"]`` replaces https://rest.nexmo.com (tests).
"""

import hmac

import requests
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from pregon.lib import vault
from pregon.sending.models import SmsGateway
from pregon.sending.sms.encoding import UCS2, encoding_of
from pregon.sending.sms.gateways.common import TIMEOUT, Inbound, Receipt, answer, reached_nobody
from pregon.sending.transports.base import Outcome, Result

API_URL = "https://rest.nexmo.com"
PASSING = {"1", "5"}
UNDELIVERED = {"expired", "failed", "rejected"}


def send(gateway: SmsGateway, to: str, text: str, ref: str) -> Result:
    """Send one SMS; never raises."""
    base = gateway.options.get("api_url") or API_URL
    data = {
        "api_key": gateway.username,
        "api_secret": vault.decrypt(gateway.secret),
        "from": gateway.sender,
        "to": to.lstrip("+"),
        "text": text,
        "type": "unicode" if encoding_of(text) == UCS2 else "text",
        "client-ref": ref,
        "callback": settings.SITE_URL + reverse("tracking:sms_receipt", args=[gateway.code]),
    }
    try:
        response = requests.post(f"{base}/sms/json", data=data, timeout=TIMEOUT)
    except requests.RequestException as error:
        return reached_nobody(error)
    result = answer(response.status_code, response.text)
    if result.outcome != Outcome.SENT:
        return result
    try:
        parts = response.json()["messages"]
    except (ValueError, KeyError, TypeError):
        return answer(502, response.text)
    refused = next((part for part in parts if part.get("status") != "0"), None)
    if refused is not None:
        code = refused.get("status", "")
        words = f"{code}: {refused.get('error-text', '')}"
        return answer(503 if code in PASSING else 400, words)
    return Result(Outcome.SENT, 200, "0", provider_id=str(parts[0].get("message-id", "")))


def authentic(gateway: SmsGateway, request: HttpRequest, data: dict) -> bool:
    """Whether the request names the gateway's API key (Vonage sends it with each)."""
    return hmac.compare_digest(str(data.get("api-key", "")), gateway.username)


def receipts(gateway: SmsGateway, data: dict) -> list[Receipt]:
    """A delivery receipt: "delivered", or expired/failed/rejected with its error code."""
    ref, status = data.get("messageId", ""), data.get("status", "")
    if not ref or (status != "delivered" and status not in UNDELIVERED):
        return []
    reason = f"{status} (err-code {data.get('err-code', '')})"
    return [Receipt(ref, delivered=status == "delivered", reason=reason)]


def inbound(gateway: SmsGateway, data: dict) -> Inbound | None:
    """An incoming message: ``msisdn`` (without "+") and ``text``."""
    return Inbound("+" + data["msisdn"], data.get("text", "")) if data.get("msisdn") else None
