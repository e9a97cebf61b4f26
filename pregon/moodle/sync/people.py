"""Moodle users as contacts, matched by their email address.

A user's details are asked for by id, a batch at a time (``core_user_get_users_by_field``
with ``field=id``), only for users the sync does not know yet: on a full sync, those it
has not asked about since the sync began, so that each user is asked once per sync
however many courses they are in.

The address is normalised as everywhere else (``contacts.normalize``): a Moodle user whose
address is the same as a contact's, but for case or spaces, is that contact. A contact's
names are filled in only where they are empty, unless the connection makes Moodle the
source of truth for names. Nothing else of an existing contact changes: not its status,
consent, unsubscribes, lists or fields. A new contact is subscribed or not as the
connection says, with Moodle recorded as its source.
"""

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from pregon.contacts import changes
from pregon.contacts.models import ConsentSource, Contact, Status
from pregon.contacts.normalize import normalize_email
from pregon.lib import events
from pregon.moodle.client import Client
from pregon.moodle.models import Connection, MoodleUser
from pregon.moodle.sync.progress import Progress

# Users per call: Moodle reads them with one query; the POST stays a few kilobytes.
BATCH = 200
# Moodle user ids per query of our own database.
CHUNK = 5000
NAME_LENGTH = Contact._meta.get_field("first_name").max_length


def ensure_users(
    client: Client,
    connection: Connection,
    moodle_ids: Iterable[int],
    progress: Progress,
    beat: Callable[[], None],
    passed_over: set[int],
    fresh_since: datetime.datetime | None = None,
) -> None:
    """Fetch and save the users of ``moodle_ids`` the sync does not know: those with no
    MoodleUser, or (with ``fresh_since``, a full sync) not saved since then. ``beat``
    after each batch: a big course's new users take many calls, longer than the scheduler
    waits for a silent run.

    ``passed_over``: the run's users asked already that gave no contact (no usable
    address, or not in Moodle's answer); they are added to it, and not asked again in
    the run's other courses (nor counted again as skipped)."""
    wanted = sorted(set(moodle_ids) - passed_over)
    unknown = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        known = MoodleUser.objects.filter(moodle_id__in=chunk)
        if fresh_since is not None:
            known = known.filter(synced_at__gte=fresh_since)
        unknown += sorted(set(chunk) - set(known.values_list("moodle_id", flat=True)))
    for start in range(0, len(unknown), BATCH):
        batch = unknown[start : start + BATCH]
        users = client.call("core_user_get_users_by_field", field="id", values=batch)
        passed_over |= set(batch) - save_users(connection, users, progress)
        beat()


def save_users(connection: Connection, users: list[dict[str, Any]], progress: Progress) -> set[int]:
    """Save Moodle's ``users`` (as core_user_get_users_by_field gives them) as contacts and
    MoodleUsers, in one transaction; announce the contacts created and updated. Return
    the Moodle ids saved."""
    now = timezone.now()
    found: dict[int, tuple[str, str, str]] = {}
    for user in users:
        try:
            email = normalize_email(str(user.get("email") or ""))
        except ValueError:
            # No usable address (Moodle allows some odd ones): no contact, no enrolments.
            progress.count("contacts", "skipped")
            continue
        first = str(user.get("firstname") or "")[:NAME_LENGTH]
        last = str(user.get("lastname") or "")[:NAME_LENGTH]
        found[int(user["id"])] = (email, first, last)
    by_email: dict[str, tuple[str, str]] = {}
    for email, first, last in found.values():
        by_email.setdefault(email, (first, last))
    with transaction.atomic():
        progress.hold()
        created, updated = _save_contacts(connection, by_email, now, progress)
        contact_ids = dict(
            Contact.objects.filter(email__in=list(by_email)).values_list("email", "pk")
        )
        _save_moodle_users(found, contact_ids, now)
        changes.announce(events.CONTACT_CREATED, created)
        changes.announce(events.CONTACT_UPDATED, updated)
    return set(found)


def _save_contacts(
    connection: Connection,
    by_email: dict[str, tuple[str, str]],
    now: Any,
    progress: Progress,
) -> tuple[list[int], list[int]]:
    """Create the contacts missing and fill in (or replace) names; (created, updated) ids."""
    existing = Contact.objects.filter(email__in=list(by_email)).only(
        "pk", "email", "first_name", "last_name"
    )
    updated, unchanged = [], 0
    seen = set()
    for contact in existing:
        seen.add(contact.email)
        first, last = by_email[contact.email]
        names = _names(contact, first, last, replace=connection.names_from_moodle)
        if names == (contact.first_name, contact.last_name):
            unchanged += 1
            continue
        # Only the names and the time: the contact's status and consent are not a sync's.
        Contact.objects.filter(pk=contact.pk).update(
            first_name=names[0], last_name=names[1], updated_at=now
        )
        updated.append(contact.pk)
    subscribed = connection.subscribe_new_contacts
    fresh = [
        Contact(
            email=email,
            first_name=first,
            last_name=last,
            status=Status.SUBSCRIBED if subscribed else Status.UNSUBSCRIBED,
            consent_source=ConsentSource.MOODLE,
            consent_at=now if subscribed else None,
            created_at=now,
            updated_at=now,
        )
        for email, (first, last) in by_email.items()
        if email not in seen
    ]
    # A contact created meanwhile (a form, an import) is a conflict, left as it is.
    Contact.objects.bulk_create(fresh, ignore_conflicts=True)
    created = list(
        Contact.objects.filter(
            email__in=[contact.email for contact in fresh], created_at=now
        ).values_list("pk", flat=True)
    )
    progress.count("contacts", "created", len(created))
    progress.count("contacts", "updated", len(updated))
    progress.count("contacts", "unchanged", unchanged + len(fresh) - len(created))
    return created, updated


def _names(contact: Contact, first: str, last: str, *, replace: bool) -> tuple[str, str]:
    """The contact's names after a sync: Moodle's where the contact has none, or always
    with ``replace`` (but never an empty name over a contact's own)."""
    if replace:
        return first or contact.first_name, last or contact.last_name
    return contact.first_name or first, contact.last_name or last


def _save_moodle_users(
    found: dict[int, tuple[str, str, str]], contact_ids: dict[str, int], now: Any
) -> None:
    """Create or update the MoodleUser of each user ``found``, pointing at its contact."""
    existing = {row.moodle_id: row for row in MoodleUser.objects.filter(moodle_id__in=list(found))}
    fresh, changed = [], []
    for moodle_id, (email, _first, _last) in found.items():
        row = existing.get(moodle_id)
        if row is None:
            fresh.append(
                MoodleUser(
                    moodle_id=moodle_id, contact_id=contact_ids[email], email=email, synced_at=now
                )
            )
        elif row.email != email or row.contact_id != contact_ids[email]:
            row.email, row.contact_id = email, contact_ids[email]
            changed.append(row)
    MoodleUser.objects.bulk_create(fresh)
    MoodleUser.objects.bulk_update(changed, ["email", "contact"])
    MoodleUser.objects.filter(moodle_id__in=[m for m in found if m in existing]).update(
        synced_at=now
    )
