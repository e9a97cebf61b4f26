"""Showing and closing a pop-up on a Moodle page: priority among several, the close button,
Esc and the focus, the triggers, and its button's signed click through to an enrolment."""

import pytest

from pregon.popups import stats
from pregon.popups.models import Format, PopupEventKind, Trigger
from pregon.testing.browser import screenshot
from pregon.testing.moodle import COURSE, ClassroomTestCase

COURSE_PAGE = f"/course/view.php?id={COURSE}"


@pytest.mark.browser
class DialogTestCase(ClassroomTestCase):
    def focused_in(self, popup: object) -> str:
        return self.page.evaluate(
            "id => (document.getElementById(id).shadowRoot.activeElement || {}).className || ''",
            f"pregon-popup-{popup.pk}",
        )

    def test_only_the_highest_priority_shows_and_the_other_waits_for_a_later_page(self) -> None:
        low = self.popup(name="Encuesta", title="Encuesta de satisfacción", priority=5)
        high = self.popup(name="Curso", priority=20)
        self.visit(COURSE_PAGE)
        self.assertEqual(self.shown(), high.pk)
        self.assertEqual(self.page.locator(f"#pregon-popup-{low.pk}").count(), 0)
        self.settled(high)
        self.page.locator(f"#pregon-popup-{high.pk} button.x").click()
        self.visit("/my/")
        self.assertEqual(self.shown(), low.pk)
        self.wait_for_answers("/p/b/", 3)
        self.assertEqual(
            (self.counts(high), self.counts(low)),
            (
                {PopupEventKind.VIEWED: 1, PopupEventKind.CLOSED: 1},
                {PopupEventKind.VIEWED: 1},
            ),
        )

    def test_values_that_bypassed_the_form_reach_neither_the_styles_nor_the_page(self) -> None:
        # Written straight to the database, as a bad import or a future bug might: the
        # script itself keeps colours to #rrggbb, pictures to https and the title to text.
        popup = self.popup(
            title="<img src=x onerror=alert(1)>",
            image_url="javascript:alert(1)",
            background_color="url(x)",
            button_color="red",
        )
        self.visit(COURSE_PAGE)
        self.settled(popup)
        host = f"#pregon-popup-{popup.pk}"
        self.assertEqual(self.page.locator(f"{host} img").count(), 0)
        self.assertEqual(self.page.locator(f"{host} h2").text_content(), popup.title)
        colours = self.page.locator(f"{host} .w").evaluate(
            "e => [e.style.getPropertyValue('--bg'), e.style.getPropertyValue('--btn')]"
        )
        self.assertEqual(colours, ["#ffffff", "#1d4e89"])
        self.assertEqual(self.errors, [])

    def scroll_to_show(self, popup: object) -> None:
        """Focus Moodle's button, then scroll Boost 4's main region (it, not the window,
        scrolls) past the pop-up's mark."""
        self.visit(COURSE_PAGE)
        self.assertEqual(self.page.evaluate("() => window.pregonPopups.armed"), popup.pk)
        self.assertIsNone(self.shown())
        self.page.locator("#moodle-button").focus()
        self.page.locator("#page").evaluate("e => e.scrollTo(0, e.scrollHeight / 2)")
        self.settled(popup)

    def test_esc_closes_it_and_the_focus_returns(self) -> None:
        popup = self.popup(trigger=Trigger.SCROLL, trigger_value=30)
        self.scroll_to_show(popup)
        # The focus is trapped in the modal: Tab from the last control goes to the first.
        self.page.keyboard.press("Tab")
        self.assertEqual(self.focused_in(popup), "x")
        self.page.keyboard.press("Tab")
        self.assertEqual(self.focused_in(popup), "c")
        self.page.keyboard.press("Tab")
        self.assertEqual(self.focused_in(popup), "x")
        self.page.keyboard.press("Shift+Tab")
        self.assertEqual(self.focused_in(popup), "c")
        self.page.keyboard.press("Escape")
        self.assertEqual(self.page.locator("[data-pregon]").count(), 0)
        self.assertEqual(self.page.evaluate("() => document.activeElement.id"), "moodle-button")
        self.wait_for_answers("/p/b/", 2)
        self.assertEqual(self.counts(popup), {PopupEventKind.VIEWED: 1, PopupEventKind.CLOSED: 1})

    def test_the_close_button_closes_it_and_the_focus_returns(self) -> None:
        popup = self.popup(trigger=Trigger.SCROLL, trigger_value=30)
        self.scroll_to_show(popup)
        self.page.locator(f"#pregon-popup-{popup.pk} button.x").click()
        self.assertEqual(self.page.locator("[data-pregon]").count(), 0)
        self.assertEqual(self.page.evaluate("() => document.activeElement.id"), "moodle-button")
        self.wait_for_answers("/p/b/", 2)
        self.assertEqual(self.counts(popup), {PopupEventKind.VIEWED: 1, PopupEventKind.CLOSED: 1})

    def test_exit_intent_on_a_desktop(self) -> None:
        popup = self.popup(trigger=Trigger.EXIT, format=Format.BOTTOM_BAR)
        self.visit(COURSE_PAGE)
        self.page.mouse.move(640, 400)
        self.page.mouse.move(640, 200)
        self.assertIsNone(self.shown())
        # The pointer leaves through the top of the window.
        self.page.locator("body").dispatch_event("mouseout", {"clientY": -2, "bubbles": True})
        self.settled(popup)
        self.assertEqual(self.shown(), popup.pk)

    def test_a_click_goes_through_pregon_to_the_enrolment_which_converts(self) -> None:
        popup = self.popup(format=Format.CORNER)
        self.visit(COURSE_PAGE)
        self.settled(popup)
        screenshot(self.page, "popups-moodle-corner", full_page=False)
        link = self.page.locator(f"#pregon-popup-{popup.pk} a.c")
        href = link.get_attribute("href")
        self.assertTrue(href.startswith(f"{self.live_server_url}/p/c/"))
        for parameter in ("v=", "u=%2Fcourse%2Fview.php", f"c={COURSE}", "d=desktop"):
            self.assertIn(parameter, href)
        link.click()
        self.page.wait_for_url(f"{self.moodle.origin}/enrol/index.php?*")
        self.assertIn("pregon=", self.page.url)
        self.page.wait_for_function("() => window.pregonPopups && window.pregonPopups.done")
        # The enrolment page's conversion script reports the goal with the pop-up's token.
        self.wait_for_answers("/t/v/", 1)
        self.assertIsNone(self.shown())
        self.wait_for_answers("/p/b/", 1)
        self.assertEqual(
            self.counts(popup),
            {
                PopupEventKind.VIEWED: 1,
                PopupEventKind.CLICKED: 1,
                PopupEventKind.CONVERTED: 1,
            },
        )
        figures = stats.figures(popup)
        self.assertEqual(
            (figures["views"], figures["clicks"], figures["closes"], figures["conversions"]),
            (1, 1, 0, 1),
        )
