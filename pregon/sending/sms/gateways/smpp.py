"""SMPP 3.4, for a direct connection to a carrier's SMSC (smpplib).

Sending: each SMS opens a transmitter bind with the system id (``username``) and password
(the secret), submits the text in as many parts as it needs (GSM-7 when it can, UCS-2 when
it must; parts carry a UDH) asking for a delivery receipt (``registered_delivery``), takes
the SMSC's message id of the first part, and unbinds. ``options``: ``host``, ``port``
(2775), ``system_type``. A status of "throttled", "queue full" or "system error" from the
SMSC, and connection trouble, are passing; any other refusal is final.

Receiving: the SMSC sends receipts and replies from phones as deliver_sm PDUs on a receiver
bind, which ``pregon runsmpp`` keeps open (``pregon.sending.sms.receiver``); ``read`` says
what one of them means. A receipt (esm_class bit 0x04) names the message by the
``receipted_message_id`` parameter, else by the "id:" of its text ("id:… sub:… dlvrd:…
submit date:… done date:… stat:DELIVRD err:…", SMPP 3.4 appendix B), and its state by the
``message_state`` parameter, else by the text's "stat:". SMPP 3.4 means the receipt's id
to be the one given at submission, but some SMSCs give it in hexadecimal in submit_sm_resp
and in decimal in the receipt (or the other way round): the receipt carries the other
spellings too, tried when no SMS has the id as written. Anything else is a reply, decoded
by its data_coding (GSM-7 or Latin-1, ASCII, UCS-2).
"""

import logging
import re

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.gsm
from django.utils.translation import gettext as _

from pregon.contacts.normalize import normalize_phone
from pregon.lib import vault
from pregon.sending.models import SmsGateway
from pregon.sending.sms.gateways.common import TIMEOUT, Inbound, Receipt
from pregon.sending.transports.base import Outcome, Result

# smpplib's debug lines dump every PDU in hexadecimal: the bind's password, the phones and
# the texts. Its clients log under this name, kept at INFO whatever the root level is.
WIRE_LOGGER = "pregon.smpp.wire"
logging.getLogger(WIRE_LOGGER).setLevel(logging.INFO)

PASSING = {
    smpplib.consts.SMPP_ESME_RTHROTTLED,
    smpplib.consts.SMPP_ESME_RMSGQFUL,
    smpplib.consts.SMPP_ESME_RSYSERR,
}


def _refused(status: int) -> Result:
    words = smpplib.consts.DESCRIPTIONS.get(status, "")
    reply = _("The SMSC refused it: %(status)s %(words)s") % {"status": hex(status), "words": words}
    outcome = Outcome.RETRY if status in PASSING else Outcome.FAILED
    return Result(outcome, None, reply[:500])


def send(gateway: SmsGateway, to: str, text: str, ref: str) -> Result:
    """Bind, submit every part, unbind; never raises."""
    options = gateway.options
    # Unknown optional parameters are skipped, as SMPP 3.4 says a client must.
    client = smpplib.client.Client(
        options.get("host", ""),
        int(options.get("port") or 2775),
        timeout=TIMEOUT,
        logger_name=WIRE_LOGGER,
        allow_unknown_opt_params=True,
    )
    try:
        client.connect()
        try:
            client.bind_transmitter(
                system_id=gateway.username,
                password=vault.decrypt(gateway.secret),
                system_type=options.get("system_type", ""),
            )
        except smpplib.exceptions.PDUError as error:
            status = error.args[1] if len(error.args) > 1 else smpplib.consts.SMPP_ESME_RBINDFAIL
            return _refused(status)
        parts, coding, esm_class = smpplib.gsm.make_parts(text)
        first_id = ""
        for part in parts:
            client.send_message(
                source_addr_ton=smpplib.consts.SMPP_TON_ALNUM,
                source_addr=gateway.sender,
                dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
                dest_addr_npi=smpplib.consts.SMPP_NPI_ISDN,
                destination_addr=to.lstrip("+"),
                short_message=part,
                data_coding=coding,
                esm_class=esm_class,
                registered_delivery=True,
            )
            answer = client.read_pdu()
            if answer.is_error() or int(answer.status) != 0:
                return _refused(int(answer.status))
            given = answer.message_id or b""
            if isinstance(given, bytes):
                given = given.decode(errors="replace")
            first_id = first_id or given
        client.unbind()
        return Result(Outcome.SENT, None, "", provider_id=first_id)
    except (TimeoutError, OSError, smpplib.exceptions.ConnectionError) as error:
        reply = _("The SMSC could not be reached (%(reason)s).") % {"reason": type(error).__name__}
        return Result(Outcome.RETRY, None, reply)
    finally:
        client.disconnect()


def authentic(gateway: SmsGateway, request: object, data: dict) -> bool:
    """Nothing comes to our web addresses from an SMSC: it uses the receiver bind."""
    return False


def receipts(gateway: SmsGateway, data: dict) -> list[Receipt]:
    return []


def inbound(gateway: SmsGateway, data: dict) -> Inbound | None:
    return None


