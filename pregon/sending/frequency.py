"""Frequency caps: how many emails and SMS each contact was sent (or has on the way) within
a period, the count a workflow's cap and a campaign's checks share."""

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, Q

from pregon.sending.models import Message, MessageStatus
from pregon.sending.sms.models import SmsMessage, SmsStatus

# SMS that never reached the contact.
_SMS_NOT_COUNTED = [SmsStatus.FAILED, SmsStatus.SKIPPED, SmsStatus.UNDELIVERED]


def recent_counts(contact_ids: Iterable[int], since: datetime.datetime) -> Counter:
    """The emails and SMS each of ``contact_ids`` was sent since ``since``, or has queued,
    by contact id (a contact with none is absent)."""
    ids = list(contact_ids)
    counts: Counter = Counter()
    emails = (
        Message.objects.filter(contact_id__in=ids)
        .filter(
            Q(status__in=[MessageStatus.QUEUED, MessageStatus.SENDING])
            | Q(status__in=[MessageStatus.SENT, MessageStatus.OUTBOX], sent_at__gte=since)
        )
        .values("contact_id")
        .annotate(n=Count("pk"))
    )
    sms = (
        SmsMessage.objects.filter(contact_id__in=ids, created_at__gte=since)
        .exclude(status__in=_SMS_NOT_COUNTED)
        .values("contact_id")
        .annotate(n=Count("pk"))
    )
    for row in [*emails, *sms]:
        counts[row["contact_id"]] += row["n"]
    return counts
