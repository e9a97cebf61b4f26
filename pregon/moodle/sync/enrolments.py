"""Each course's participants: read page by page, then written in one transaction.

Moodle cannot say which enrolments changed since a date, so every sync reads every
course's participant list (``core_enrol_get_enrolled_users``, a page of ``PAGE`` at a time,
asking only for ids, roles and the last access to the course: a few dozen bytes each).
What an incremental sync saves is the rest: the details of users it already knows, and
completions of people who did not go back into the course.

A course's enrolments change only after its whole list was read, in one transaction with
the events that announce them and its categories' members (``pregon.moodle.members``), so
that a failure part-way (a time-out, the token revoked) leaves the course as the previous
sync left it. The cursor then moves past the course:
a later run resumes with the next one. Memory holds one course's list at a time.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from pregon.lib import events
from pregon.moodle import members
from pregon.moodle.client import Client, MoodleError
from pregon.moodle.models import Connection, Course, Enrolment, MoodleUser
from pregon.moodle.sync import completions, people
from pregon.moodle.sync.progress import Progress

# Participants per call. Moodle reads a page with one query and formats each user in PHP;
# a thousand answers in about a second on a busy classroom.
PAGE = 1000
# The user fields asked for (Moodle always adds id and fullname).
USER_FIELDS = "id,roles,lastcourseaccess"
# Moodle user ids per query of our own database.
CHUNK = 5000
# Moodle's answer for a course that does not exist (any more).
COURSE_GONE = "invalidrecordunknown"


@dataclass
class Participant:
    """One contact in one course, as Moodle lists it, over all of the contact's accounts."""

    roles: set[str] = field(default_factory=set)
    last_access: int = 0
    # The account whose completion is asked (the one that went into the course last).
    moodle_user: int = 0


def sync_enrolments(
    client: Client,
    connection: Connection,
    progress: Progress,
    *,
    fresh_since: datetime.datetime | None,
    full: bool,
    first: bool,
    catalogued_since: datetime.datetime,
) -> None:
    """Sync the enrolments and completions of every course the catalogue listed since
    ``catalogued_since``, from the cursor's course on.

    ``fresh_since``: users saved since then are not asked about again (a full sync);
    None: no known user is. ``full``: ask completions of everyone not completed, not
    only of those who went back into the course. ``first``: the first sync ever, whose
    enrolments are not new (no date, no event).
    """
    after = progress.cursor.get("after", 0) if progress.cursor.get("phase") == "enrolments" else 0
    # The courses this sync's catalogue listed (a resumed run's predecessor's, since its
    # beginning): one deleted in Moodle, or hidden from the token's user, is kept as it was.
    catalogued = Course.objects.filter(synced_at__gte=catalogued_since)
    courses = list(
        catalogued.order_by("moodle_id").values_list("moodle_id", "pk", "completion_enabled")
    )
    roles = set(connection.role_names())
    total = len(courses)
    done = sum(1 for moodle_id, *_rest in courses if moodle_id <= after)
    progress.save("enrolments", done, total, after=after)
    asker = completions.Asker(connection)
    # Users this run asked about that gave no contact: a few, asked once however many
    # courses they are in.
    passed_over: set[int] = set()
    try:
        for moodle_id, course_pk, completion_enabled in courses:
            if moodle_id <= after:
                continue

            def beat(done: int = done) -> None:
                progress.save("enrolments", done, total)

            listed = read_participants(client, moodle_id, roles, beat)
            if listed is not None:
                people.ensure_users(
                    client, connection, listed, progress, beat, passed_over, fresh_since
                )
                participants = by_contact(listed)
                apply_course(course_pk, moodle_id, participants, first, progress)
                if completion_enabled:
                    completions.check_course(
                        asker,
                        course_pk,
                        moodle_id,
                        participants,
                        progress,
                        beat,
                        full=full,
                        first=first,
                    )
            done += 1
            progress.save("enrolments", done, total, after=moodle_id)
    finally:
        asker.close()


