"""What only an SMS campaign has: its report beyond the counts by status (``report``), and a
test SMS to a number typed in (``send_test``). Its audience, scheduling, start and end are
the email campaign's (models.py, scheduling.py)."""

import uuid
from dataclasses import dataclass

from django.db.models import Count, Sum

from pregon.campaigns.models import SMS_CANCELLED, Campaign
from pregon.contacts.models import Contact, Field
from pregon.content.render import Personaliser, context_for
from pregon.sending.models import SmsMessage, SmsQuotaDebit, SmsStatus
from pregon.sending.sms import gateways
from pregon.sending.transports.base import Result

# How many different reasons of failure the report lists.
MAX_REASONS = 10


@dataclass(frozen=True)
class Reason:
    """A reason SMS of the campaign failed or were not delivered, and how many got it."""

    status: str
    reply: str
    count: int


@dataclass(frozen=True)
class SmsReport:
    """What an SMS campaign's page shows beside its counts by status (``Campaign.progress``):
    the contacts left out when it started, the SMS its cancellation stopped, the SMS whose
    short links were clicked, the parts debited, and the reasons of its failures."""

    left_out: int
    cancelled: int
    opted_out: int
    clicked: int
    parts: int
    reasons: list[Reason]


def report(campaign: Campaign) -> SmsReport:
    """The report of ``campaign`` (an SMS campaign) as it stands."""
    messages = SmsMessage.objects.filter(campaign_id=campaign.pk).order_by()
    skipped = messages.filter(status=SmsStatus.SKIPPED)
    cancelled = skipped.filter(reply=SMS_CANCELLED).count()
    parts = SmsQuotaDebit.objects.filter(message__campaign_id=campaign.pk).aggregate(
        total=Sum("count")
    )["total"]
    reasons = (
        messages.filter(status__in=[SmsStatus.FAILED, SmsStatus.UNDELIVERED])
        .values("status", "reply")
        .annotate(n=Count("id"))
        .order_by("-n", "status", "reply")[:MAX_REASONS]
    )
    return SmsReport(
        left_out=campaign.sms_left_out_count or 0,
        cancelled=cancelled,
        opted_out=skipped.count() - cancelled,
        clicked=messages.filter(clicked_at__isnull=False).count(),
        parts=parts or 0,
        reasons=[Reason(row["status"], row["reply"], row["n"]) for row in reasons],
    )


def send_test(campaign: Campaign, phone: str, sample: Contact | None) -> Result:
    """Hand the campaign's text, with the data of ``sample`` (the merge tags' fallbacks if
    None), to the SMS gateway in use for ``phone``, now: not queued, not debited, its links
    not shortened. Raises ``InvalidTemplate`` for a text that cannot be personalised and
    ``vault.InvalidToken`` if the gateway's secret can no longer be read."""
    keys = list(Field.objects.values_list("key", flat=True))
    context = context_for(sample or Contact(), "", keys)
    text = Personaliser("", "", campaign.sms_text).render(context).text.strip()
    return gateways.send(gateways.active(), phone, text, uuid.uuid4().hex)
