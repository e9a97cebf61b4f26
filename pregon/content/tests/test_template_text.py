from pregon.content.models import EmailTemplate, Format
from pregon.testing import BaseTestCase

SOURCE = '<p>Hola {{ nombre }}: empieza el curso.</p><p><a href="{{ enlace_baja }}">Baja</a></p>'


class TemplateTextTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.template = EmailTemplate(name="Curso", format=Format.HTML)
        self.template.set_source(SOURCE)
        self.template.save()
        self.url = f"/plantillas/{self.template.code}/texto/"
        self.client.force_login(self.bob)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        self.client.logout()
        response = self.client.post(self.url, {"text": "Hola"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])
        self.template.refresh_from_db()
        self.assertFalse(self.template.is_text_custom)

    def test_analysts_may_not_edit_it(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, {"text": "Hola"}).status_code, 403)
        self.template.refresh_from_db()
        self.assertFalse(self.template.is_text_custom)

    def test_an_unknown_template_is_not_found(self) -> None:
        url = "/plantillas/6f1c2e9a-8d3b-4c1e-9f7a-2b5d8e0c4a11/texto/"
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_generated_text_follows_the_source(self) -> None:
        self.assertEqual(
            self.template.text, "Hola {{ nombre }}: empieza el curso.\n\nBaja ({{ enlace_baja }})\n"
        )
        response = self.client.get(self.url)
        self.assertContains(response, "This text is generated from the design")
        self.assertContains(response, "Hola {{ nombre }}: empieza el curso.")

        self.template.set_source(SOURCE.replace("empieza el curso", "el curso empezó"))
        self.template.save()
        self.assertIn("Hola {{ nombre }}: el curso empezó.", self.template.text)
        self.assertFalse(self.template.is_text_custom)

    def test_a_text_written_by_hand_stays_when_the_source_changes(self) -> None:
        # Line breaks as a browser posts them from a textarea.
        text = 'Hola {{ nombre | default("colega") }}:\r\n\r\nEl curso empieza el lunes.\r\n'
        response = self.client.post(self.url, {"text": text}, follow=True)
        self.assertRedirects(response, f"/plantillas/{self.template.code}/")
        self.assertContains(response, "Plain-text version saved.")
        self.template.refresh_from_db()
        self.assertEqual(self.template.text, text)
        self.assertTrue(self.template.is_text_custom)
        self.assertTrue(self.template.is_ready, self.template.checks)

        self.template.set_source(SOURCE.replace("empieza el curso", "el curso empezó"))
        self.template.save()
        self.template.refresh_from_db()
        self.assertEqual(self.template.text, text)
        self.assertTrue(self.template.is_text_custom)
        self.assertIn("el curso empezó", self.template.html)

        response = self.client.get(self.url)
        self.assertContains(response, "You wrote this text by hand")

    def test_an_empty_text_goes_back_to_the_generated_one(self) -> None:
        generated = self.template.text
        self.client.post(self.url, {"text": "Texto a mano."})
        self.template.refresh_from_db()
        self.assertTrue(self.template.is_text_custom)

        response = self.client.post(self.url, {"text": "  \r\n  "})
        self.assertRedirects(response, f"/plantillas/{self.template.code}/")
        self.template.refresh_from_db()
        self.assertFalse(self.template.is_text_custom)
        self.assertEqual(self.template.text, generated)
        self.assertTrue(self.template.is_ready, self.template.checks)

    def test_a_wrong_merge_tag_is_shown_with_its_line_and_not_saved(self) -> None:
        text = "Hola,\n\ntu curso es {{ contacto.curso }}.\n"
        response = self.client.post(self.url, {"text": text})
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, "Line 3: a field&#x27;s parts cannot be read; write just the field&#x27;s"
        )
        self.assertContains(response, "tu curso es {{ contacto.curso }}.")  # Kept for fixing.
        self.template.refresh_from_db()
        self.assertFalse(self.template.is_text_custom)
        self.assertIn("empieza el curso", self.template.text)

    def test_an_unknown_field_is_refused(self) -> None:
        response = self.client.post(self.url, {"text": "Hola {{ curso }}"})
        self.assertContains(response, "Line 1: there is no field “curso”.")
        self.template.refresh_from_db()
        self.assertFalse(self.template.is_text_custom)

    def test_a_blank_text_fails_the_pre_flight_checks(self) -> None:
        self.template.text = " \n\t"
        self.template.run_checks()
        self.assertFalse(self.template.is_ready)
        self.assertEqual([check["code"] for check in self.template.checks], ["text"])
