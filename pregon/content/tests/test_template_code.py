from django.urls import reverse

from pregon.contacts.models import Field
from pregon.content import starts
from pregon.content.models import EmailTemplate, Format
from pregon.testing import BaseTestCase

VALID = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hola {{ nombre | default("colega") }}, {{ curso }}</mj-text>
        <mj-text><a href="{{ enlace_baja }}">Darte de baja</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""


class TemplateCodeTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        Field.objects.create(key="curso", label="Curso", type="text")
        self.template = EmailTemplate(name="Aviso", format=Format.MJML)
        self.template.set_source(VALID)
        self.template.save()
        self.url = reverse("content:code", args=[self.template.code])
        self.client.force_login(self.bob)

    def post(self, source: str):
        return self.client.post(self.url, {"source": source})

    def assertRefused(self, source: str, message: str) -> None:
        response = self.post(source)
        self.assertContains(response, message, status_code=422)
        self.template.refresh_from_db()
        self.assertEqual(self.template.source, VALID)

    def test_it_shows_the_source_and_the_insert_menu(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "{{ enlace_baja }}")
        self.assertContains(response, 'value="{{ curso }}"')
        self.assertContains(response, 'id="editor-config"')

    def test_it_saves_and_compiles(self) -> None:
        response = self.post(VALID.replace("Hola", "Buenos días"))
        self.assertRedirects(response, self.template.get_absolute_url())
        self.template.refresh_from_db()
        self.assertIn("Buenos días", self.template.html)
        self.assertIn("Buenos días", self.template.text)
        self.assertTrue(self.template.is_ready)

    def test_it_refuses_a_syntax_error_with_its_line(self) -> None:
        self.assertRefused(VALID.replace("{{ curso }}", "{{ curso }"), "Line 5:")

    def test_it_refuses_an_unknown_field_with_its_line(self) -> None:
        self.assertRefused(VALID.replace("curso", "carrera"), "Line 5: there is no field")

    def test_it_refuses_an_unclosed_mjml_tag_with_its_line(self) -> None:
        source = VALID.replace("      </mj-column>\n", "")
        self.assertRefused(source, "Line 7: &lt;/mj-section&gt; is found where &lt;mj-column&gt;")

    def test_it_refuses_escapes_from_the_sandbox(self) -> None:
        for tag, message in [
            ("{{ curso.__class__ }}", "parts cannot be read"),
            ("{% for i in range(10) %}x{% endfor %}", "loops cannot be used"),
            ("{% include 'base.html' %}", "cannot include other templates"),
        ]:
            with self.subTest(tag):
                self.assertRefused(VALID.replace("{{ curso }}", tag), message)

    def test_it_refuses_text_that_is_not_mjml(self) -> None:
        self.assertRefused("Hola", "Line 1: An MJML template starts with &lt;mjml&gt;")

    def test_it_explains_in_spanish(self) -> None:
        self.use_spanish()
        response = self.post(VALID.replace("curso", "carrera"))
        self.assertContains(response, "Línea 5", status_code=422)

    def test_it_saves_an_unchanged_gallery_design_posted_with_crlf_line_endings(self) -> None:
        # A browser posts a textarea's lines ending in CRLF, which mjml-python refused.
        source = starts.branded_source("curso")
        response = self.post(source.replace("\n", "\r\n"))
        self.assertRedirects(response, self.template.get_absolute_url())
        self.template.refresh_from_db()
        self.assertEqual(self.template.source, source)
        self.assertIn("Inscríbete", self.template.html)

    def test_lone_carriage_returns_end_lines_too(self) -> None:
        response = self.post(VALID.replace("Hola", "Buenas").replace("\n", "\r"))
        self.assertRedirects(response, self.template.get_absolute_url())
        self.template.refresh_from_db()
        self.assertEqual(self.template.source, VALID.replace("Hola", "Buenas"))

    def test_an_mjml_compile_error_is_spanish_with_its_line(self) -> None:
        self.use_spanish()
        head = (
            "  <mj-head>\n    <mj-title>Señal</mj-title>\n"
            "    <mj-section></mj-section>\n  </mj-head>\n"
        )
        response = self.post(VALID.replace("  <mj-body>\n", head + "  <mj-body>\n"))
        self.assertContains(
            response, "Línea 4: este elemento MJML no puede ir aquí", status_code=422
        )
        self.assertNotContains(response, "unexpected", status_code=422)

    def test_the_live_check_reads_crlf_and_places_mjml_errors(self) -> None:
        url = reverse("content:check", args=[self.template.code])
        response = self.client.post(url, {"source": VALID.replace("\n", "\r\n")})
        self.assertEqual(response.json(), {"errors": []})
        source = VALID.replace("<mj-section>", "<mj-section <>", 1)
        response = self.client.post(url, {"source": source})
        self.assertEqual(len(response.json()["errors"]), 1)
        self.assertNotIn("unable", response.json()["errors"][0]["message"])

    def test_an_html_template_is_edited_as_html(self) -> None:
        template = EmailTemplate(name="HTML", format=Format.HTML)
        template.set_source('<p>Hola</p><a href="{{ enlace_baja }}">Baja</a>')
        template.save()
        url = reverse("content:code", args=[template.code])
        response = self.client.post(url, {"source": "<p>Chau</p>"})
        self.assertRedirects(response, template.get_absolute_url())
        template.refresh_from_db()
        self.assertIn("Chau", template.html)
        self.assertFalse(template.is_ready)  # The unsubscribe link went away.

    def test_analysts_cannot_edit(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.post(VALID).status_code, 403)
