"""Contacts' last open and last click (``Contact.last_opened_at``, ``last_clicked_at``),
which the segment rules on engagement in the last N days, ever and never read instead of
joining the events (pregon.campaigns.segment_rules).

The spool's flush calls ``keep_up`` with the events it has just written, in their
transaction, so a segment sees an open as soon as its event is in the database. Each
contact of those events is read again from all of its events rather than moved forward
from the new ones: the flush may also have found a scanner among earlier clicks of the same
messages (``spool._flag_clicks_on_every_link``), and a click that no longer counts must
stop counting here too. Migration ``contacts/0010`` filled the columns from the events
before it.
"""

from collections.abc import Iterable

from django.db.models import Max, OuterRef, Q, Subquery

from pregon.contacts.models import Contact
from pregon.sending.models import Message
from pregon.tracking.models import OPENING_KINDS, Event


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


def keep_up(events: Iterable[Event]) -> int:
    """Bring the last open and click of the contacts of ``events``' opens and clicks up to
    date; return how many contacts were written."""
    messages = {event.message_id for event in events if event.kind in OPENING_KINDS}
    if not messages:
        return 0
    contacts = Message.objects.filter(pk__in=messages, contact__isnull=False).values("contact_id")
    return Contact.objects.filter(pk__in=contacts).update(
        last_opened_at=_latest(Event.opening()), last_clicked_at=_latest(Event.clicking())
    )
