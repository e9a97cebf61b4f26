"""The sending engine: queue a mailing's messages, then claim, build, sign, send, record.

``enqueue`` turns an audience into one ``Message`` row per recipient with one
``INSERT … SELECT``. Workers (``pregon runsender``) call ``send_batch`` in a loop: it claims
due messages under a lease, builds and signs each one, hands it to the transport and records
every outcome. A worker that dies leaves its messages leased; ``reclaim_expired_leases``
(the scheduler's tick) queues them again after the lease, or at once when the worker was a
process of the tick's machine (``leases``, as a sender does when it starts), so nothing is
lost, and at most the messages in flight at the crash can go out twice.
"""

import datetime
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.contacts.models import Contact, Field, Status, Suppression
from pregon.contacts.normalize import normalize_email
from pregon.content import mergetags, preheader
from pregon.content.render import InvalidTemplate, Personaliser, context_for
from pregon.lib import events, signing
from pregon.sending import announce, bounces, frequency, leases, limits, links, quota
from pregon.sending.bounces.classifier import Diagnosis, classify
from pregon.sending.mime import MessageBuilder
from pregon.sending.models import (
    BounceSource,
    DomainLimit,
    Mailing,
    MailingStatus,
    Message,
    MessageStatus,
    Purpose,
    QuotaDebit,
    SenderIdentity,
    SkipReason,
)
from pregon.sending.transports import (
    Envelope,
    Outcome,
    Result,
    Transport,
    configuration,
    open_transport,
)

log = logging.getLogger(__name__)

BATCH_SIZE = 100
# Long enough for a batch to be built and sent through a slow relay; a dead worker's
# messages wait this long before another worker takes them.
LEASE = datetime.timedelta(minutes=2)
# A queue this large has PostgreSQL's statistics of the messages table analysed again at
# once (a sample of 30,000 rows, a fraction of a second): without them, until autovacuum
# comes by, the planner takes the queued messages for a handful and each claim sorts every
# one of the mailing's, instead of walking the queue's index in id order for a batch.
ANALYZE_AFTER = 10_000


