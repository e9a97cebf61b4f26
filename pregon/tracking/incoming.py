"""One message from the bounce mailbox, acted on: a bounce or a complaint recorded against
the message it names, or an unsubscribe by mail carried out.

Only signed addresses count. A notice is about one of our messages if it was delivered to
that message's VERP address (``rebote+<token>@``) or returns an original that carried it;
with a forged token, or none, it is not ours and nothing is recorded: otherwise anyone
could get any address suppressed by mailing us a made-up notice. Reading the same message
twice records nothing twice, so the mailbox may be read again after a crash.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from pregon.lib import signing
from pregon.sending import bounces
from pregon.sending.bounces import dsn
from pregon.sending.models import Bounce, BounceKind, BounceSource, Message
from pregon.tracking import signals
from pregon.tracking.unsubscribing import unsubscribe

log = logging.getLogger(__name__)

# Worst first: a notice that names several recipients counts once, as the failure of the
# message's own recipient if it names it, else as its worst.
SEVERITY = [BounceKind.COMPLAINT, BounceKind.HARD, BounceKind.SOFT, BounceKind.SENDER]


@dataclass(frozen=True)
class Outcome:
    """What was done with one message; ``is_done`` when it may be deleted from the server."""

    what: str
    email: str = ""
    detail: str = ""
    is_done: bool = False


def handle(data: bytes) -> Outcome:
    """Record what the raw message ``data`` reports; see the module's docstring."""
    report = dsn.read(data)
    if report.is_notice:
        return _notice(report)
    for token in report.unsubscribe_tokens:
        message = _message("unsubscribe", token)
        if message is not None:
            unsubscribe(message, via="mailto")
            return Outcome(_("Unsubscribe by mail"), message.email, is_done=True)
    for _receiver, outcome in signals.mail_unclaimed.send(sender=None, data=data):
        if outcome is not None:
            return outcome
    return Outcome(_("Not a bounce, complaint or unsubscribe: left in the mailbox"))


def _notice(report: dsn.Report) -> Outcome:
    message = None
    for token in report.bounce_tokens:
        message = _message("bounce", token)
        if message is not None:
            break
    if message is None:
        # An abuse report often comes without the return path, but with the original's
        # List-Unsubscribe address, which is signed too.
        for token in report.unsubscribe_tokens:
            message = _message("unsubscribe", token)
            if message is not None:
                break
    if message is None:
        log.info("a notice for no message of ours (no or forged token) was left alone")
        return Outcome(_("A notice about no message of ours: left in the mailbox"))
    if not report.failures:
        return Outcome(_("A delay warning: nothing to record"), message.email, is_done=True)
    failure = min(
        report.failures,
        key=lambda failure: (failure.email != message.email, SEVERITY.index(failure.kind)),
    )
    with transaction.atomic():
        # The same notice read twice (the poller died before deleting it, or two checks of
        # the mailbox at once) counts once: the message's row is locked while we look.
        Message.objects.select_for_update().only("pk").get(pk=message.pk)
        seen = Bounce.objects.filter(
            message=message, kind=failure.kind, source=BounceSource.MAILBOX
        ).exists()
        if not seen:
            bounces.record(
                message.email,
                failure.kind,
                BounceSource.MAILBOX,
                cause=failure.cause,
                reason=failure.reason,
                message=message,
            )
    return Outcome(BounceKind(failure.kind).label, message.email, failure.reason, is_done=True)


def _message(kind: str, token: str) -> Message | None:
    try:
        number = signing.unsign(kind, token)
    except signing.BadToken:
        log.warning("forged %s token %r in the bounce mailbox", kind, token)
        return None
    return Message.objects.filter(pk=number).select_related("mailing").first()
