"""SMPP 3.4, for a direct connection to a carrier's SMSC (smpplib).

Each SMS opens a transmitter bind with the system id (``username``) and password (the
secret), submits the text in as many parts as it needs (GSM-7 when it can, UCS-2 when it
must; parts carry a UDH), takes the SMSC's message id of the first part, and unbinds.
``options``: ``host``, ``port`` (2775), ``system_type``. A status of "throttled", "queue
full" or "system error" from the SMSC, and connection trouble, are passing; any other
refusal is final. Delivery receipts over SMPP (deliver_sm on a receiver bind) are not read:
a carrier connection's SMS stay "sent".
"""

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.gsm
from django.utils.translation import gettext as _

from pregon.lib import vault
from pregon.sending.models import SmsGateway
from pregon.sending.sms.gateways.common import TIMEOUT, Inbound, Receipt
from pregon.sending.transports.base import Outcome, Result

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
    """Nothing comes to our addresses from an SMSC."""
    return False


def receipts(gateway: SmsGateway, data: dict) -> list[Receipt]:
    return []


def inbound(gateway: SmsGateway, data: dict) -> Inbound | None:
    return None
