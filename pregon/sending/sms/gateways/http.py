"""The generic HTTP gateway: most Peruvian SMS providers take a request shaped by hand.

``options``: ``url``; ``method`` (POST or GET); ``body``, a template where ``{{to}}``,
``{{text}}`` and ``{{id}}`` stand for the number, the text and our message's id (a body that
starts with "{" is sent as JSON, with the values JSON-escaped; any other body, and GET's
query, as form data, URL-encoded); ``auth``: "none", "basic" (the user and the secret) or
"header" (the header ``auth_header`` carries the secret, such as "Authorization" with
"Bearer …"). A 2xx answer is acceptance: the provider's id is taken from its JSON
(``id``, ``message_id``, ``messageId``, ``sid``) or else ours stands. 5xx, 429 and
connection trouble are tried again later; another 4xx is final.

Receipts and replies come to our addresses as form or JSON fields: ``id`` and ``status``
for a receipt, ``from`` and ``text`` for a reply (names configurable in ``options``).
"""

import json
import urllib.parse

import requests

from pregon.lib import vault
from pregon.sending.models import SmsGateway
from pregon.sending.sms.gateways.common import TIMEOUT, Inbound, Receipt, answer, reached_nobody
from pregon.sending.transports.base import Outcome, Result

DELIVERED = {"delivered", "delivrd", "success", "ok"}
UNDELIVERED = {"undelivered", "undeliv", "failed", "rejected", "expired", "rejectd", "undelivrd"}


def _fill(template: str, values: dict[str, str], as_json: bool) -> str:
    for name, value in values.items():
        escaped = json.dumps(value)[1:-1] if as_json else urllib.parse.quote_plus(value)
        template = template.replace("{{" + name + "}}", escaped)
    return template


def send(gateway: SmsGateway, to: str, text: str, ref: str) -> Result:
    """Hand one SMS to the provider; never raises."""
    options = gateway.options
    method = options.get("method", "POST").upper()
    body = options.get("body") or "to={{to}}&text={{text}}&id={{id}}"
    as_json = method == "POST" and body.lstrip().startswith("{")
    filled = _fill(body, {"to": to, "text": text, "id": ref}, as_json)
    headers = {
        "Content-Type": "application/json" if as_json else "application/x-www-form-urlencoded"
    }
    auth = None
    if options.get("auth") == "basic":
        auth = (gateway.username, vault.decrypt(gateway.secret))
    elif options.get("auth") == "header":
        headers[options.get("auth_header") or "Authorization"] = vault.decrypt(gateway.secret)
    url = options.get("url", "")
    try:
        if method == "GET":
            separator = "&" if "?" in url else "?"
            response = requests.get(
                url + separator + filled, headers=headers, auth=auth, timeout=TIMEOUT
            )
        else:
            response = requests.post(
                url, data=filled.encode(), headers=headers, auth=auth, timeout=TIMEOUT
            )
    except requests.RequestException as error:
        return reached_nobody(error)
    result = answer(response.status_code, response.text)
    if result.outcome != Outcome.SENT:
        return result
    return Result(
        Outcome.SENT, response.status_code, result.reply, provider_id=_id(response) or ref
    )


def _id(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    for name in ("id", "message_id", "messageId", "sid"):
        if data.get(name):
            return str(data[name])[:100]
    return ""


def receipts(gateway: SmsGateway, data: dict) -> list[Receipt]:
    """The receipt in a provider's request, or none if it names no id or a status we know."""
    options = gateway.options
    ref = str(data.get(options.get("dlr_id_field") or "id", ""))
    status = str(data.get(options.get("dlr_status_field") or "status", "")).strip().lower()
    if not ref:
        return []
    if status in DELIVERED:
        return [Receipt(ref, delivered=True, reason=status)]
    if status in UNDELIVERED:
        return [Receipt(ref, delivered=False, reason=status)]
    return []


def inbound(gateway: SmsGateway, data: dict) -> Inbound | None:
    """The reply in a provider's request, or None."""
    options = gateway.options
    phone = str(data.get(options.get("inbound_from_field") or "from", ""))
    text = str(data.get(options.get("inbound_text_field") or "text", ""))
    return Inbound(phone, text) if phone else None


def authentic(gateway: SmsGateway, request: object, data: dict) -> bool:
    """A generic provider signs nothing: the gateway's secret code in the address is the proof."""
    return True