def read_participants(
    client: Client, course_moodle_id: int, roles: set[str], beat: Callable[[], None]
) -> dict[int, tuple[set[str], int]] | None:
    """The course's participants in one of ``roles``: {Moodle user id: (roles, last access)},
    or None if the course was deleted in Moodle since the catalogue was read (it is kept as
    it was, like the courses Moodle stops listing).

    Pages are asked in Moodle's default order (user id) until one comes back empty: Moodle
    leaves out, after paging, the participants whose details the caller may not see (a
    course in separate groups), so a short page need not be the last, and stopping there
    would drop the enrolments of everyone after it.
    """
    listed: dict[int, tuple[set[str], int]] = {}
    offset = 0
    while True:
        try:
            page = client.call(
                "core_enrol_get_enrolled_users",
                courseid=course_moodle_id,
                options=[
                    {"name": "userfields", "value": USER_FIELDS},
                    {"name": "limitfrom", "value": offset},
                    {"name": "limitnumber", "value": PAGE},
                ],
            )
        except MoodleError as error:
            if error.code == COURSE_GONE:
                return None
            raise
        for user in page:
            kept = {role.get("shortname", "") for role in user.get("roles") or ()} & roles
            if kept:
                listed[int(user["id"])] = (kept, int(user.get("lastcourseaccess") or 0))
        if not page:
            return listed
        offset += PAGE
        beat()


def by_contact(listed: dict[int, tuple[set[str], int]]) -> dict[int, Participant]:
    """The participants by contact id; users with no contact (no usable address) are left
    out, and a contact with two Moodle accounts in the course is one participant."""
    participants: dict[int, Participant] = {}
    ids = list(listed)
    for start in range(0, len(ids), CHUNK):
        accounts = MoodleUser.objects.filter(moodle_id__in=ids[start : start + CHUNK])
        for moodle_id, contact_id in accounts.values_list("moodle_id", "contact_id"):
            roles, last_access = listed[moodle_id]
            participant = participants.setdefault(contact_id, Participant())
            participant.roles |= roles
            if last_access >= participant.last_access or not participant.moodle_user:
                participant.last_access = last_access
                participant.moodle_user = moodle_id
    return participants


def apply_course(
    course_pk: int,
    course_moodle_id: int,
    participants: dict[int, Participant],
    first: bool,
    progress: Progress,
) -> None:
    """Make the course's enrolments those of ``participants``, in one transaction, and
    announce the new ones (``moodle.enrolled``) unless this is the first sync ever."""
    now = timezone.now()
    with transaction.atomic():
        progress.hold()
        existing = {
            enrolment.contact_id: enrolment
            for enrolment in Enrolment.objects.filter(course_id=course_pk).only(
                "pk", "contact_id", "roles"
            )
        }
        fresh, changed = [], []
        for contact_id, participant in participants.items():
            roles = ",".join(sorted(participant.roles))
            enrolment = existing.pop(contact_id, None)
            if enrolment is None:
                fresh.append(
                    Enrolment(
                        course_id=course_pk,
                        contact_id=contact_id,
                        roles=roles,
                        enrolled_at=None if first else now,
                        synced_at=now,
                    )
                )
            elif enrolment.roles != roles:
                enrolment.roles, enrolment.synced_at = roles, now
                changed.append(enrolment)
        Enrolment.objects.bulk_create(fresh, batch_size=1000)
        Enrolment.objects.bulk_update(changed, ["roles", "synced_at"], batch_size=1000)
        gone = [enrolment.pk for enrolment in existing.values()]
        for start in range(0, len(gone), CHUNK):
            Enrolment.objects.filter(pk__in=gone[start : start + CHUNK]).delete()
        members.enrolled(course_pk, [enrolment.contact_id for enrolment in fresh])
        members.unenrolled(course_pk, list(existing))
        if not first:
            at = now.isoformat()
            payloads = [
                {
                    "contact": e.contact_id,
                    "course": course_pk,
                    "moodle_course": course_moodle_id,
                    "at": at,
                }
                for e in fresh
            ]
            events.emit(events.MOODLE_ENROLLED, payloads)
    progress.count("enrolments", "created", len(fresh))
    progress.count("enrolments", "updated", len(changed))
    progress.count("enrolments", "unchanged", len(participants) - len(fresh) - len(changed))
    progress.count("enrolments", "removed", len(gone))
