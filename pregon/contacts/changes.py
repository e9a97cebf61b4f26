"""Contacts' changes announced on the event bus (``pregon.lib.events``): created, updated,
unsubscribed, joined a list, received a tag. Every way of changing contacts (the screens'
form, the API, bulk actions, imports, unsubscribe links) calls these, inside its own
transaction, so webhooks and workflows hear of each change once, or not at all if it rolls
back."""

from collections.abc import Iterable

from django.utils import timezone

from pregon.lib import events

# Payloads per emit: the listeners write their rows for a batch with a few INSERTs, and
# each call costs them a query or two, so a million-row import makes 50 calls an event,
# not 200 (an import into a list with a tag: 0.5-0.7 s of the worker's CPU a million
# against 0.8-0.9 at 5,000, measured in the seventh round; a thousand took 0.7 s more).
BATCH = 20_000


def announce(name: str, contact_ids: Iterable[int], **extra: object) -> None:
    """Emit ``name`` once per contact of ``contact_ids``, in batches, with ``extra`` in each
    payload (the list's or tag's id)."""
    at = timezone.now().isoformat()
    ids = contact_ids if isinstance(contact_ids, list) else list(contact_ids)
    # One comprehension a batch, copying a payload made once: an import into a list with
    # a tag makes three payloads a contact, and at the end of its run, where nothing
    # else goes on meanwhile (1.0 s a million the loop that appended them, measured).
    payload = {"contact": None, **extra, "at": at}
    for start in range(0, len(ids), BATCH):
        events.emit(name, [{**payload, "contact": i} for i in ids[start : start + BATCH]])


def announce_saved(
    contact_id: int,
    *,
    created: bool,
    unsubscribed: bool,
    joined: Iterable[int],
    tagged: Iterable[int],
) -> None:
    """Emit what saving one contact did: created or updated, unsubscribed, the lists it
    joined and the tags it received (ids)."""
    announce(events.CONTACT_CREATED if created else events.CONTACT_UPDATED, [contact_id])
    if unsubscribed:
        announce(events.CONTACT_UNSUBSCRIBED, [contact_id])
    for list_id in sorted(joined):
        announce(events.LIST_JOINED, [contact_id], list=list_id)
    for tag_id in sorted(tagged):
        announce(events.TAG_ADDED, [contact_id], tag=tag_id)
