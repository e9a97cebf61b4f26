"""The import mapping screen in real Chromium: "New custom field…" in a column's select
opens the field form named after the column; creating the field keeps the choices made."""

import tempfile

import pytest
from django.test import override_settings

from pregon.accounts.models import Role, User
from pregon.contacts.models import Field, FieldType, Import, MailingList
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    screenshot,
)
from pregon.testing.imports import CSV

EDITOR = "editora@example.pe"


@pytest.mark.browser
class ImportNewFieldBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        media = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(override_settings(MEDIA_ROOT=media))
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Eva Editora")
        self.courses = MailingList.objects.create(name="Cursos virtuales")

    def test_a_field_made_on_the_mapping_screen(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(f"{base}/contactos/importar/")
            page.set_input_files(
                "input[name=file]",
                files=[{"name": "alumnos.csv", "mimeType": "text/csv", "buffer": CSV}],
            )
            page.click("form[enctype] button[type=submit]")
            page.wait_for_selector("#mapping-form")
            page.select_option("select[name=mailing_list]", str(self.courses.code))
            page.select_option("select[name=column_2]", "")
            page.select_option("select[name=column_3]", "+new")
            expect(page.locator("#new-field")).to_have_attribute("open", "")
            expect(page.locator("#id_new_field-label")).to_have_value("Celular")
            expect(page.locator("#id_new_field-column")).to_have_value("3")
            page.fill("#id_new_field-label", "Celular del trabajo")
            page.select_option("#id_new_field-type", FieldType.TEXT)
            screenshot(page, "import-new-field")
            page.click("#new-field-create")
            expect(page.locator("select[name=column_3]")).to_have_value("field:celular_del_trabajo")
            expect(page.locator("select[name=column_0]")).to_have_value("email")
            expect(page.locator("select[name=column_2]")).to_have_value("")
            expect(page.locator("select[name=mailing_list]")).to_have_value(str(self.courses.code))
            self.assertEqual(problems, [])
        self.assertTrue(Field.objects.filter(key="celular_del_trabajo").exists())
        self.assertEqual(Import.objects.get().status, "uploaded")
