"""Enrolments a Moodle sync found, as conversions of the pop-ups that announced their
course: no script pasted in the classroom's enrolment page.

A sync emits ``moodle.enrolled`` for each new enrolment (pregon.moodle.sync), inside the
transaction that writes it; ``record`` listens (PopupsConfig.ready). A pop-up whose
``promoted_course`` is the enrolment's converts if the contact (a known visitor: one who
came from a tracked email link or sent a form) clicked it, as a person, within the
connection's ``conversion_days`` before the sync found the enrolment. The conversion is the
default goal's, measured by the sync, once per pop-up, contact and goal: a conversion the
pixel already recorded for that contact counts once (pregon.popups.conversions checks the
same the other way round).

It runs in the sync's transaction, once per batch of enrolments (a course's new ones), in a
handful of queries per chunk of them (``pregon.moodle.enrolled``).
"""

import datetime
from collections import defaultdict

from django.db import transaction

from pregon.lib import events
from pregon.moodle import enrolled
from pregon.popups.models import Popup, PopupEvent, PopupEventKind
from pregon.tracking import conversions
from pregon.tracking.models import ConversionMethod


def record(name: str, payloads: list[dict]) -> None:
    """The ``moodle.enrolled`` listener: record the pop-up conversions these enrolments
    make."""
    enrolled.in_chunks(payloads, _record)


def _record(payloads: list[dict], window: datetime.timedelta) -> None:
    popups: dict[int, list[int]] = defaultdict(list)
    for popup_id, course_id in Popup.objects.filter(
        promoted_course__in={payload["course"] for payload in payloads}
    ).values_list("pk", "promoted_course_id"):
        popups[course_id].append(popup_id)
    # Most courses are announced by no pop-up: their enrolments are not even read.
    found = [
        (payload["contact"], payload["course"], datetime.datetime.fromisoformat(payload["at"]))
        for payload in payloads
        if payload["course"] in popups and payload.get("contact")
    ]
    if not found:
        return
    clicks = PopupEvent.objects.filter(
        kind=PopupEventKind.CLICKED,
        machine="",
        popup__in=[pk for ids in popups.values() for pk in ids],
        contact__in={contact for contact, _course, _at in found},
        at__gte=min(at for _contact, _course, at in found) - window,
        at__lte=max(at for _contact, _course, at in found),
    ).values_list("popup_id", "contact_id", "at")
    clicked: dict[tuple[int, int], list[datetime.datetime]] = defaultdict(list)
    for popup_id, contact_id, at in clicks:
        clicked[(popup_id, contact_id)].append(at)
    converted: dict[tuple[int, int], datetime.datetime] = {}
    for contact_id, course_id, enrolled_at in found:
        for popup_id in popups.get(course_id, ()):
            key = (popup_id, contact_id)
            if any(enrolled_at - window <= at <= enrolled_at for at in clicked.get(key, ())):
                converted[key] = min(enrolled_at, converted.get(key, enrolled_at))
    with transaction.atomic():
        _record_found(converted)


def _record_found(converted: dict[tuple[int, int], datetime.datetime]) -> None:
    """Record each (pop-up, contact) of ``converted`` that has no conversion of the goal
    yet, at the time given, and announce them."""
    if not converted:
        return
    goal = conversions.DEFAULT_GOAL
    # The pop-ups' row locks, as the pixel takes them (pregon.popups.conversions.record),
    # in one query and in id order.
    locked = set(
        Popup.objects.select_for_update()
        .filter(pk__in={popup for popup, _contact in converted})
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    done = set(
        PopupEvent.objects.filter(
            kind=PopupEventKind.CONVERTED,
            detail=goal,
            popup__in=locked,
            contact__in={contact for _popup, contact in converted},
        ).values_list("popup_id", "contact_id")
    )
    new = [(key, at) for key, at in converted.items() if key[0] in locked and key not in done]
    PopupEvent.objects.bulk_create(
        PopupEvent(
            popup_id=popup_id,
            contact_id=contact_id,
            kind=PopupEventKind.CONVERTED,
            detail=goal,
            method=ConversionMethod.MOODLE,
            at=at,
        )
        for (popup_id, contact_id), at in new
    )
    events.emit(
        events.CONVERSION,
        [
            {
                "goal": goal,
                "method": ConversionMethod.MOODLE,
                "popup": popup_id,
                "message": None,
                "contact": contact_id,
                "at": at.isoformat(),
            }
            for (popup_id, contact_id), at in new
        ],
    )
