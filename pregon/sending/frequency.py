"""Frequency caps: how many emails and SMS each contact was sent (or has on the way) within
a period, the count a workflow's cap and a campaign's checks share; and the account's cap
on marketing emails, which the engine applies when a message's turn comes (``over_cap``)."""

import datetime
import uuid
from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, Q

from pregon.sending.models import Message, MessageStatus, Purpose
from pregon.sending.sms.models import SmsMessage, SmsStatus

# The account's cap counts marketing emails over a rolling week.
CAP_WINDOW = datetime.timedelta(days=7)
# SMS that never reached the contact.
_SMS_NOT_COUNTED = [SmsStatus.FAILED, SmsStatus.SKIPPED, SmsStatus.UNDELIVERED]


def recent_counts(contact_ids: Iterable[int], since: datetime.datetime) -> Counter:
    """The marketing emails and the SMS each of ``contact_ids`` was sent since ``since``, or
    has queued, by contact id (a contact with none is absent). Transactional emails (a
    signup's confirmation) answer the person's own request and do not count."""
    ids = list(contact_ids)
    counts: Counter = Counter()
    emails = (
        Message.objects.filter(contact_id__in=ids, mailing__purpose=Purpose.MARKETING)
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


def over_cap(
    messages: list[Message], cap: int, lease: uuid.UUID, now: datetime.datetime
) -> set[int]:
    """The ids of those of ``messages`` (marketing, claimed under ``lease``) that would give
    their contact more than ``cap`` marketing emails in the 7 days up to ``now``.

    What counts: marketing emails sent in the window, and those other workers hold right now
    (they may be on their way, so two workers never both send the last one allowed). In a
    batch, a contact's messages go in id order until the cap. One grouped query by the
    batch's contacts, through the index of messages by contact.
    """
    contact_ids = {message.contact_id for message in messages}
    recent = (
        Message.objects.filter(contact_id__in=contact_ids, mailing__purpose=Purpose.MARKETING)
        .filter(
            Q(status__in=[MessageStatus.SENT, MessageStatus.OUTBOX], sent_at__gte=now - CAP_WINDOW)
            | (Q(status=MessageStatus.SENDING) & ~Q(lease=lease))
        )
        .values_list("contact_id")
        .annotate(n=Count("pk"))
    )
    counts = Counter(dict(recent))
    capped = set()
    for message in sorted(messages, key=lambda message: message.pk):
        if counts[message.contact_id] >= cap:
            capped.add(message.pk)
        else:
            counts[message.contact_id] += 1
    return capped
