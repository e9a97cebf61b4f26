"""The segment builder in real Chromium with a custom text field: the values the contacts
hold are offered to pick from, and a rule typed without accents counts the accented ones."""

import pytest

from pregon.accounts.models import Role, User
from pregon.contacts.models import Contact, Field, FieldType
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    add_condition,
)

EDITOR = "editora@example.pe"


@pytest.mark.browser
class SegmentValuesBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Eva Editora")
        Field.objects.create(key="region", label="Región", type=FieldType.TEXT)
        for number, region in enumerate(["Junín", "Lima", "Junín", "Cusco"]):
            Contact.objects.create(email=f"p{number}@example.pe", attributes={"region": region})

    def test_the_builder_offers_the_stored_values_and_ignores_accents(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(f"{base}/contactos/segmentos/nuevo/")
            count = page.locator("#segment-count")
            expect(count).to_have_attribute("data-count", "4")
            top = page.locator("#segment-builder > [data-group]")
            condition = add_condition(top)
            condition.locator("[data-role=field]").select_option("field:region")
            value = condition.locator("[data-role=value]")
            options = page.locator(f"#{value.get_attribute('list')} option")
            self.assertEqual(
                [options.nth(i).get_attribute("value") for i in range(options.count())],
                ["Junín", "Cusco", "Lima"],
            )
            value.fill("JUNIN")
            expect(count).to_have_attribute("data-count", "2")
            self.assertEqual(problems, [])
