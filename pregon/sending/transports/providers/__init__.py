"""Provider APIs as delivery transports, in django-anymail's manner: one module per provider
(amazon_ses, brevo, mailgun, postmark, sendgrid), each a `ProviderTransport` that holds
everything about its provider; base.py holds what they share, answers.py how an answer
becomes a `Result`, message.py how the engine's bytes become anymail's message.

`PROVIDERS` finds a provider by its backend kind.
"""

from pregon.lib import vault
from pregon.sending.models import Backend
from pregon.sending.transports.base import Result
from pregon.sending.transports.providers.amazon_ses import AmazonSes
from pregon.sending.transports.providers.base import ProviderSettings, ProviderTransport
from pregon.sending.transports.providers.brevo import Brevo
from pregon.sending.transports.providers.mailgun import Mailgun
from pregon.sending.transports.providers.postmark import Postmark
from pregon.sending.transports.providers.sendgrid import SendGrid

PROVIDERS: dict[str, type[ProviderTransport]] = {
    provider.kind: provider for provider in (AmazonSes, Brevo, Mailgun, Postmark, SendGrid)
}


def settings_for(backend: Backend) -> ProviderSettings:
    """The settings of a provider backend; raises vault.InvalidToken for an unreadable key."""
    return ProviderSettings(
        api_key=vault.decrypt(backend.password) if backend.password else "",
        key_id=backend.username,
        options=dict(backend.options or {}),
    )


def transport_for(backend: Backend) -> ProviderTransport:
    """The transport for a provider backend (pregon.sending.transports calls it)."""
    return PROVIDERS[backend.kind](settings_for(backend))


def check(backend: Backend) -> Result:
    """The "Test connection" button for a provider backend; never raises but InvalidToken."""
    return transport_for(backend).check()
