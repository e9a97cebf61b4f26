"""Bounces and complaints, from wherever they come (the relay's reply, the bounce mailbox, a
provider's webhook): one place records them and decides whom to mail no more.

A hard bounce or a complaint suppresses the address at once; soft bounces (a full mailbox,
a server that refused for a while) do after ``settings.SOFT_BOUNCE_LIMIT`` of them, counted
over the address's whole history (not only in a row: an address that keeps failing now and
then is as costly to the sender's reputation). A sending-side rejection (our IP blocked, our
SPF/DKIM/DMARC, our content) never suppresses anyone: the person is still there. What kind a
failure is comes from ``pregon.sending.bounce_classifier``.
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
from pregon.sending import bounce_classifier
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
            Contact.objects.filter(email=email).exclude(status=Status.COMPLAINED).update(
                status=status
            )
            Suppression.objects.get_or_create(
                email=email, defaults={"reason": why, "note": reason[:255]}
            )
    return bounce


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
        changed = []
        for bounce in bounces:
            cause, kind = _reread(bounce.kind, bounce.cause, bounce.reason)
            if (cause, kind) != (bounce.cause, bounce.kind):
                bounce.cause, bounce.kind = cause, kind
                changed.append(bounce)
        summary.read += len(bounces)
        summary.changed += len(changed)
        if changed and not dry_run:
            Bounce.objects.bulk_update(changed, ["cause", "kind"])
    suppressed = Suppression.objects.filter(reason=SuppressionReason.BOUNCED)
    for suppressions in _batches(suppressed.only("id", "email")):
        emails = [row.email for row in suppressions]
        restorable = _restorable(emails)
        for email in filter(restorable.__contains__, emails):
            summary.restored.append(email)
            if not dry_run:
                _restore(email, restorable[email])
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
    diagnosis = bounce_classifier.classify(diagnostic=reason)
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


def _restore(email: str, causes: list[str]) -> None:
    with transaction.atomic():
        lifted, _ = Suppression.objects.filter(
            email=email, reason=SuppressionReason.BOUNCED
        ).delete()
        if not lifted:
            return  # Changed meanwhile (staff lifted it, or it became a complaint's).
        status = _status_before_bouncing(email)
        Contact.objects.filter(email=email, status=Status.BOUNCED).update(status=status)
        audit.record(None, AuditAction.BOUNCE_REREAD, email, causes=causes, status=status)


def _status_before_bouncing(email: str) -> str:
    """Subscribed, unless the audit log's last word on the address is an unsubscribe: a
    bounce overwrites the status of someone who had left (record() above)."""
    last = (
        AuditEntry.objects.filter(
            target=email, action__in=[AuditAction.UNSUBSCRIBE, AuditAction.RESUBSCRIBE]
        )
        .order_by("-at", "-id")
        .values_list("action", flat=True)
        .first()
    )
    return Status.UNSUBSCRIBED if last == AuditAction.UNSUBSCRIBE else Status.SUBSCRIBED
