"""In real Chromium: the pop-up report draws its charts under the CSP and shows the figures;
the segment editor offers "saw a pop-up" with the pop-ups to tick, counts and saves it.

Saves docs/screenshots/report-popup.png for the manual.
"""

import pytest

from pregon.accounts.models import Role, User
from pregon.contacts.models import Segment
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    add_condition,
    screenshot,
)
from pregon.testing.popup_reports import reported_popup

EDITOR = "editora@example.pe"


@pytest.mark.browser
class PopupReportBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Eva Editora")
        self.popup = reported_popup()

    def test_the_report_draws_its_charts_and_figures(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(f"{base}/emergentes/{self.popup.code}/informe/")
            expect(page.locator("[data-figure=views] [data-value]")).to_have_text("5")
            expect(page.locator("[data-figure=click_rate] [data-value]")).to_have_text("40,0 %")
            for chart in ("chart-days", "chart-hours"):
                drawn = page.eval_on_selector(
                    f"canvas[data-chart={chart}]",
                    "(canvas) => Boolean(window.Chart && window.Chart.getChart(canvas))",
                )
                self.assertTrue(drawn, chart)
            expect(page.locator("#people-table tbody tr")).to_have_count(2)
            screenshot(page, "report-popup")
            self.assertEqual(problems, [])

    def test_a_segment_of_those_who_saw_it(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(f"{base}/contactos/segmentos/nuevo/")
            count = page.locator("#segment-count")
            expect(count).to_have_attribute("data-count", "3")
            condition = add_condition(page.locator("#segment-builder > [data-group]"))
            condition.locator("[data-role=field]").select_option("saw_popup")
            condition.locator("[data-role=operator]").select_option("in_popups")
            condition.locator(f"[data-role=choice][value='{self.popup.pk}']").check()
            # ana and beto; carla's events were a bot's.
            expect(count).to_have_attribute("data-count", "2")
            expect(count).to_have_attribute("data-state", "done")
            page.fill("#id_name", "Vieron el curso")
            page.click("#segment-save")
            page.wait_for_url(f"{base}/contactos/segmentos/")
            self.assertEqual(problems, [])
        rules = Segment.objects.get(name="Vieron el curso").rules
        self.assertEqual(
            rules["rules"],
            [{"field": "saw_popup", "operator": "in_popups", "value": [self.popup.pk]}],
        )
