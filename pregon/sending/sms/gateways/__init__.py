"""The SMS gateways, one module per kind, each with ``send``, ``receipts`` and ``inbound``."""

from types import ModuleType

from pregon.sending.models import GatewayKind, SmsGateway
from pregon.sending.sms.gateways import http, smpp, twilio, vonage
from pregon.sending.sms.gateways.common import Inbound, Receipt
from pregon.sending.transports.base import Result

__all__ = ["Inbound", "Receipt", "active", "module", "send"]

_MODULES: dict[str, ModuleType] = {
    GatewayKind.HTTP: http,
    GatewayKind.TWILIO: twilio,
    GatewayKind.VONAGE: vonage,
    GatewayKind.SMPP: smpp,
}


def module(gateway: SmsGateway) -> ModuleType:
    """The module that speaks ``gateway``'s kind."""
    return _MODULES[gateway.kind]


def active() -> SmsGateway | None:
    """The gateway SMS go through: the first in use, by name."""
    return SmsGateway.objects.filter(is_active=True, kind__in=list(_MODULES)).first()


def send(gateway: SmsGateway, to: str, text: str, ref: str) -> Result:
    """Hand one SMS to ``gateway``; never raises."""
    return module(gateway).send(gateway, to, text, ref)
