"""Events one app emits for others to act on: outgoing webhooks, automation triggers.

The apps that act on an event (automation, webhooks) come after the apps that emit it
(contacts, sending, tracking, popups) in DESIGN.md's order, so the emitters cannot import
them. An emitter calls ``emit`` here; the apps that care register a listener in their
``AppConfig.ready()`` with ``listen``.

Listeners run at once, in the emitter's transaction, so that what they write (a webhook
delivery, a workflow's enrolment) commits or rolls back with the change itself: an outbox,
not a fire-and-forget signal, and nothing is lost when a process dies after the commit. A
listener must therefore be quick (write rows, never call the network) and must not swallow
errors: an error rolls the emitter's change back, as any failed write would.

``emit`` takes a list of payloads, so that a batch (the spool's thousands of opens) reaches
a listener as one call that can write its rows with one ``bulk_create``.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

# Each payload is a dict of JSON values; every payload names its contact ("contact": id)
# where there is one, and its time ("at": ISO 8601).
Listener = Callable[[str, list[dict]], None]

CONTACT_CREATED = "contact.created"
CONTACT_UPDATED = "contact.updated"
CONTACT_UNSUBSCRIBED = "contact.unsubscribed"
LIST_JOINED = "contact.list_joined"  # "list": id
TAG_ADDED = "contact.tag_added"  # "tag": id
MESSAGE_DELIVERED = "message.delivered"  # "message", "campaign" (or None), "channel"
MESSAGE_OPENED = "message.opened"
MESSAGE_CLICKED = "message.clicked"  # "link": position
MESSAGE_BOUNCED = "message.bounced"
MESSAGE_COMPLAINED = "message.complained"
CONVERSION = "conversion"  # "goal", "message" or "popup"
FORM_SUBMITTED = "form.submitted"  # "popup" (a pop-up's form) or "form"
CAMPAIGN_STARTED = "campaign.started"  # "campaign", "code", "name", "channel", "messages"
CAMPAIGN_FINISHED = "campaign.finished"  # "campaign", "code", "name", "channel"
WORKFLOW_STEP = "workflow.step"  # "workflow", "node"
# A Moodle sync found a contact newly enrolled in a course, or having completed it:
# "course" (Course id), "moodle_course" (Moodle's id), "contact", "at".
MOODLE_ENROLLED = "moodle.enrolled"
MOODLE_COMPLETED = "moodle.completed"

NAMES = (
    CONTACT_CREATED,
    CONTACT_UPDATED,
    CONTACT_UNSUBSCRIBED,
    LIST_JOINED,
    TAG_ADDED,
    MESSAGE_DELIVERED,
    MESSAGE_OPENED,
    MESSAGE_CLICKED,
    MESSAGE_BOUNCED,
    MESSAGE_COMPLAINED,
    CONVERSION,
    FORM_SUBMITTED,
    CAMPAIGN_STARTED,
    CAMPAIGN_FINISHED,
    WORKFLOW_STEP,
    MOODLE_ENROLLED,
    MOODLE_COMPLETED,
)


class Bus:
    """Listeners by event name. The project has one (``listen`` and ``emit`` below); a test
    may make its own, away from the apps' listeners."""

    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = defaultdict(list)

    def listen(self, names: Iterable[str], listener: Listener) -> None:
        """Call ``listener(name, payloads)`` whenever one of ``names`` is emitted."""
        for name in names:
            if name not in NAMES:
                raise ValueError(f"unknown event {name!r}")
            if listener not in self._listeners[name]:
                self._listeners[name].append(listener)

    def emit(self, name: str, payloads: list[dict]) -> None:
        """Hand ``payloads`` of event ``name`` to every listener, in the caller's
        transaction."""
        if name not in NAMES:
            raise ValueError(f"unknown event {name!r}")
        if not payloads:
            return
        for listener in self._listeners.get(name, ()):
            listener(name, payloads)


_bus = Bus()
listen = _bus.listen
emit = _bus.emit
