from django.core.files.uploadedfile import SimpleUploadedFile

from pregon.content.forms import MAX_HTML_BYTES
from pregon.content.models import EmailTemplate, Format
from pregon.testing import BaseTestCase

DESIGN = """<!DOCTYPE html>
<html lang="es">
<head><style>p.lead { color: #8a1538; font-size: 18px; }</style></head>
<body>
<p class="lead">Hola, {{ nombre | default("colega") }}: empieza el curso de ética pública.</p>
<p><a href="{{ enlace_baja }}">Darte de baja</a></p>
</body>
</html>
"""


class TemplateImportTestCase(BaseTestCase):
    url = "/plantillas/importar/"

    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        self.client.logout()
        response = self.client.post(self.url, {"name": "Curso", "html": DESIGN})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])
        self.assertFalse(EmailTemplate.objects.exists())

    def test_analysts_may_not_import(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        response = self.client.post(self.url, {"name": "Curso", "html": DESIGN})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(EmailTemplate.objects.exists())

    def test_it_shows_the_form(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "Import an HTML design")
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, 'name="html"')
        self.assertContains(response, 'name="file"')

    def test_it_imports_pasted_html_with_its_css_inlined(self) -> None:
        response = self.client.post(
            self.url, {"name": "Curso de ética", "html": DESIGN}, follow=True
        )
        template = EmailTemplate.objects.get()
        self.assertRedirects(response, f"/plantillas/{template.code}/")
        self.assertEqual(template.name, "Curso de ética")
        self.assertEqual(template.format, Format.HTML)
        self.assertEqual(template.created_by, self.bob)
        self.assertEqual(template.source, DESIGN.strip())
        self.assertIn('<p class="lead" style="color: #8a1538;font-size: 18px;">', template.html)
        self.assertIn('{{ nombre | default("colega") }}', template.html)
        self.assertIn("empieza el curso de ética pública", template.text)
        self.assertTrue(template.is_ready, template.checks)
        self.assertContains(response, "Template imported; see its checks before sending it.")

    def test_it_imports_an_uploaded_file(self) -> None:
        upload = SimpleUploadedFile("curso.html", DESIGN.encode("utf-8-sig"), "text/html")
        response = self.client.post(self.url, {"name": "Curso", "html": "", "file": upload})
        template = EmailTemplate.objects.get()
        self.assertRedirects(response, f"/plantillas/{template.code}/")
        self.assertEqual(template.source, DESIGN)  # Without the byte order mark.
        self.assertIn('style="color: #8a1538;font-size: 18px;"', template.html)

    def test_it_imports_a_file_with_windows_line_endings(self) -> None:
        upload = SimpleUploadedFile(
            "curso.html", DESIGN.replace("\n", "\r\n").encode(), "text/html"
        )
        response = self.client.post(self.url, {"name": "Curso", "html": "", "file": upload})
        template = EmailTemplate.objects.get()
        self.assertRedirects(response, f"/plantillas/{template.code}/")
        self.assertEqual(template.source, DESIGN)

    def test_it_asks_for_the_html(self) -> None:
        response = self.client.post(self.url, {"name": "Curso", "html": "  \n "})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Paste the HTML code or choose an .html file.")
        self.assertFalse(EmailTemplate.objects.exists())

    def test_it_asks_for_the_html_in_spanish(self) -> None:
        self.use_spanish()
        response = self.client.post(self.url, {"name": "Curso", "html": ""})
        self.assertContains(response, "Pegue el código HTML o elija un archivo .html.")
        self.assertFalse(EmailTemplate.objects.exists())

    def test_it_refuses_a_file_that_is_not_utf8(self) -> None:
        upload = SimpleUploadedFile("curso.html", DESIGN.encode("cp1252"), "text/html")
        response = self.client.post(self.url, {"name": "Curso", "file": upload})
        self.assertContains(
            response, "The file is not UTF-8 text; save it again as UTF-8 and upload it."
        )
        self.assertFalse(EmailTemplate.objects.exists())

    def test_it_refuses_a_file_over_2_mb(self) -> None:
        padding = "<!-- relleno -->" * (MAX_HTML_BYTES // 16 + 1)
        upload = SimpleUploadedFile("curso.html", (DESIGN + padding).encode(), "text/html")
        self.assertGreater(upload.size, 2 * 1024 * 1024)
        response = self.client.post(self.url, {"name": "Curso", "file": upload})
        self.assertContains(response, "The file is larger than 2 MB.")
        self.assertFalse(EmailTemplate.objects.exists())

    def test_it_shows_the_line_of_a_wrong_merge_tag(self) -> None:
        html = DESIGN.replace('{{ nombre | default("colega") }}', "{{ contacto.nombre }}")
        response = self.client.post(self.url, {"name": "Curso", "html": html})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["html"],
            ["Line 5: a field's parts cannot be read; write just the field's name."],
        )
        self.assertContains(response, "Line 5: a field&#x27;s parts cannot be read")
        self.assertContains(response, "{{ contacto.nombre }}")  # The HTML is kept for fixing.
        self.assertFalse(EmailTemplate.objects.exists())

    def test_it_asks_for_a_name(self) -> None:
        response = self.client.post(self.url, {"name": "", "html": DESIGN})
        self.assertEqual(response.context["form"].errors["name"], ["This field is required."])
        self.assertFalse(EmailTemplate.objects.exists())