# esm_class's message type bits (SMPP 3.4, 5.2.12): 0x04 an SMSC delivery receipt, 0x20
# an intermediate notification; 0x08 and 0x10 are acknowledgements from the phone's side.
RECEIPT = 0x04
INTERMEDIATE = 0x20
MESSAGE_TYPE = 0x3C
UDHI = 0x40
DELIVERED = "DELIVRD"
NOT_DELIVERED = {"UNDELIV", "EXPIRED", "REJECTD", "DELETED", "UNKNOWN"}
# The message_state parameter's values, as the receipt text's "stat:" words.
STATES = {
    1: "ENROUTE",
    2: "DELIVRD",
    3: "EXPIRED",
    4: "DELETED",
    5: "UNDELIV",
    6: "ACCEPTD",
    7: "UNKNOWN",
    8: "REJECTD",
}

# The GSM 03.38 default alphabet by septet, and its extension table (after an escape, 0x1B).
GSM7 = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = {
    0x0A: "\f",
    0x14: "^",
    0x28: "{",
    0x29: "}",
    0x2F: "\\",
    0x3C: "[",
    0x3D: "~",
    0x3E: "]",
    0x40: "|",
    0x65: "€",
}


def read(pdu: object) -> Receipt | Inbound | None:
    """What a deliver_sm PDU says: a delivery receipt with a final state, a reply from a
    phone, or None (an intermediate state such as ENROUTE, an acknowledgement, an empty
    message)."""
    esm_class = int(pdu.esm_class or 0)
    if esm_class & (RECEIPT | INTERMEDIATE):
        return _receipt(pdu)
    if esm_class & MESSAGE_TYPE:
        return None
    data = _octets(pdu.short_message) or _octets(pdu.message_payload)
    if esm_class & UDHI and data:
        data = data[data[0] + 1 :]
    text = decode(data, int(pdu.data_coding or 0))
    phone = _phone(_text(pdu.source_addr), int(pdu.source_addr_ton or 0))
    return Inbound(phone, text) if phone else None


def _receipt(pdu: object) -> Receipt | None:
    # A receipt's text is ASCII, whatever its data_coding says.
    text = (_octets(pdu.short_message) or _octets(pdu.message_payload)).decode("latin-1")
    ref = _text(pdu.receipted_message_id) or _field(text, "id")
    state = STATES.get(pdu.message_state) or _field(text, "stat").upper()
    if not ref or (state != DELIVERED and state not in NOT_DELIVERED):
        return None
    error = _field(text, "err")
    reason = f"{state} err:{error}" if error else state
    return Receipt(ref, state == DELIVERED, reason, receipt_spellings(ref))


def receipt_spellings(ref: str) -> tuple[str, ...]:
    """Other ways an SMSC may have written ``ref`` when it accepted the message: a decimal
    id in hexadecimal (lower and upper case, bare or zero-padded to 8 and 16 digits, the
    widths of 32- and 64-bit ids), and a hexadecimal one in decimal."""
    spellings = []
    if re.fullmatch(r"[0-9]{1,20}", ref):
        digits = format(int(ref), "x")
        for written in (digits, digits.upper()):
            spellings += [written, written.zfill(8), written.zfill(16)]
    if re.fullmatch(r"[0-9A-Fa-f]{1,16}", ref):
        spellings.append(str(int(ref, 16)))
    return tuple(spelling for spelling in dict.fromkeys(spellings) if spelling != ref)


def decode(data: bytes, coding: int) -> str:
    """A short message's text: UCS-2 (data_coding 8), Latin-1 (3), ASCII (1), or the SMSC's
    default alphabet (0), GSM-7 one septet an octet; a default-alphabet text with octets
    above 0x7F cannot be GSM-7, and is read as Latin-1, which some SMSCs use instead."""
    if coding == smpplib.consts.SMPP_ENCODING_ISO10646:
        return data.decode("utf-16-be", errors="replace")
    if coding in (smpplib.consts.SMPP_ENCODING_DEFAULT, smpplib.consts.SMPP_ENCODING_IA5):
        if any(octet > 0x7F for octet in data):
            return data.decode("latin-1")
        return _gsm7(data) if coding == smpplib.consts.SMPP_ENCODING_DEFAULT else data.decode()
    return data.decode("latin-1")


def _gsm7(data: bytes) -> str:
    chars = []
    escaped = False
    for septet in data:
        if escaped:
            chars.append(GSM7_EXTENSION.get(septet, " "))
            escaped = False
        elif septet == 0x1B:
            escaped = True
        else:
            chars.append(GSM7[septet])
    return "".join(chars)


def _phone(address: str, ton: int) -> str:
    """The sender's number in a form ``normalize_phone`` reads: with "+" when the SMSC says
    it is international, or when it is not a valid national (Peruvian) number."""
    digits = address.lstrip("+")
    if not digits:
        return ""
    if ton == smpplib.consts.SMPP_TON_INTL or address.startswith("+"):
        return "+" + digits
    try:
        normalize_phone(digits)
    except ValueError:
        return "+" + digits
    return digits


def _field(text: str, name: str) -> str:
    found = re.search(rf"\b{name}:(\S+)", text, re.IGNORECASE)
    return found.group(1) if found else ""


def _octets(value: object) -> bytes:
    return value if isinstance(value, bytes) else b""


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1").strip("\x00").strip()
    return str(value or "").strip()
