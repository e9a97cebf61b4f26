from django.urls import reverse

from pregon.content.models import EmailTemplate, Format
from pregon.testing import BaseTestCase

SOURCE = (
    "<mjml><mj-body><mj-section><mj-column><mj-text>{text}</mj-text>"
    '<mj-text><a href="{{{{ enlace_baja }}}}">Baja</a></mj-text>'
    "</mj-column></mj-section></mj-body></mjml>"
)


class TemplateSaveTestCase(BaseTestCase):
    """The endpoint the visual editor saves through."""

    def setUp(self) -> None:
        super().setUp()
        self.template = EmailTemplate(name="Boletín", format=Format.MJML)
        self.template.set_source(SOURCE.format(text="Antes"))
        self.template.save()
        self.url = reverse("content:save", args=[self.template.code])
        self.client.force_login(self.bob)

    def test_it_saves_and_answers_with_the_checks(self) -> None:
        source = SOURCE.format(text='Después <img src="https://x.example/a.png">')
        response = self.client.post(self.url, {"source": source})
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertTrue(body["ok"])
        self.assertEqual([check["code"] for check in body["checks"]], ["alt"])
        self.template.refresh_from_db()
        self.assertIn("Después", self.template.html)
        self.assertFalse(self.template.is_ready)

    def test_it_lays_the_editor_s_one_line_mjml_out_for_the_code_editor(self) -> None:
        self.client.post(self.url, {"source": SOURCE.format(text="<p>Uno</p>\n<p>Dos</p>")})
        self.template.refresh_from_db()
        self.assertEqual(
            self.template.source,
            "<mjml>\n"
            "  <mj-body>\n"
            "    <mj-section>\n"
            "      <mj-column>\n"
            "        <mj-text><p>Uno</p>\n<p>Dos</p></mj-text>\n"
            '        <mj-text><a href="{{ enlace_baja }}">Baja</a></mj-text>\n'
            "      </mj-column>\n"
            "    </mj-section>\n"
            "  </mj-body>\n"
            "</mjml>\n",
        )

    def test_it_refuses_a_bad_source_with_lines(self) -> None:
        response = self.client.post(self.url, {"source": SOURCE.format(text="{{ x.y }}")})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"][0]["line"], 5)
        self.template.refresh_from_db()
        self.assertIn("Antes", self.template.html)

    def test_it_needs_post(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_analysts_cannot_save(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.post(self.url, {"source": SOURCE.format(text="x")})
        self.assertEqual(response.status_code, 403)
