"""The segment builder in real Chromium with Moodle's rules: the synced courses and
categories offered as boxes to tick, counted live, and saved by their Moodle ids."""

import re

import pytest

from pregon.accounts.models import Role, User
from pregon.contacts.models import Segment
from pregon.moodle.tests.test_segment_rules import build_classroom
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    add_condition,
)

EDITOR = "editora@example.pe"


@pytest.mark.browser
class SegmentMoodleBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Eva Editora")
        build_classroom()

    def test_enrolled_in_a_course_then_in_a_category(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(f"{base}/contactos/segmentos/nuevo/")
            count = page.locator("#segment-count")
            expect(count).to_have_attribute("data-count", "4")
            condition = add_condition(page.locator("#segment-builder > [data-group]"))
            condition.locator("[data-role=field]").select_option("moodle_enrolled")
            condition.locator("[data-role=operator]").select_option("in_courses")
            # Excel básico (201) is hidden in Moodle: offered last, and said so.
            hidden = condition.locator(".form-check-label").last
            expect(hidden).to_have_text(re.compile(r"^Excel básico \(.+ Moodle\)$"))
            condition.locator("[data-role=choice][value='201']").check()
            expect(count).to_have_attribute("data-count", "2")  # beto and carla.
            condition.locator("[data-role=field]").select_option("moodle_category")
            condition.locator("[data-role=choice][value='12']").check()
            expect(count).to_have_attribute("data-count", "2")  # ana and beto, by Posgrado.
            expect(count).to_have_attribute("data-state", "done")
            page.fill("#id_name", "Posgrado")
            page.click("#segment-save")
            page.wait_for_url(f"{base}/contactos/segmentos/")
            self.assertEqual(problems, [])
        rules = Segment.objects.get(name="Posgrado").rules
        self.assertEqual(
            rules["rules"],
            [{"field": "moodle_category", "operator": "in_categories", "value": [12]}],
        )
