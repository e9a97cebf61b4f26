"""A live pop-up with hand-made events, whose every figure is worked out in the comments
below, for the tests of its report, its API, the dashboard and the segment rules."""

import datetime

from pregon.contacts.models import Contact
from pregon.popups.models import Popup, PopupEvent, PopupEventKind

# 10:00 in Lima (UTC-5) on Friday 20 November 2026.
MORNING = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=datetime.UTC)
COURSE_PAGE = "/course/view.php"
ACTIVITY_PAGE = "/mod/page/view.php"


def at(minutes: int) -> datetime.datetime:
    return MORNING + datetime.timedelta(minutes=minutes)


def event(popup: Popup, kind: str, minutes: int, visitor: str, **fields: object) -> PopupEvent:
    return PopupEvent.objects.create(
        popup=popup, kind=kind, at=at(minutes), visitor=visitor, **fields
    )


def reported_popup(name: str = "Curso de diciembre") -> Popup:
    """A published pop-up and its events, by visitor (times in Lima):

    - v1, desktop, course 12 on the course page: viewed twice at 10:00, clicked once.
    - v2, phone, dashboard (/my/, no course): viewed at 10:30 and closed it.
    - v3, phone, course 12 on the course page: viewed at 23:30 (04:30 UTC of the 21st) and
      sent the form as ana@example.pe (both events hers).
    - v4, desktop, course 7 on an activity page, known as beto@example.pe from an email:
      viewed, clicked and converted ("matricula") on Sunday 22 at 08:00.
    - Machines: a bot viewed twice and clicked at 10:00 (course 12, desktop, tied to
      carla@example.pe); a flood viewed once.

    People: 5 views by 4 visitors, 2 clicks (40 %), 1 close, 1 form, 1 conversion. By day:
    the 20th 4 views and 1 click, the 21st nothing, the 22nd 1 view and 1 click. By hour:
    10h 3 views 1 click, 23h 1 view, 08h 1 view 1 click. Known contacts: ana and beto, not
    carla (only a machine).
    """
    popup = Popup.objects.create(
        name=name,
        title="Nuevo curso de diciembre",
        is_published=True,
        starts_at=at(-24 * 60),
        button_text="Inscríbete",
        button_url="https://aula.example.gob.pe/enrol",
    )
    ana, _ = Contact.objects.get_or_create(email="ana@example.pe", defaults={"first_name": "Ana"})
    beto, _ = Contact.objects.get_or_create(
        email="beto@example.pe", defaults={"first_name": "Beto"}
    )
    carla, _ = Contact.objects.get_or_create(
        email="carla@example.pe", defaults={"first_name": "Carla"}
    )
    course = {"page": COURSE_PAGE, "course_id": 12}
    event(popup, PopupEventKind.VIEWED, 0, "v1", device="desktop", **course)
    event(popup, PopupEventKind.VIEWED, 1, "v1", device="desktop", **course)
    event(popup, PopupEventKind.CLICKED, 2, "v1", device="desktop", **course)
    event(popup, PopupEventKind.VIEWED, 30, "v2", device="phone", page="/my/")
    event(popup, PopupEventKind.CLOSED, 31, "v2", device="phone", page="/my/")
    night = 13 * 60 + 30
    event(popup, PopupEventKind.VIEWED, night, "v3", device="phone", contact=ana, **course)
    event(popup, PopupEventKind.SUBMITTED, night + 1, "v3", device="phone", contact=ana, **course)
    sunday = 2 * 24 * 60 - 2 * 60
    activity = {"page": ACTIVITY_PAGE, "course_id": 7, "device": "desktop", "contact": beto}
    event(popup, PopupEventKind.VIEWED, sunday, "v4", **activity)
    event(popup, PopupEventKind.CLICKED, sunday + 1, "v4", **activity)
    event(popup, PopupEventKind.CONVERTED, sunday + 60, "v4", detail="matricula", **activity)
    bot = {"machine": "bot", "device": "desktop", "contact": carla, **course}
    event(popup, PopupEventKind.VIEWED, 0, "b1", **bot)
    event(popup, PopupEventKind.VIEWED, 0, "b2", **bot)
    event(popup, PopupEventKind.CLICKED, 0, "b1", **bot)
    event(popup, PopupEventKind.VIEWED, 5, "f1", machine="flood", page="/my/")
    return popup
