"""Enrolments a Moodle sync found, as conversions of the campaigns that announced their
course: no script pasted in the classroom.

A sync emits ``moodle.enrolled`` for each new enrolment (pregon.moodle.sync), inside the
transaction that writes it; ``record`` listens (CampaignsConfig.ready). A campaign whose
``course`` is the enrolment's and that attributes conversions converts the contact's message
if that person (not a link scanner) clicked it within the connection's ``conversion_days``
before the sync found the enrolment. The conversion is the default goal's ("matricula"),
measured by the sync: once per message and goal, so an enrolment the pasted script (or the
API) already reported counts once, and the script's report after the sync's adds nothing.

It runs in the sync's transaction, once per batch of enrolments (a course's new ones): a
handful of queries per chunk of them (``pregon.moodle.enrolled``): the campaigns of those
courses, the clicks of those contacts on their messages, then
``tracking.conversions.record_found``; the chunk keeps each query's list of ids well
under SQLite's limit of parameters.
"""

import datetime
from collections import defaultdict

from pregon.campaigns.models import Campaign
from pregon.moodle import enrolled
from pregon.tracking import conversions
from pregon.tracking.models import ConversionMethod, Event


def _enrolments(payloads: list[dict]) -> list[tuple[int, int, datetime.datetime]]:
    """(contact id, course id, when the sync found it) of each ``moodle.enrolled`` payload
    that names a contact."""
    return [
        (payload["contact"], payload["course"], datetime.datetime.fromisoformat(payload["at"]))
        for payload in payloads
        if payload.get("contact")
    ]


def record(name: str, payloads: list[dict]) -> None:
    """The ``moodle.enrolled`` listener: record the conversions these enrolments make."""
    enrolled.in_chunks(payloads, _record)


def _record(payloads: list[dict], window: datetime.timedelta) -> None:
    mailings: dict[int, list[int]] = defaultdict(list)
    for mailing_id, course_id in Campaign.objects.filter(
        course__in={payload["course"] for payload in payloads},
        attribute_conversions=True,
        mailing__isnull=False,
    ).values_list("mailing_id", "course_id"):
        mailings[course_id].append(mailing_id)
    # Most courses are announced by no campaign: their enrolments are not even read.
    found = _enrolments([payload for payload in payloads if payload["course"] in mailings])
    if not found:
        return
    clicks = Event.objects.filter(
        Event.clicking(human=True),
        message__mailing__in=[pk for ids in mailings.values() for pk in ids],
        message__contact__in={contact for contact, _course, _at in found},
        at__gte=min(at for _contact, _course, at in found) - window,
        at__lte=max(at for _contact, _course, at in found),
    ).values_list("message_id", "message__contact_id", "message__mailing_id", "at")
    clicked: dict[tuple[int, int], list[tuple[int, datetime.datetime]]] = defaultdict(list)
    for message_id, contact_id, mailing_id, at in clicks:
        clicked[(contact_id, mailing_id)].append((message_id, at))
    converted: dict[int, datetime.datetime] = {}
    for contact_id, course_id, enrolled_at in found:
        for mailing_id in mailings.get(course_id, ()):
            for message_id, clicked_at in clicked.get((contact_id, mailing_id), ()):
                if enrolled_at - window <= clicked_at <= enrolled_at:
                    converted[message_id] = min(enrolled_at, converted.get(message_id, enrolled_at))
    conversions.record_found(converted, conversions.DEFAULT_GOAL, ConversionMethod.MOODLE)
