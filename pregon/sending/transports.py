"""The transport a sending worker uses, made from the delivery backends set up in the UI.

With no backend in use, messages go to the test mailbox under var/outbox (``make run``'s
default), so a trial sends nothing to anybody.
"""

from django.conf import settings

from pregon.lib import vault
from pregon.sending.backends import (
    FileSink,
    Outcome,
    Result,
    SmtpSettings,
    SmtpTransport,
    Transport,
)
from pregon.sending.models import Backend, BackendKind


def outbox() -> FileSink:
    """The test mailbox: what would have gone out."""
    return FileSink(settings.VAR_DIR / "outbox")


def smtp_settings(backend: Backend) -> SmtpSettings:
    return SmtpSettings(
        host=backend.host,
        port=backend.port,
        security=backend.security,
        username=backend.username,
        password=vault.decrypt(backend.password),
    )


def open_transport() -> Transport:
    """The first backend in use (an SMTP relay, or the test mailbox)."""
    backend = Backend.objects.filter(is_active=True).order_by("pk").first()
    if backend is None or backend.kind == BackendKind.FILE:
        return outbox()
    return SmtpTransport(smtp_settings(backend))


def check_backend(backend: Backend) -> Result:
    """Connect, log in and leave: what the "Test connection" button shows."""
    if backend.kind == BackendKind.FILE:
        return Result(Outcome.SENT, None, f"Messages are kept in {outbox().directory}")
    return SmtpTransport(smtp_settings(backend)).check()
