"""The segment builder in real Chromium with an engagement rule: "did not open campaign A",
chosen from the campaigns the builder offers, counted live and saved."""

import pytest

from pregon.accounts.models import Role, User
from pregon.contacts.models import Segment
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    add_condition,
    screenshot,
)
from pregon.testing.engagement import EngagementData

EDITOR = "editora@example.pe"


@pytest.mark.browser
class SegmentEngagementBrowserTestCase(EngagementData, BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Eva Editora")
        self.make()

    def test_not_opened_campaign_a(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(f"{base}/contactos/segmentos/nuevo/")
            count = page.locator("#segment-count")
            expect(count).to_have_attribute("data-count", "5")
            top = page.locator("#segment-builder > [data-group]")
            condition = add_condition(top)
            condition.locator("[data-role=field]").select_option("opened")
            condition.locator("[data-role=operator]").select_option("not_in_campaigns")
            condition.locator(f"[data-role=choice][value='{self.a.pk}']").check()
            # persona0001 (only Apple's proxy opened it) and persona0003 (did not open it).
            expect(count).to_have_attribute("data-count", "2")
            condition.locator("[data-role=operator]").select_option("never")
            expect(count).to_have_attribute("data-count", "1")
            condition.locator("[data-role=operator]").select_option("not_in_campaigns")
            condition.locator(f"[data-role=choice][value='{self.a.pk}']").check()
            expect(count).to_have_attribute("data-count", "2")
            expect(count).to_have_attribute("data-state", "done")
            page.fill("#id_name", "No abrieron A")
            screenshot(page, "segment-engagement")
            page.click("#segment-save")
            page.wait_for_url(f"{base}/contactos/segmentos/")
            self.assertEqual(problems, [])
        rules = Segment.objects.get(name="No abrieron A").rules
        self.assertEqual(
            rules["rules"],
            [{"field": "opened", "operator": "not_in_campaigns", "value": [self.a.pk]}],
        )
