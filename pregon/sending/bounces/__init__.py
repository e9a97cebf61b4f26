"""Bounces and complaints, from wherever they come (the relay's reply, the bounce mailbox, a
provider's webhook): one place records them and decides whom to mail no more.

A hard bounce or a complaint suppresses the address at once; soft bounces (a full mailbox,
a server that refused for a while) do after ``settings.SOFT_BOUNCE_LIMIT`` of them, counted
over the address's whole history (not only in a row: an address that keeps failing now and
then is as costly to the sender's reputation). A sending-side rejection (our IP blocked, our
SPF/DKIM/DMARC, our content) never suppresses anyone: the person is still there. What kind a
failure is comes from ``pregon.sending.bounces.classifier``.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from pregon.accounts import audit
from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Contact, Status, Suppression, SuppressionReason
from pregon.lib import events
from pregon.sending import announce
from pregon.sending.bounces import classifier
from pregon.sending.models import Bounce, BounceCause, BounceKind, Message

SUPPRESSING = {
    BounceKind.HARD: (Status.BOUNCED, SuppressionReason.BOUNCED),
    BounceKind.COMPLAINT: (Status.COMPLAINED, SuppressionReason.COMPLAINED),
}


def record(
    email: str,
    kind: str,
    source: str,
    *,
    cause: str = BounceCause.UNDEFINED,
    reason: str = "",
    message: Message | None = None,
    at: datetime.datetime | None = None,
) -> Bounce:
    """Store one bounce or complaint and suppress the address if it calls for it."""
    email = email.strip().lower()
    with transaction.atomic():
        bounce = Bounce(
            kind=kind,
            source=source,
            email=email,
            message=message,
            cause=cause,
            reason=reason[:500],
        )
        if at is not None:
            bounce.at = at
        bounce.save()
        if kind == BounceKind.SOFT and (
            Bounce.objects.filter(email=email, kind=BounceKind.SOFT).count()
            >= settings.SOFT_BOUNCE_LIMIT
        ):
            kind = BounceKind.HARD
        if kind in SUPPRESSING:
            status, why = SUPPRESSING[kind]
            # A person who left stays "unsubscribed" when a message sent before bounces: the
            # suppression keeps them out, and no reading of the bounce may bring them back.
            kept = [Status.COMPLAINED]
            if kind != BounceKind.COMPLAINT:
                kept.append(Status.UNSUBSCRIBED)
            Contact.objects.filter(email=email).exclude(status__in=kept).update(status=status)
            Suppression.objects.get_or_create(
                email=email, defaults={"reason": why, "note": reason[:255]}
            )
        _announce(bounce, kind)
    return bounce


def _announce(bounce: Bounce, kind: str) -> None:
    """Emit the bounce or complaint, for the contacts with its address."""
    name = events.MESSAGE_COMPLAINED if kind == BounceKind.COMPLAINT else events.MESSAGE_BOUNCED
    extra = {"kind": kind, "email": bounce.email, "at": bounce.at.isoformat()}
    if bounce.message_id:
        announce.messages(name, [(bounce.message_id, extra)])
        return
    contacts = Contact.objects.filter(email=bounce.email).values_list("pk", flat=True)
    events.emit(
        name, [{"message": None, "contact": pk, "channel": "email", **extra} for pk in contacts]
    )


# Rows read, updated or restored at a time by reclassify(): a few megabytes of memory, and
# short transactions that let the sender and the web go on meanwhile.
BATCH_SIZE = 2000


@dataclass
class Reclassified:
    """What ``reclassify`` did, or would do on a dry run."""

    read: int = 0
    changed: int = 0
    # The addresses mailed again: suppressed by bounces that no longer call for it.
    restored: list[str] = field(default_factory=list)


def reclassify(*, dry_run: bool = False) -> Reclassified:
    """Read every stored bounce again with the classifier, store its new cause and kind, and
    restore the addresses suppressed only by bounces that no longer suppress (now on the
    sending side, or soft ones under the limit). Complaints, unsubscribes and suppressions
    by staff are left alone; each restoration is audited. A dry run changes nothing.
    """
    summary = Reclassified()
    for bounces in _batches(Bounce.objects.only("id", "kind", "cause", "reason")):
        # Changed bounces by their new cause and kind: one UPDATE for each pair (a handful
        # per batch), much faster than bulk_update's CASE over every row.
        changes = defaultdict(list)
        for bounce in bounces:
            reread = _reread(bounce.kind, bounce.cause, bounce.reason)
            if reread != (bounce.cause, bounce.kind):
                changes[reread].append(bounce.id)
        summary.read += len(bounces)
        summary.changed += sum(len(ids) for ids in changes.values())
        if changes and not dry_run:
            with transaction.atomic():
                for (cause, kind), ids in changes.items():
                    Bounce.objects.filter(id__in=ids).update(cause=cause, kind=kind)
    suppressed = Suppression.objects.filter(reason=SuppressionReason.BOUNCED)
    for suppressions in _batches(suppressed.only("id", "email")):
        emails = [row.email for row in suppressions]
        restorable = _restorable(emails)
        if not dry_run:
            lifted = _restore(restorable)
            restorable = {email: restorable[email] for email in lifted}
        summary.restored += [email for email in emails if email in restorable]
    return summary


def _batches(rows: QuerySet) -> Iterator[list]:
    """``rows`` in lists of BATCH_SIZE, in id order, each read after the last was handled
    (keyset pagination: no cursor is held open while the batch is written)."""
    last = 0
    while batch := list(rows.filter(id__gt=last).order_by("id")[:BATCH_SIZE]):
        yield batch
        last = batch[-1].id


def _reread(kind: str, cause: str, reason: str) -> tuple[str, str]:
    """The cause and kind of a stored bounce, read again from what the server said."""
    if kind == BounceKind.COMPLAINT:
        return BounceCause.COMPLAINT, BounceKind.COMPLAINT
    diagnosis = classifier.classify(diagnostic=reason)
    if diagnosis.cause == BounceCause.UNDEFINED:
        # Words the classifier does not know (a provider's webhook may say only "hard"):
        # what was decided when the bounce came stays.
        return cause, kind
    return diagnosis.cause, diagnosis.kind


def _restorable(emails: list[str]) -> dict[str, list[str]]:
    """Of ``emails`` (suppressed for bouncing), those whose bounces, read again, no longer
    call for it, with their bounces' causes. An address with no bounce stored, or with a
    complaint, is not ours to restore."""
    bounces = defaultdict(list)
    rows = Bounce.objects.filter(email__in=emails).values_list("email", "kind", "cause", "reason")
    for email, kind, cause, reason in rows:
        bounces[email].append(_reread(kind, cause, reason))
    restorable = {}
    for email, reread in bounces.items():
        kinds = [kind for _cause, kind in reread]
        if (
            BounceKind.COMPLAINT in kinds
            or BounceKind.HARD in kinds
            or kinds.count(BounceKind.SOFT) >= settings.SOFT_BOUNCE_LIMIT
        ):
            continue
        restorable[email] = sorted({cause for cause, _kind in reread})
    return restorable


def _restore(restorable: dict[str, list[str]]) -> set[str]:
    """Lift the bounce suppressions of ``restorable`` (address: its bounces' causes) and
    mail those people again, audited, in one transaction; return the addresses lifted."""
    with transaction.atomic():
        suppressed = Suppression.objects.filter(
            email__in=restorable, reason=SuppressionReason.BOUNCED
        )
        # An address changed meanwhile (lifted by staff) is left out.
        lifted = set(suppressed.select_for_update().values_list("email", flat=True))
        suppressed.filter(email__in=lifted).delete()
        left = _left_before_bouncing(lifted)
        for status, emails in ((Status.UNSUBSCRIBED, left), (Status.SUBSCRIBED, lifted - left)):
            Contact.objects.filter(email__in=emails, status=Status.BOUNCED).update(status=status)
        for email in sorted(lifted):
            status = Status.UNSUBSCRIBED if email in left else Status.SUBSCRIBED
            audit.record(
                None, AuditAction.BOUNCE_REREAD, email, causes=restorable[email], status=status
            )
    return lifted


def _left_before_bouncing(emails: set[str]) -> set[str]:
    """Of ``emails``, those whose last word in the audit log is an unsubscribe: a bounce
    recorded before record() kept the status of someone who had left overwrote it, and they
    must stay out."""
    rows = (
        AuditEntry.objects.filter(
            target__in=emails, action__in=[AuditAction.UNSUBSCRIBE, AuditAction.RESUBSCRIBE]
        )
        .order_by("at", "id")
        .values_list("target", "action")
    )
    last = dict(rows)
    return {email for email, action in last.items() if action == AuditAction.UNSUBSCRIBE}
