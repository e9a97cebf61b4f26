"""Compiling a source: MJML to HTML with CSS inlined, and the plain-text version."""

from django.test import SimpleTestCase

from pregon.content.render import InvalidTemplate, compile_source

MJML = """<mjml>
  <mj-head>
    <mj-preview>Texto de vista previa</mj-preview>
    <mj-style inline="inline">.destacado { color: #b00020; }</mj-style>
  </mj-head>
  <mj-body>
    <mj-section><mj-column>
      <mj-text css-class="destacado"><h1>Curso SIAF</h1>
        <p>Hola {{ nombre | default("colega") }} &amp; equipo: 2026. año de cursos.</p>
        <ul><li>Módulo 1</li><li>Módulo 2</li></ul></mj-text>
      <mj-button href="https://aula.example.gob.pe/siaf">Inscríbete</mj-button>
      <mj-text><a href="{{ enlace_baja }}">Darte de baja</a> ·
        <a href="mailto:cursos@example.gob.pe">cursos@example.gob.pe</a></mj-text>
    </mj-column></mj-section>
  </mj-body>
</mjml>"""


class CompileSourceTestCase(SimpleTestCase):
    def test_mjml_becomes_responsive_html_with_inlined_css(self) -> None:
        html = compile_source(True, MJML, []).html
        self.assertIn("@media only screen and (min-width:480px)", html)
        self.assertRegex(html, r'class="destacado"[^>]*style="[^"]*color: #b00020')
        self.assertNotIn("fonts.googleapis.com", html)
        self.assertIn('href="{{ enlace_baja }}"', html)
        self.assertIn('{{ nombre | default("colega") }}', html)

    def test_the_text_version_is_plain_readable_text(self) -> None:
        text = compile_source(True, MJML, []).text
        self.assertEqual(
            text,
            "Curso SIAF\n\n"
            'Hola {{ nombre | default("colega") }} & equipo: 2026. año de cursos.\n\n'
            "- Módulo 1\n- Módulo 2\n\n"
            "Inscríbete (https://aula.example.gob.pe/siaf)\n\n"
            "Darte de baja ({{ enlace_baja }}) · cursos@example.gob.pe\n",
        )

    def test_html_gets_its_styles_inlined(self) -> None:
        html = compile_source(False, "<style>p { color: red }</style><p>Hola</p>", []).html
        self.assertIn('<p style="color: red;">Hola</p>', html)

    def test_mjml_that_does_not_compile_is_refused(self) -> None:
        with self.assertRaises(InvalidTemplate) as refused:
            compile_source(True, "<mjml><mj-body><mj-section></mj-body></mjml>", [])
        self.assertEqual(refused.exception.problems[0].line, 1)
