"""Twilio's Programmable Messaging REST API (2010-04-01).

Sending: POST ``/2010-04-01/Accounts/{AccountSid}/Messages.json`` with basic auth (the
account SID and the auth token), form fields ``To``, ``From`` (or ``MessagingServiceSid``
when the sender starts with "MG"), ``Body`` and ``StatusCallback`` (our receipt address).
201 answers the Message resource, whose ``sid`` is its id; an error answers
``{"code": 21211, "message": …, "status": 400}``. Twilio's status callbacks and incoming
messages are form posts signed with ``X-Twilio-Signature``: base64 of HMAC-SHA1, keyed
with the auth token, of the full address followed by each field's name and value in name
order. ``options["api_url"]`` replaces https://api.twilio.com (tests).
"""

import base64
import hashlib
import hmac

import requests
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from pregon.lib import vault
from pregon.sending.models import SmsGateway
from pregon.sending.sms.gateways.common import TIMEOUT, Inbound, Receipt, answer, reached_nobody
from pregon.sending.transports.base import Outcome, Result

API_URL = "https://api.twilio.com"


def send(gateway: SmsGateway, to: str, text: str, ref: str) -> Result:
    """Create a Message resource; never raises."""
    base = gateway.options.get("api_url") or API_URL
    url = f"{base}/2010-04-01/Accounts/{gateway.username}/Messages.json"
    sender = "MessagingServiceSid" if gateway.sender.startswith("MG") else "From"
    callback = settings.SITE_URL + reverse("tracking:sms_receipt", args=[gateway.code])
    data = {"To": to, sender: gateway.sender, "Body": text, "StatusCallback": callback}
    try:
        response = requests.post(
            url, data=data, auth=(gateway.username, vault.decrypt(gateway.secret)), timeout=TIMEOUT
        )
    except requests.RequestException as error:
        return reached_nobody(error)
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    if response.status_code >= 300 and body.get("message"):
        # Twilio's own words and code ("21211: The 'To' number … is not a valid phone number").
        return answer(response.status_code, f"{body.get('code')}: {body['message']}")
    result = answer(response.status_code, response.text)
    if result.outcome != Outcome.SENT:
        return result
    return Result(
        Outcome.SENT,
        response.status_code,
        str(body.get("status", "")),
        provider_id=str(body.get("sid", "")),
    )


def signature(token: str, url: str, fields: dict) -> str:
    """The X-Twilio-Signature Twilio sends with a form post of ``fields`` to ``url``."""
    payload = url + "".join(f"{name}{fields[name]}" for name in sorted(fields))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def authentic(gateway: SmsGateway, request: HttpRequest, data: dict) -> bool:
    """Whether Twilio signed this request with the gateway's auth token."""
    given = request.headers.get("X-Twilio-Signature", "")
    url = settings.SITE_URL + request.get_full_path()
    expected = signature(vault.decrypt(gateway.secret), url, data)
    return hmac.compare_digest(given, expected)


def receipts(gateway: SmsGateway, data: dict) -> list[Receipt]:
    """A status callback's receipt: "delivered", or "undelivered"/"failed" with the error code."""
    ref, status = data.get("MessageSid", ""), data.get("MessageStatus", "")
    if not ref or status not in {"delivered", "undelivered", "failed"}:
        return []
    reason = status if not data.get("ErrorCode") else f"{status} ({data['ErrorCode']})"
    return [Receipt(ref, delivered=status == "delivered", reason=reason)]


def inbound(gateway: SmsGateway, data: dict) -> Inbound | None:
    """An incoming message: ``From`` and ``Body``."""
    return Inbound(data["From"], data.get("Body", "")) if data.get("From") else None
