"""A person's own choices, as the preference centre and the unsubscribe page take them:
which public topics they receive, their name, and a pause of every marketing email.

Only lists marked ``is_topic`` can be joined or left here: the others are staff's to manage.
Leaving a topic deletes the subscription (so every audience, and so every campaign sent to
that topic, leaves the person out) and keeps a ``TopicOptOut`` naming the message and the
campaign the person came from, which the campaign's report counts apart from unsubscribes.
Unsubscribing from everything is ``pregon.tracking.unsubscribing.unsubscribe``, which
sets the status, records and announces it as every other way of unsubscribing does.

Each function runs in its own transaction and announces what it changed (``contact.updated``,
and ``contact.list_joined`` for each topic joined); ``save`` applies a whole form at once and
announces once.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from pregon.contacts import changes
from pregon.contacts.models import Contact, MailingList, Subscription, TopicOptOut

# The pauses offered, in days.
PAUSE_DAYS = (30, 60, 90)


@dataclass(frozen=True)
class Origin:
    """The message (and its campaign, if any) whose link the person followed."""

    message_id: int | None = None
    campaign_id: int | None = None


@dataclass
class Outcome:
    """What a change did: the topics joined and left, and whether the names or the pause
    changed."""

    joined: list[MailingList] = field(default_factory=list)
    left: list[MailingList] = field(default_factory=list)
    renamed: bool = False
    paused_until: datetime.datetime | None = None
    resumed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.joined or self.left or self.renamed or self.paused_until or self.resumed)


def topics() -> list[MailingList]:
    """The public topics, in the order people see them (by public name, then name)."""
    return sorted(MailingList.objects.filter(is_topic=True), key=public_name_key)


def public_name_key(mailing_list: MailingList) -> str:
    return (mailing_list.public_name or mailing_list.name).casefold()


def topic_ids_of(contact: Contact) -> set[int]:
    """The ids of the public topics ``contact`` receives now."""
    return set(
        Subscription.objects.filter(contact=contact, mailing_list__is_topic=True).values_list(
            "mailing_list_id", flat=True
        )
    )


def is_paused(contact: Contact) -> bool:
    return contact.paused_until is not None and contact.paused_until > timezone.now()


def leave_topics(
    contact: Contact, lists: Iterable[MailingList], origin: Origin = Origin()
) -> list[MailingList]:
    """Take ``contact`` off the topics among ``lists`` they receive; return those left."""
    with transaction.atomic():
        outcome = Outcome(left=_leave(contact, lists, origin))
        _announce(contact, outcome)
    return outcome.left


def join_topics(contact: Contact, lists: Iterable[MailingList]) -> list[MailingList]:
    """Put ``contact`` on the topics among ``lists`` they do not receive; return those
    joined."""
    with transaction.atomic():
        outcome = Outcome(joined=_join(contact, lists))
        _announce(contact, outcome)
    return outcome.joined


def pause(contact: Contact, days: int) -> datetime.datetime:
    """Pause marketing emails to ``contact`` for ``days`` (one of ``PAUSE_DAYS``) from
    now; return until when. Raises ValueError for another number of days."""
    with transaction.atomic():
        until = _pause(contact, days)
        _announce(contact, Outcome(paused_until=until))
    return until


def resume(contact: Contact) -> bool:
    """End a pause of ``contact``'s emails; False if there was none."""
    with transaction.atomic():
        resumed = _resume(contact)
        _announce(contact, Outcome(resumed=resumed))
    return resumed


def update_names(contact: Contact, first_name: str, last_name: str) -> bool:
    """Write the person's names (trimmed); False if they were already so."""
    with transaction.atomic():
        renamed = _rename(contact, first_name, last_name)
        _announce(contact, Outcome(renamed=renamed))
    return renamed


def save(
    contact: Contact,
    *,
    topic_ids: Iterable[int],
    first_name: str,
    last_name: str,
    pause_days: int | None,
    resume_emails: bool = False,
    origin: Origin = Origin(),
) -> Outcome:
    """Apply the preference centre's form: receive exactly the topics of ``topic_ids``
    (other lists untouched), the names, and a pause of ``pause_days`` from now (or end a
    pause with ``resume_emails``). One transaction, one announcement."""
    wanted = set(topic_ids)
    with transaction.atomic():
        current = topic_ids_of(contact)
        all_topics = {topic.pk: topic for topic in MailingList.objects.filter(is_topic=True)}
        outcome = Outcome(
            left=_leave(contact, [all_topics[pk] for pk in current - wanted], origin),
            joined=_join(contact, [all_topics[pk] for pk in wanted - current if pk in all_topics]),
            renamed=_rename(contact, first_name, last_name),
        )
        if pause_days:
            outcome.paused_until = _pause(contact, pause_days)
        elif resume_emails:
            outcome.resumed = _resume(contact)
        _announce(contact, outcome)
    return outcome


def _leave(contact: Contact, lists: Iterable[MailingList], origin: Origin) -> list[MailingList]:
    wanted = [item for item in lists if item.is_topic]
    on = Subscription.objects.filter(contact=contact, mailing_list__in=wanted)
    left_ids = set(on.values_list("mailing_list_id", flat=True))
    if not left_ids:
        return []
    on.delete()
    now = timezone.now()
    TopicOptOut.objects.bulk_create(
        TopicOptOut(
            contact=contact,
            mailing_list_id=list_id,
            at=now,
            message_id=origin.message_id,
            campaign_id=origin.campaign_id,
        )
        for list_id in sorted(left_ids)
    )
    return [item for item in wanted if item.pk in left_ids]


def _join(contact: Contact, lists: Iterable[MailingList]) -> list[MailingList]:
    wanted = {item.pk: item for item in lists if item.is_topic}
    already = set(
        Subscription.objects.filter(contact=contact, mailing_list_id__in=wanted).values_list(
            "mailing_list_id", flat=True
        )
    )
    joining = [item for pk, item in wanted.items() if pk not in already]
    Subscription.objects.bulk_create(
        [Subscription(contact=contact, mailing_list=item) for item in joining],
        ignore_conflicts=True,
    )
    return joining


def _pause(contact: Contact, days: int) -> datetime.datetime:
    if days not in PAUSE_DAYS:
        raise ValueError(f"a pause is of {PAUSE_DAYS} days, not {days}")
    contact.paused_until = timezone.now() + datetime.timedelta(days=days)
    Contact.objects.filter(pk=contact.pk).update(paused_until=contact.paused_until)
    return contact.paused_until


def _resume(contact: Contact) -> bool:
    if not is_paused(contact):
        return False
    contact.paused_until = None
    Contact.objects.filter(pk=contact.pk).update(paused_until=None)
    return True


def _rename(contact: Contact, first_name: str, last_name: str) -> bool:
    names = (first_name.strip(), last_name.strip())
    if names == (contact.first_name, contact.last_name):
        return False
    contact.first_name, contact.last_name = names
    Contact.objects.filter(pk=contact.pk).update(first_name=names[0], last_name=names[1])
    return True


def _announce(contact: Contact, outcome: Outcome) -> None:
    if not outcome.changed:
        return
    contact.updated_at = timezone.now()
    Contact.objects.filter(pk=contact.pk).update(updated_at=contact.updated_at)
    changes.announce_saved(
        contact.pk,
        created=False,
        unsubscribed=False,
        joined=[item.pk for item in outcome.joined],
        tagged=[],
    )