def enqueue(
    mailing: Mailing,
    contacts: QuerySet[Contact],
    variant: int | None = None,
    send_after: datetime.datetime | None = None,
) -> int:
    """Queue one message per contact of ``contacts`` for ``mailing``; return how many.

    One set-based statement, whatever the audience's size. Running it twice queues nobody
    twice (the unique mailing-and-contact constraint, and ON CONFLICT DO NOTHING). The
    messages carry ``variant`` (an A/B test's ``MailingVariant.number``), and wait until
    ``send_after`` (now by default).
    """
    # Named columns: SQLite does not name a subquery's "table"."id" column "id".
    audience = contacts.order_by().values(audience_id=F("pk"), audience_email=F("email"))
    select_sql, params = audience.query.sql_with_params()
    table = Message._meta.db_table
    # Only our table's name and the ORM's own SQL are formatted in; values go as parameters.
    sql = (
        f"INSERT INTO {table} (mailing_id, contact_id, email, status, attempts, send_after, "  # noqa: S608
        f"reply, provider_message_id, skip_reason, variant) "
        f"SELECT %s, audience.audience_id, audience.audience_email, %s, 0, %s, '', '', '', %s "
        # "WHERE true": SQLite would otherwise read ON CONFLICT as a join's ON clause.
        f"FROM ({select_sql}) AS audience WHERE true ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        at = send_after or timezone.now()
        cursor.execute(sql, [mailing.pk, MessageStatus.QUEUED, at, variant, *params])
        queued = cursor.rowcount
        if connection.vendor == "postgresql" and queued >= ANALYZE_AFTER:
            cursor.execute(f"ANALYZE {table}")
        return queued


def reclaim_expired_leases() -> int:
    """Queue again the messages whose worker's lease ran out (it died, or hangs), and those
    of workers of this machine that have ended (``leases``); return how many."""
    leases.forget_expired()
    expired = Message.objects.filter(status=MessageStatus.SENDING, leased_until__lt=timezone.now())
    return leases.requeue(expired) + leases.reclaim_ended_holders()


def _claim(size: int) -> tuple[uuid.UUID, list[Message]]:
    """Lease up to ``size`` due messages of active mailings, within the quota balance."""
    lease = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        size = min(size, quota.available_for_claim())
        if size <= 0:
            _pause_for_quota()
            return lease, []
        size = limits.allowed_now(size, now)
        if size <= 0:
            return lease, []
        due = (
            Message.objects.filter(
                status=MessageStatus.QUEUED,
                send_after__lte=now,
                mailing__status=MailingStatus.ACTIVE,
            )
            .order_by("pk")
            # PostgreSQL: workers on other machines skip the rows this one locks. SQLite
            # has one writer at a time (BEGIN IMMEDIATE), which serialises claims anyway.
            .select_for_update(skip_locked=True, of=("self",))
        )
        if connection.vendor == "postgresql" and not DomainLimit.objects.exists():
            ids = _lease_at_once(due, size, lease, now)
            claimed = len(ids)
        else:
            # More candidates than needed, so that a domain at its limit leaves room for
            # others.
            candidates = list(due.values_list("pk", "email")[: size * 5])
            ids = limits.within_domain_limits(candidates, size, now)
            claimed = Message.objects.filter(pk__in=ids, status=MessageStatus.QUEUED).update(
                status=MessageStatus.SENDING, lease=lease, leased_until=now + LEASE
            )
        if claimed:
            leases.name_holder(lease, now + LEASE)
        limits.spend(claimed, now)
    messages = list(held(lease, ids).select_related("contact").order_by("pk"))
    # A batch is mostly one mailing's messages: its row (and its sender's and domain's) is
    # read once, not joined to each message and made into objects a hundred times. The
    # body is read once per mailing (Worker.composer), not here.
    mailings = (
        Mailing.objects.select_related("sender__domain")
        .defer("html", "text")
        .in_bulk({message.mailing_id for message in messages})
    )
    for message in messages:
        message.mailing = mailings[message.mailing_id]
    return lease, messages


def held(lease: uuid.UUID, ids: Iterable[int]) -> QuerySet[Message]:
    """Those of messages ``ids`` that ``lease`` still holds.

    A lease is set only on a message being sent: the claim writes it with the status
    ``sending``, and every outcome (and ``reclaim_expired_leases``) clears it. So the lease
    alone is the guard, and the statement names no status: PostgreSQL then finds the rows
    by primary key, where ``status = 'sending'`` would lead it to the queue's index and past
    every earlier batch's dead entries there, until a vacuum.
    """
    return Message.objects.filter(pk__in=ids, lease=lease)


def _lease_at_once(
    due: QuerySet[Message], size: int, lease: uuid.UUID, now: datetime.datetime
) -> list[int]:
    """Lease the first ``size`` of ``due`` in one statement; their ids (PostgreSQL only).

    ``= ANY(ARRAY(SELECT … LIMIT n FOR UPDATE SKIP LOCKED))``: the ids never make a round
    trip to the worker. ARRAY() makes the subquery an init plan, run exactly once; written
    as ``IN (SELECT …)``, the planner may run it again for every row it updates, each time
    locking and leasing more rows than ``size``.
    """
    select_sql, params = due.values_list("pk", flat=True)[:size].query.sql_with_params()
    table = Message._meta.db_table
    # Only our table's name and the ORM's own SQL are formatted in; values go as parameters.
    sql = (
        f"UPDATE {table} SET status = %s, lease = %s, leased_until = %s "  # noqa: S608
        f"WHERE id = ANY(ARRAY({select_sql})) AND status = %s RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [MessageStatus.SENDING, lease, now + LEASE, *params, MessageStatus.QUEUED]
        )
        return [pk for (pk,) in cursor.fetchall()]


def _pause_for_quota() -> None:
    """With the balance at zero, pause the marketing mailings that still have messages to
    send (their campaign or workflow resumes them). A transactional message just waits in
    the queue, and goes as soon as messages are available again: nobody would resume it."""
    waiting = Message.objects.filter(status=MessageStatus.QUEUED).values("mailing_id")
    Mailing.objects.filter(
        status=MailingStatus.ACTIVE, purpose=Purpose.MARKETING, pk__in=waiting
    ).update(status=MailingStatus.PAUSED, pause_reason="quota")


# Who may still get a message when its turn comes. A transactional message answers the
# person's own request (a signup's confirmation), so a pending or unsubscribed contact gets
# it; a bounced or complained one never does.
_WANTED = {
    Purpose.MARKETING: {Status.SUBSCRIBED},
    Purpose.TRANSACTIONAL: {Status.SUBSCRIBED, Status.PENDING, Status.UNSUBSCRIBED},
}


def _skip_reasons(messages: list[Message], lease: uuid.UUID) -> dict[int, str]:
    """Why each of ``messages`` that must not go out now is skipped, by message id.

    Checked when the message's turn comes, since things change after an audience is fixed:
    the address was suppressed; the contact unsubscribed, bounced, complained or was deleted;
    the person paused emails (marketing only); or the contact had the frequency cap's worth
    of marketing emails in the last 7 days (``frequency.over_cap``; off: no query).
    """
    now = timezone.now()
    emails = [message.email for message in messages]
    suppressed = set(Suppression.objects.filter(email__in=emails).values_list("email", flat=True))
    reasons: dict[int, str] = {}
    for message in messages:
        contact, marketing = message.contact, message.mailing.is_marketing
        if message.email in suppressed:
            reasons[message.pk] = SkipReason.SUPPRESSED
        elif contact is None and not marketing:
            # A transactional message to an address that is no contact (the API's): only
            # its suppression counts.
            continue
        elif contact is None or contact.status not in _WANTED[message.mailing.purpose]:
            reasons[message.pk] = SkipReason.LEFT
        elif marketing and contact.paused_until is not None and contact.paused_until > now:
            reasons[message.pk] = SkipReason.PAUSED
    if cap := limits.frequency_cap():
        marketing = [m for m in messages if m.pk not in reasons and m.mailing.is_marketing]
        for pk in frequency.over_cap(marketing, cap, lease, now):
            reasons[pk] = SkipReason.FREQUENCY_CAP
    return reasons


def _skip(lease: uuid.UUID, reasons: dict[int, str]) -> None:
    for reason in set(reasons.values()):
        skipped = [pk for pk, why in reasons.items() if why == reason]
        held(lease, skipped).update(
            status=MessageStatus.SKIPPED, skip_reason=reason, lease=None, leased_until=None
        )


@dataclass
class Composer:
    """What a worker keeps per mailing: the personaliser, the MIME builder, the signers."""

    personaliser: Personaliser
    builder: MessageBuilder
    signers: list
    domain: str
    field_keys: list[str] = field(default_factory=list)
    # Whether the content names the "view in browser" tag: only then is its address signed.
    web_version: bool = False


class Worker:
    """One sending loop's state: a transport and the composers of the mailings it met.

    Made without a transport, it sends through the backends in use, and follows them as they
    change in the UI (``follow_backends``); made with one (a test send), it keeps that one.
    """

    def __init__(self, transport: Transport | None = None) -> None:
        self.follows_backends = transport is None
        self.transport: Transport = transport or open_transport()
        self.backends = configuration() if self.follows_backends else []
        self.composers: dict[tuple[int, int | None], Composer] = {}
        self.addresses: dict[str, tuple[str, str]] = {}

    def follow_backends(self) -> None:
        """Switch to the backends in use now if they changed since the last batch: a relay
        added a moment before a campaign starts takes its first batch, not the test mailbox.

        One query of the small backends table per batch.
        """
        if not self.follows_backends:
            return
        latest = configuration()
        if latest == self.backends:
            return
        self.transport.close()
        self.transport, self.backends = open_transport(), latest

    def close(self) -> None:
        self.transport.close()

    def composer(self, mailing: Mailing, variant: int | None = None) -> Composer:
        """The composer of ``mailing``'s own content, or of its A/B ``variant``."""
        if not mailing.is_marketing:
            # A transactional mailing has one message: keeping its composer would only
            # grow the worker's memory with every signup.
            return self._compose(mailing, variant)
        if (mailing.pk, variant) not in self.composers:
            self.composers[mailing.pk, variant] = self._compose(mailing, variant)
        return self.composers[mailing.pk, variant]

    def _compose(self, mailing: Mailing, variant: int | None) -> Composer:
        sender = mailing.sender
        content = mailing if variant is None else mailing.variants.get(number=variant)
        return Composer(
            personaliser=Personaliser(content.subject, content.html, content.text),
            builder=MessageBuilder(
                from_name=sender.from_name if variant is None else content.from_name,
                from_address=sender.from_email,
                reply_to=sender.reply_to or None,
                list_id=mailing.list_id,
                feedback_id=mailing.feedback_id,
            ),
            signers=sender.domain.signers(),
            domain=settings.RETURN_PATH_DOMAIN or sender.domain.return_path,
            field_keys=list(Field.objects.values_list("key", flat=True)),
            web_version=mentions_web_version(content.subject, content.html, content.text),
        )

    def address(self, name: str, token: str) -> str:
        """The absolute URL named ``name`` for ``token`` (a ``lib.signing`` token, letters,
        digits and a dash, which need no quoting): ``reverse`` once per worker, not 50 µs
        for each message."""
        if name not in self.addresses:
            head, _marker, tail = reverse(name, args=["TOKEN"]).partition("TOKEN")
            self.addresses[name] = (settings.SITE_URL + head, tail)
        head, tail = self.addresses[name]
        return f"{head}{token}{tail}"

    def build(self, message: Message) -> tuple[str, bytes]:
        """The return path and the signed bytes of ``message``."""
        composer = self.composer(message.mailing, message.variant)
        token = signing.sign("unsubscribe", message.pk)
        unsubscribe_url = self.address("tracking:unsubscribe", token)
        contact = message.contact or Contact(email=message.email)
        values = merge_values(
            message, unsubscribe_url, composer.field_keys, self.address, composer.web_version
        )
        rendered = composer.personaliser.render(values)
        data = composer.builder.build(
            to_address=message.email,
            # A test to someone else's address shows the sample's data, not its name there.
            to_name=contact.full_name if contact.email == message.email else "",
            subject=rendered.subject,
            html=rendered.html_parts,
            text=rendered.text_parts,
            message_id=f"{message.mailing.code.hex}.{message.pk}@{composer.domain}",
            list_unsubscribe_url=unsubscribe_url,
            list_unsubscribe_mailto=f"mailto:baja+{token}@{composer.domain}?subject=baja",
            signers=composer.signers,
        )
        return_path = f"rebote+{signing.sign('bounce', message.pk)}@{composer.domain}"
        return return_path, data


def mentions_web_version(*sources: str) -> bool:
    """Whether any of ``sources`` may use the "view in browser" tag. A plain substring
    test, once per mailing: a false positive costs one signature per message, while
    parsing each source again would cost a transactional message (composed alone) more."""
    return any(name in source for source in sources for name in mergetags.WEB_VERSION_NAMES)


def merge_values(
    message: Message,
    unsubscribe_url: str,
    field_keys: list[str],
    address: Callable[[str, str], str],
    web_version: bool = True,
) -> dict[str, Any]:
    """The merge-tag values of ``message`` as its recipient gets them: the contact's data,
    the message's signed addresses and its tracking links. ``address`` makes the absolute
    URL of a view name and a token (``Worker.address``). The "view in browser" address is
    signed only if ``web_version`` (the content uses it) and the message has a row: a test
    send's has none to show, so its tag is empty.
    """
    contact = message.contact or Contact(email=message.email)
    preferences_token = signing.sign("preferences", message.pk)
    own = {"enlace_preferencias": address("tracking:preferences", preferences_token)}
    if web_version and message.pk:
        own["ver_en_navegador"] = address("tracking:web_version", web_version_token(message.pk))
    own.update(message.mailing.values)
    values = context_for(contact, unsubscribe_url, field_keys, own)
    values.update(links.context(message.pk, len(message.mailing.links), address))
    return values


def web_version_token(message_id: int) -> str:
    """The signed token of the page that shows message ``message_id`` in a browser."""
    return signing.sign("web", message_id)


class Draft(Protocol):
    """What a test send needs of a campaign (pregon.campaigns.models.Campaign)."""

    subject: str
    preheader: str
    template: Any
    sender: SenderIdentity


@dataclass(frozen=True)
class SentTest:
    """One test message as it went out: the envelope, the signed bytes, the relay's answer."""

    address: str
    return_path: str
    data: bytes
    result: Result


class TestedDraft(Draft, Protocol):
    """A draft that remembers being tested (a campaign: the first-run checklist asks)."""

    def record_test(self) -> None: ...


def send_tests(
    draft: TestedDraft, addresses: list[str], sample: Contact | None = None
) -> list[tuple[str, Result]]:
    """Send ``draft`` now to each of ``addresses``, with ``sample``'s data; return each
    address's outcome. A test accepted for any of them (by a relay, or kept in the test
    mailbox) is recorded on the draft (``record_test``).

    See ``send_test_messages``, which also returns what was sent.
    """
    sent = send_test_messages(draft, addresses, sample)
    if any(test.result.outcome == Outcome.SENT for test in sent):
        draft.record_test()
    return [(test.address, test.result) for test in sent]


def send_test_messages(
    draft: Draft, addresses: list[str], sample: Contact | None = None
) -> list[SentTest]:
    """Send ``draft`` now to each of ``addresses``, as ``sample`` would get it (every message
    shows that contact's data; with no sample, the merge tags' fallbacks); return each
    message exactly as it was handed to the transport, with the answer.

    An address that is not valid fails alone, with the reason, and the others still go.
    Test messages (R19) carry "[Prueba]" in the subject, are not queued, have no Message
    row and are never debited (R20): the quota ledger only counts queued messages accepted.
    """
    subject = _("[Test] %(subject)s") % {"subject": draft.subject}
    mailing = Mailing(
        subject=subject,
        html=preheader.apply(draft.template.html, draft.preheader),
        text=draft.template.text,
        sender=draft.sender,
        list_id=f"test <test.{draft.sender.domain.name}>",
        feedback_id="test:pregon",
    )
    worker = Worker(open_transport(for_tests=True))
    try:
        return [_send_test(worker, mailing, address, sample) for address in addresses]
    finally:
        worker.transport.close()


def _send_test(worker: Worker, mailing: Mailing, address: str, sample: Contact | None) -> SentTest:
    try:
        address = normalize_email(address)
    except ValueError as error:
        return SentTest(address, "", b"", Result(Outcome.FAILED, None, str(error)))
    message = Message(pk=0, mailing=mailing, email=address, contact=sample)
    try:
        return_path, data = worker.build(message)
    except InvalidTemplate as error:
        # Content saved before the merge-tag rules: the reason, as a sent one gets.
        return SentTest(address, "", b"", Result(Outcome.FAILED, None, str(error)[:500]))
    return SentTest(address, return_path, data, worker.transport.send(return_path, address, data))


def send_batch(worker: Worker, size: int = BATCH_SIZE) -> bool:
    """Claim, send and record one batch; False when nothing was due, or this worker may not
    send now (every backend at its connection limit): the loop sleeps."""
    try:
        worker.follow_backends()
        if not worker.transport.ready():
            return False
        lease, messages = _claim(size)
    except (OperationalError, InterfaceError) as error:
        # The database restarted or cannot be reached: nothing was claimed; the loop sleeps
        # and the next batch opens a new connection.
        log.warning("no batch claimed: %s", error)
        connection.close()
        return False
    if not messages:
        return False
    if reasons := _skip_reasons(messages, lease):
        _skip(lease, reasons)
        messages = [message for message in messages if message.pk not in reasons]
    results: list[tuple[Message, Result]] = []

    def built() -> Iterator[Envelope]:
        # Lazy: the transport takes each message when its turn comes, so a pipelining relay
        # reads and answers one while the next is built.
        for message in messages:
            try:
                return_path, data = worker.build(message)
            except (OperationalError, InterfaceError) as error:
                # The database went away mid-batch (building reads it): the rest of the
                # batch stays leased, and goes once after the lease.
                log.warning("batch cut short: %s", error)
                return
            except Exception as error:
                # A message that cannot be built will not build next time either.
                log.exception("message %s could not be built", message.pk)
                results.append((message, Result(Outcome.FAILED, None, str(error)[:500])))
                continue
            yield Envelope(return_path, message.email, data, message)

    try:
        for envelope, result in worker.transport.send_many(built()):
            results.append((envelope.ref, result))
    except (OperationalError, InterfaceError) as error:
        # The relays' connection slots read the database too.
        log.warning("batch cut short: %s", error)
    # The messages went out: their outcomes must be recorded, or they would go again once
    # the lease ran out. A database that went away meanwhile is waited for (record is one
    # transaction, and changes only what this lease still holds: trying again is safe).
    deadline = time.monotonic() + LEASE.total_seconds() / 2
    while True:
        try:
            record(lease, results, delivered=worker.transport.delivers)
            return True
        except (OperationalError, InterfaceError) as error:
            if time.monotonic() > deadline:
                raise
            log.warning("outcomes not recorded yet, trying again: %s", error)
            connection.close()
            time.sleep(1)


def record(lease: uuid.UUID, results: list[tuple[Message, Result]], delivered: bool = True) -> None:
    """Write each outcome, and debit the accepted messages, in one transaction.

    ``delivered`` False: the transport was the test mailbox, which sends nothing to anybody;
    the messages it kept are marked as kept there (``MessageStatus.OUTBOX``), not sent, and
    nothing is debited. Only messages still held by ``lease`` change: if this worker was so
    slow that its lease ran out and another took a message, the other's outcome is the one on
    record.
    """
    now = timezone.now()
    sent = [message.pk for message, result in results if result.outcome == Outcome.SENT]
    with transaction.atomic():
        # The sent messages this lease still holds, locked until the commit: the only ones
        # debited and announced. After a retry whose first commit went through (its answer
        # lost with the connection, send_batch), or a lease that ran out, the others are
        # already on record.
        still = list(held(lease, sent).select_for_update().values_list("pk", "mailing_id"))
        sent_by_mailing = Counter(mailing_id for _pk, mailing_id in still)
        held(lease, [pk for pk, _mailing_id in still]).update(
            status=MessageStatus.SENT if delivered else MessageStatus.OUTBOX,
            sent_at=now,
            lease=None,
            leased_until=None,
            # No server answered for a message kept in the test mailbox.
            smtp_code=250 if delivered else None,
            reply="",
        )
        if delivered:
            QuotaDebit.objects.bulk_create(
                QuotaDebit(at=now, count=count, mailing_id=mailing_id)
                for mailing_id, count in sent_by_mailing.items()
            )
        if delivered:
            announce.messages(events.MESSAGE_DELIVERED, [(pk, {}) for pk, _mailing_id in still])
        for message, result in results:
            if result.outcome == Outcome.SENT and result.provider_id:
                Message.objects.filter(pk=message.pk, status=MessageStatus.SENT).update(
                    provider_message_id=result.provider_id
                )
            elif result.outcome == Outcome.RETRY:
                _retry_later(held(lease, [message.pk]), message, result, now)
            elif result.outcome == Outcome.FAILED:
                _fail(held(lease, [message.pk]), message, result)


def _retry_later(row: QuerySet, message: Message, result: Result, now: datetime.datetime) -> None:
    delays = settings.SENDING_RETRY_DELAYS
    attempts = message.attempts + 1
    if attempts > len(delays):
        _fail(row, message, result)
        return
    row.update(
        status=MessageStatus.QUEUED,
        attempts=attempts,
        send_after=now + datetime.timedelta(seconds=delays[attempts - 1]),
        lease=None,
        leased_until=None,
        smtp_code=result.code,
        reply=result.reply[:500],
    )


def _fail(row: QuerySet, message: Message, result: Result) -> None:
    changed = row.update(
        status=MessageStatus.FAILED,
        attempts=message.attempts + 1,
        lease=None,
        leased_until=None,
        smtp_code=result.code,
        reply=result.reply[:500],
    )
    cause = result.cause if changed else ""
    if changed and result.outcome == Outcome.RETRY and result.code is not None:
        # Refused for a while until the retries ran out: what the last refusal said.
        cause = classify(diagnostic=result.reply, code=result.code, gave_up=True).cause
    if cause:
        # The recipient's server or the provider refused it (a relay that was down is no
        # bounce); the cause says what that means: a dead address is never mailed again,
        # passing trouble counts towards the soft-bounce limit, a refusal of ours (a block,
        # SPF/DKIM/DMARC) is recorded but suppresses no one.
        bounces.record(
            message.email,
            Diagnosis(cause).kind,
            BounceSource.SMTP,
            cause=cause,
            reason=result.reply,
            message=message,
        )
