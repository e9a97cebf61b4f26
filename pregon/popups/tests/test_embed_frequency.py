"""How often a visitor sees a pop-up, across page loads (same tab: same session) and sessions
(a new tab: a new sessionStorage, the same localStorage), with the browser's clock moved on
for the rules counted in days."""

import datetime

import pytest

from pregon.popups.models import AfterAction, Frequency, PopupEventKind
from pregon.testing.moodle import COURSE, ClassroomTestCase

COURSE_PAGE = f"/course/view.php?id={COURSE}"


@pytest.mark.browser
class FrequencyTestCase(ClassroomTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.now = datetime.datetime.now(datetime.UTC)
        self.browser.clock.install(time=self.now)

    def later(self, days: int) -> None:
        self.browser.clock.set_system_time(self.now + datetime.timedelta(days=days))

    def test_once_per_session(self) -> None:
        popup = self.popup(frequency=Frequency.SESSION)
        self.visit(COURSE_PAGE)
        self.assertEqual(self.shown(), popup.pk)
        self.visit(COURSE_PAGE)
        self.visit("/my/")
        self.assertIsNone(self.shown())
        session = self.visit(COURSE_PAGE, self.new_page())
        self.assertEqual(self.shown(session), popup.pk)
        self.wait_for_answers("/p/b/", 2)
        self.assertEqual(self.counts(popup), {PopupEventKind.VIEWED: 2})

    def test_once_ever(self) -> None:
        popup = self.popup(frequency=Frequency.ONCE)
        self.visit(COURSE_PAGE)
        self.assertEqual(self.shown(), popup.pk)
        self.assertIsNone(self.shown(self.visit(COURSE_PAGE, self.new_page())))
        self.later(400)
        self.assertIsNone(self.shown(self.visit(COURSE_PAGE, self.new_page())))

    def test_at_most_n_times_in_all(self) -> None:
        popup = self.popup(frequency=Frequency.TOTAL, frequency_value=2)
        self.visit(COURSE_PAGE)
        self.assertEqual(self.shown(), popup.pk)
        self.visit(COURSE_PAGE)
        self.assertEqual(self.shown(), popup.pk)
        self.visit(COURSE_PAGE)
        self.assertIsNone(self.shown())
        self.assertIsNone(self.shown(self.visit(COURSE_PAGE, self.new_page())))

    def test_once_every_n_days(self) -> None:
        popup = self.popup(frequency=Frequency.EVERY_DAYS, frequency_value=3)
        self.visit(COURSE_PAGE)
        self.assertEqual(self.shown(), popup.pk)
        self.later(2)
        self.assertIsNone(self.shown(self.visit(COURSE_PAGE, self.new_page())))
        self.later(4)
        self.assertEqual(self.shown(self.visit(COURSE_PAGE, self.new_page())), popup.pk)

    def test_closed_never_again(self) -> None:
        popup = self.popup(frequency=Frequency.SESSION, after_action=AfterAction.NEVER)
        self.visit(COURSE_PAGE)
        self.settled(popup)
        self.page.keyboard.press("Escape")
        self.assertEqual(self.page.locator("[data-pregon]").count(), 0)
        self.later(365)
        self.assertIsNone(self.shown(self.visit(COURSE_PAGE, self.new_page())))
        self.wait_for_answers("/p/b/", 2)
        self.assertEqual(self.counts(popup), {PopupEventKind.VIEWED: 1, PopupEventKind.CLOSED: 1})

    def test_closed_again_after_n_days(self) -> None:
        popup = self.popup(
            frequency=Frequency.SESSION, after_action=AfterAction.AFTER_DAYS, after_action_days=30
        )
        self.visit(COURSE_PAGE)
        self.settled(popup)
        self.page.locator(f"#pregon-popup-{popup.pk} button.x").click()
        self.later(29)
        self.assertIsNone(self.shown(self.visit(COURSE_PAGE, self.new_page())))
        self.later(31)
        self.assertEqual(self.shown(self.visit(COURSE_PAGE, self.new_page())), popup.pk)
