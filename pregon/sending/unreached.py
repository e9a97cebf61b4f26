"""The messages a mailing did not get to their recipients, and why (R21).

A message is unreached when it failed, or stayed unsent because its mailing was cancelled.
The reason says whose fault it was: a system incident (the relay was down or kept
deferring, the monthly messages ran out) or not (the recipient's server refused it, a
person cancelled the campaign). None of them was debited: the ledger debits only what a
relay accepted (pregon.sending.quota). Messages skipped for the person's own choices
(unsubscribed, paused, the frequency cap) are not unreached: they were not meant to go.
"""

from django.db.models import Case, CharField, Count, Q, QuerySet, TextChoices, Value, When
from django.utils.translation import gettext_lazy as _

from pregon.sending.models import FAILED, PENDING, MailingStatus, Message, MessageStatus


class Reason(TextChoices):
    RELAY = "relay", _("The sending server could not be reached or took no message")
    EXPIRED = "expired", _("Deferred until the retries ran out")
    REFUSED = "refused", _("Refused by the recipient's server")
    QUOTA = "quota", _("Left unsent when the monthly messages ran out")
    CANCELLED = "cancelled", _("Left unsent when the campaign was cancelled")


# The reasons that are a system incident: R21 gives these messages back to be sent again.
INCIDENT = frozenset({Reason.RELAY, Reason.EXPIRED, Reason.QUOTA})

_LEFT_UNSENT = PENDING & Q(mailing__status=MailingStatus.CANCELLED)
UNREACHED = FAILED | _LEFT_UNSENT

REASON = Case(
    When(status=MessageStatus.FAILED, smtp_code__isnull=True, then=Value(Reason.RELAY)),
    When(status=MessageStatus.FAILED, smtp_code__lt=500, then=Value(Reason.EXPIRED)),
    When(status=MessageStatus.FAILED, then=Value(Reason.REFUSED)),
    When(mailing__pause_reason="quota", then=Value(Reason.QUOTA)),
    default=Value(Reason.CANCELLED),
    output_field=CharField(),
)


def messages(mailing_id: int) -> QuerySet[Message]:
    """The unreached messages of the mailing ``mailing_id``, each annotated with its
    ``reason`` (a ``Reason`` value), in id order."""
    return (
        Message.objects.filter(UNREACHED, mailing_id=mailing_id)
        .annotate(reason=REASON)
        .order_by("pk")
    )


def counts(mailing_id: int) -> dict[str, int]:
    """How many of the mailing's messages each reason left unreached (every reason, 0 when
    none), in one query."""
    rows = messages(mailing_id).order_by().values_list("reason").annotate(n=Count("pk"))
    return {reason: 0 for reason in Reason.values} | dict(rows)
