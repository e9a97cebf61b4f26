"""The SMS sender: claim due SMS under a lease, personalise, shorten links, hand each to the
gateway in use and record its outcome at once.

The lease pattern is the email engine's (``pregon.sending.engine``): a claim marks rows
``sending`` under a lease id, in one transaction that also takes from the SMS quota; a
worker that dies leaves them leased and ``reclaim_expired_leases`` (the scheduler's tick)
queues them again. Each SMS's outcome is written right after the gateway's answer, not per
batch, so a worker killed at any point can repeat at most the one SMS it was handing over
(and the gateway is given our id for it, which providers that deduplicate use). Only an
accepted SMS is debited, its parts as sent, in the transaction that marks it sent.
"""

import datetime
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pregon.contacts.models import Field
from pregon.content.render import InvalidTemplate, Personaliser, context_for
from pregon.sending.models import SmsGateway, SmsMessage, SmsQuotaDebit, SmsStatus
from pregon.sending.sms import gateways, links
from pregon.sending.sms import quota as sms_quota
from pregon.sending.sms.encoding import count
from pregon.sending.transports.base import Outcome, Result

BATCH_SIZE = 20
LEASE = datetime.timedelta(minutes=2)


def reclaim_expired_leases() -> int:
    """Queue again the SMS whose worker's lease ran out (it died, or hangs)."""
    return SmsMessage.objects.filter(
        status=SmsStatus.SENDING, leased_until__lt=timezone.now()
    ).update(status=SmsStatus.QUEUED, lease=None, leased_until=None)


def _claim(size: int) -> tuple[uuid.UUID, list[SmsMessage]]:
    """Lease up to ``size`` due SMS whose parts fit in the SMS balance."""
    lease = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        available = sms_quota.available_for_claim()
        due = (
            SmsMessage.objects.filter(status=SmsStatus.QUEUED, send_after__lte=now)
            .order_by("pk")
            .select_for_update(skip_locked=True)
        )
        ids = []
        for pk, segments in due.values_list("pk", "segments")[:size]:
            if segments > available:
                break
            available -= segments
            ids.append(pk)
        SmsMessage.objects.filter(pk__in=ids, status=SmsStatus.QUEUED).update(
            status=SmsStatus.SENDING, lease=lease, leased_until=now + LEASE
        )
    messages = SmsMessage.objects.filter(lease=lease, status=SmsStatus.SENDING)
    return lease, list(messages.select_related("contact").order_by("pk"))


def send_due(size: int = BATCH_SIZE) -> bool:
    """Claim and send one batch of due SMS; False when none was due or no gateway is in use
    (the loop sleeps)."""
    gateway = gateways.active()
    if gateway is None:
        return False
    lease, messages = _claim(size)
    field_keys = list(Field.objects.values_list("key", flat=True))
    for message in messages:
        _send_one(gateway, lease, message, field_keys)
    return bool(messages)


def _send_one(gateway: SmsGateway, lease: uuid.UUID, message: SmsMessage, keys: list[str]) -> None:
    held = SmsMessage.objects.filter(pk=message.pk, lease=lease, status=SmsStatus.SENDING)
    contact = message.contact
    if contact is None or contact.sms_opted_out_at is not None:
        held.update(status=SmsStatus.SKIPPED, lease=None, leased_until=None)
        return
    try:
        text = Personaliser("", "", message.text).render(context_for(contact, "", keys)).text
    except InvalidTemplate as error:
        _finish(held, message, Result(Outcome.FAILED, None, str(error)[:500]))
        return
    body, urls = links.shorten(message.pk, text.strip())
    # A batch can outlast its lease (each gateway call may take up to its time-out): renew
    # it before each hand-over, and send nothing if the scheduler reclaimed the SMS, which
    # another worker may be sending by now.
    if not held.update(leased_until=timezone.now() + LEASE):
        return
    result = gateways.send(gateway, message.phone, body, message.code.hex)
    parts = count(body)
    with transaction.atomic():
        if result.outcome == Outcome.SENT:
            changed = held.update(
                status=SmsStatus.SENT,
                sent_at=timezone.now(),
                gateway=gateway,
                gateway_message_id=result.provider_id[:100],
                body=body,
                links=urls,
                encoding=parts.encoding,
                segments=parts.segments,
                attempts=message.attempts + 1,
                reply=result.reply[:500],
                lease=None,
                leased_until=None,
            )
            if changed:
                SmsQuotaDebit.objects.create(count=parts.segments, message=message)
        else:
            held.update(gateway=gateway)
            _finish(held, message, result)


def _finish(held: object, message: SmsMessage, result: Result) -> None:
    """A refused SMS: queued again after the email engine's retry delays while the refusal
    is temporary and attempts remain, else failed with the reason. Nothing is debited."""
    delays = settings.SENDING_RETRY_DELAYS
    attempts = message.attempts + 1
    if result.outcome == Outcome.RETRY and attempts <= len(delays):
        held.update(
            status=SmsStatus.QUEUED,
            attempts=attempts,
            send_after=timezone.now() + datetime.timedelta(seconds=delays[attempts - 1]),
            reply=result.reply[:500],
            lease=None,
            leased_until=None,
        )
        return
    held.update(
        status=SmsStatus.FAILED,
        attempts=attempts,
        reply=result.reply[:500],
        lease=None,
        leased_until=None,
    )
