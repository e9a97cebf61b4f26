"""Contacts' last open and last click (``Contact.last_opened_at``, ``last_clicked_at``),
which the segment rules on engagement in the last N days, ever and never read instead of
joining the events (pregon.campaigns.segment_rules).

The spool's flush calls ``keep_up`` with the events it has just written, in their
transaction, so a segment sees an open as soon as its event is in the database. A person's
open can only move a contact's last open forward: one grouped ``UPDATE … FROM`` over the
new opens does it. A click is another matter: the same flush may find that earlier clicks
of that message were a scanner's (every link within two seconds,
``spool._flag_clicks_on_every_link``), and those must stop counting here too, so the
contacts of the messages clicked are read again from all their events. Migration
``contacts/0010`` filled the columns from the events before it.
"""

from collections.abc import Iterable

from django.db.models import F, Max, OuterRef, Q, Subquery

from pregon.contacts.models import Contact
from pregon.sending.models import Message
from pregon.tracking.models import Event, EventKind

# Ids in one statement: well under SQLite's limit of variables.
CHUNK = 5000


def keep_up(events: Iterable[Event]) -> int:
    """Bring the last open and click of the contacts of ``events``' opens and clicks (saved
    events) up to date; return how many contact rows were written."""
    events = list(events)
    clicked = {event.message_id for event in events if event.kind == EventKind.CLICKED}
    opens = [
        event.pk
        for event in events
        if event.kind == EventKind.OPENED and not event.machine and event.message_id not in clicked
    ]
    clicked_ids = sorted(clicked)
    written = 0
    for start in range(0, len(opens), CHUNK):
        written += _move_last_open_forward(opens[start : start + CHUNK])
    for start in range(0, len(clicked_ids), CHUNK):
        written += _read_again(clicked_ids[start : start + CHUNK])
    return written


def _move_last_open_forward(event_ids: list[int]) -> int:
    latest = (
        Event.objects.filter(pk__in=event_ids, message__contact__isnull=False)
        .order_by()
        .values(latest_contact=F("message__contact_id"))
        .annotate(latest_at=Max("at"))
    )
    return Contact.move_forward("last_opened_at", latest)


def _latest(counted: Q) -> Subquery:
    """The latest of the outer contact's events that ``counted`` selects, or NULL."""
    events = (
        Event.objects.filter(counted, message__contact_id=OuterRef("pk"))
        .order_by()
        .values("message__contact_id")
        .annotate(latest=Max("at"))
        .values("latest")
    )
    return Subquery(events)


def _read_again(message_ids: list[int]) -> int:
    contacts = Message.objects.filter(pk__in=message_ids, contact__isnull=False).values(
        "contact_id"
    )
    return Contact.objects.filter(pk__in=contacts).update(
        last_opened_at=_latest(Event.opening()), last_clicked_at=_latest(Event.clicking())
    )
