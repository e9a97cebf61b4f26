"""The embed script on a Moodle 4.x page (pregon.testing.moodle), in real Chromium: where a
pop-up shows and where it does not, above Moodle's navbar and drawers, untouched by Moodle's
CSS, with no page content moved, and no clash with Moodle's RequireJS."""

import pytest

from pregon.popups.models import Format
from pregon.testing.browser import screenshot
from pregon.testing.moodle import COURSE, ClassroomTestCase

COURSE_PAGE = f"/course/view.php?id={COURSE}"


@pytest.mark.browser
class PlacementTestCase(ClassroomTestCase):
    def test_it_shows_on_a_matching_course_page_above_moodle_and_untouched_by_its_css(
        self,
    ) -> None:
        popup = self.popup(include_urls="/course/view.php?id=*", course_ids=[COURSE])
        self.visit(COURSE_PAGE)
        dialog = self.settled(popup)
        self.assertEqual(self.shown(), popup.pk)
        self.assertEqual(dialog.get_attribute("aria-modal"), "true")
        title = self.page.locator(f"#pregon-popup-{popup.pk} h2")
        self.assertEqual(dialog.get_attribute("aria-labelledby"), title.get_attribute("id"))
        self.assertEqual(title.text_content(), popup.title)
        # Focus moved into the pop-up.
        focused = self.page.evaluate(
            "id => document.getElementById(id).shadowRoot.activeElement.getAttribute('role')",
            f"pregon-popup-{popup.pk}",
        )
        self.assertEqual(focused, "dialog")
        # Moodle's "Raw SCSS" (buttons red, headings green and 40px, serif everywhere,
        # dialogs hidden) does not reach inside the shadow root.
        close = self.page.locator(f"#pregon-popup-{popup.pk} button.x")
        style = close.evaluate("e => getComputedStyle(e).color")
        self.assertNotEqual(style, "rgb(255, 0, 0)")
        self.assertEqual(close.get_attribute("aria-label"), "Cerrar")
        heading = title.evaluate(
            "e => [getComputedStyle(e).color, getComputedStyle(e).fontSize,"
            " getComputedStyle(e).fontFamily]"
        )
        self.assertNotEqual(heading[0], "rgb(0, 128, 0)")
        self.assertNotEqual(heading[1], "40px")
        self.assertNotIn("Georgia", heading[2])
        self.assertTrue(dialog.is_visible())
        # And the pop-up's own styles do not leak out: Moodle's button is still red.
        moodle_button = self.page.locator("#moodle-button")
        self.assertEqual(moodle_button.evaluate("e => getComputedStyle(e).color"), "rgb(255, 0, 0)")
        # Above Moodle's navbar (z-index 1030) and course index drawer (1031): what is at
        # the pop-up's backdrop over the drawer is the pop-up.
        on_top = self.page.evaluate(
            "() => document.elementFromPoint(100, 30).id + ' ' +"
            " document.elementFromPoint(100, 300).id"
        )
        self.assertEqual(on_top, f"pregon-popup-{popup.pk} pregon-popup-{popup.pk}")
        screenshot(self.page, "popups-moodle-modal", full_page=False)
        self.assertEqual(self.errors, [])

    def test_nothing_moves_when_it_shows_or_closes(self) -> None:
        popup = self.popup(format=Format.TOP_BAR, title="Matrícula abierta hasta el viernes")
        self.visit(COURSE_PAGE)
        self.settled(popup)
        self.assertEqual(
            self.page.evaluate("() => document.elementFromPoint(400, 20).id"),
            f"pregon-popup-{popup.pk}",
        )
        boxes = [self.page.locator("#first-activity").bounding_box()]
        screenshot(self.page, "popups-moodle-bar", full_page=False)
        self.page.locator(f"#pregon-popup-{popup.pk} button.x").click()
        self.assertEqual(self.page.locator("[data-pregon]").count(), 0)
        boxes.append(self.page.locator("#first-activity").bounding_box())
        # The same page where no pop-up shows (once per session: it was seen).
        self.visit(COURSE_PAGE)
        self.assertIsNone(self.shown())
        boxes.append(self.page.locator("#first-activity").bounding_box())
        self.assertEqual(boxes, [boxes[0]] * 3)

    def test_not_during_a_quiz_attempt_nor_on_an_excluded_address(self) -> None:
        popup = self.popup(exclude_urls="/mod/forum/*")
        self.visit("/mod/quiz/attempt.php?attempt=7&cmid=44")
        self.assertEqual(self.page.evaluate("() => window.pregonPopups.armed"), None)
        self.visit("/mod/forum/view.php?id=45")
        self.assertIsNone(self.shown())
        self.assertEqual(self.page.locator("[data-pregon]").count(), 0)
        # The quiz's own page, before an attempt, is not an exam page.
        self.visit("/mod/quiz/view.php?id=44")
        self.assertEqual(self.shown(), popup.pk)
        self.assertEqual(self.errors, [])

    def test_staff_may_allow_it_during_a_quiz(self) -> None:
        popup = self.popup(avoid_quiz=False, format=Format.CORNER)
        self.visit("/mod/quiz/attempt.php?attempt=7&cmid=44")
        self.assertIsNone(self.settled(popup).get_attribute("aria-modal"))

    def test_moodle_context_courses_pages_and_login(self) -> None:
        course = self.popup(name="Curso", course_ids=[COURSE], page_types=["course"])
        dashboard = self.popup(name="Panel", page_types=["dashboard"], login_state="in")
        guests = self.popup(name="Invitados", login_state="out", priority=5)
        self.visit(COURSE_PAGE)
        self.assertEqual(self.shown(), course.pk)
        self.visit("/my/")
        self.assertEqual(self.shown(), dashboard.pk)
        # A guest has no "notloggedin" class, but Moodle's login link in the user menu.
        self.moodle.visitor = "guest"
        self.visit("/my/courses.php")
        self.assertEqual(self.shown(), guests.pk)

    def test_the_loader_catches_an_anonymous_define_and_the_script_makes_none(self) -> None:
        self.popup()
        self.visit(COURSE_PAGE)
        self.assertEqual(self.errors, [])
        self.assertEqual(self.page.evaluate("() => require.s.errors"), [])
        # The page's AMD loader does catch the hazard: a script that calls define() without
        # a name, as a UMD bundle does when it sees define.amd, fails on this page.
        self.moodle.footer_extra = "<script>define(function () { return {}; });</script>"
        self.visit(COURSE_PAGE)
        self.until(lambda: self.errors, "the loader's error")
        self.assertIn("Mismatched anonymous define() module", " ".join(self.errors))
