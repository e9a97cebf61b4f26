"""When and on what a pop-up shows, as the embed script decides on the page: its dates, days
and hours in Lima's time (the browser's clock moved), the device by the screen's width, and
no animation for a visitor who asked for reduced motion."""

import datetime
import zoneinfo

import pytest

from pregon.popups.models import Device
from pregon.testing.moodle import COURSE, ClassroomTestCase

COURSE_PAGE = f"/course/view.php?id={COURSE}"
LIMA = zoneinfo.ZoneInfo("America/Lima")
# A Wednesday, 10:00 in Lima.
WEDNESDAY = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=LIMA)


@pytest.mark.browser
class WhenTestCase(ClassroomTestCase):
    def at(self, moment: datetime.datetime) -> int | None:
        """What shows on a new tab when the browser's clock says ``moment``."""
        self.browser.clock.set_system_time(moment)
        return self.shown(self.visit(COURSE_PAGE, self.new_page()))

    def test_dates_days_and_hours_in_lima(self) -> None:
        self.browser.clock.install(time=WEDNESDAY)
        popup = self.popup(
            starts_at=WEDNESDAY + datetime.timedelta(hours=1),
            weekdays=[2, 4],  # Wednesdays and Fridays.
            hour_from=9,
            hour_to=13,
            frequency="total",
            frequency_value=100,
        )
        self.assertIsNone(self.at(WEDNESDAY))  # Not started yet.
        self.assertEqual(self.at(WEDNESDAY + datetime.timedelta(hours=2)), popup.pk)
        self.assertIsNone(self.at(WEDNESDAY + datetime.timedelta(hours=3)))  # 13:00.
        self.assertIsNone(self.at(WEDNESDAY + datetime.timedelta(days=1)))  # Thursday.
        self.assertEqual(self.at(WEDNESDAY + datetime.timedelta(days=2)), popup.pk)

    def test_desktop_or_phone_by_the_screen(self) -> None:
        desktop = self.popup(name="Computadora", device=Device.DESKTOP)
        phone = self.popup(name="Celular", device=Device.PHONE)
        self.visit(COURSE_PAGE)
        self.assertEqual(self.shown(), desktop.pk)
        page = self.new_page()
        page.set_viewport_size({"width": 390, "height": 800})
        self.visit(COURSE_PAGE, page)
        self.assertEqual(self.shown(page), phone.pk)

    def test_no_animation_for_reduced_motion(self) -> None:
        popup = self.popup()
        self.visit(COURSE_PAGE)
        animation = "e => getComputedStyle(e).animationName"
        self.assertEqual(self.dialog(popup).evaluate(animation), "fade")
        page = self.new_page()
        page.emulate_media(reduced_motion="reduce")
        self.visit(COURSE_PAGE, page)
        self.assertEqual(self.dialog(popup, page).evaluate(animation), "none")
