from django.utils import translation

from pregon.contacts.models import Field, FieldType
from pregon.content import gallery
from pregon.content.models import BrandKit, EmailTemplate, Format
from pregon.testing import BaseTestCase
from pregon.testing.brandkit import skip_brand_question


class TemplateCreateTestCase(BaseTestCase):
    url = "/plantillas/nueva/"

    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        skip_brand_question(self.client)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        self.client.logout()
        response = self.client.post(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])
        self.assertFalse(EmailTemplate.objects.exists())

    def test_analysts_may_not_create(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, {"gallery": "curso"}).status_code, 403)
        self.assertFalse(EmailTemplate.objects.exists())

    def test_it_rejects_get(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 405)
        self.assertFalse(EmailTemplate.objects.exists())

    def test_it_starts_each_gallery_design_ready_to_send(self) -> None:
        self.assertEqual(len(gallery.GALLERY), 12)
        for entry in gallery.GALLERY:
            with self.subTest(entry.key):
                response = self.client.post(self.url, {"gallery": entry.key})
                template = EmailTemplate.objects.get(gallery_key=entry.key)
                self.assertRedirects(
                    response,
                    f"/plantillas/{template.code}/editor/",
                    fetch_redirect_response=False,
                )
                with translation.override("en"):
                    self.assertEqual(template.name, str(entry.name))
                self.assertEqual(template.format, Format.MJML)
                self.assertEqual(template.created_by, self.bob)
                self.assertTrue(template.source.startswith("<mjml"))
                self.assertIn("{{ enlace_baja }}", template.html)
                self.assertNotIn("[[", template.source)  # The brand pass left nothing.
                self.assertTrue(template.text.strip())
                self.assertFalse(template.is_text_custom)
                self.assertTrue(template.is_ready, template.checks)

    def test_the_visual_editor_opens_on_the_new_template(self) -> None:
        response = self.client.post(self.url, {"gallery": "curso"}, follow=True)
        self.assertEqual(response.status_code, 200)
        template = EmailTemplate.objects.get()
        self.assertEqual(response.context["template"], template)

    def test_it_starts_a_blank_template_with_an_unsubscribe_link(self) -> None:
        response = self.client.post(self.url)
        template = EmailTemplate.objects.get()
        self.assertRedirects(
            response, f"/plantillas/{template.code}/editor/", fetch_redirect_response=False
        )
        self.assertEqual(template.name, "Untitled message")
        self.assertEqual((template.format, template.gallery_key), (Format.MJML, ""))
        self.assertIn('href="{{ enlace_baja }}"', template.html)
        self.assertTrue(template.is_ready, template.checks)

    def test_the_brand_kit_fills_new_templates(self) -> None:
        brand = BrandKit.load()
        brand.name = "Capacitación & Desarrollo"
        brand.primary_color = "#8a1538"
        brand.accent_color = "#00a19a"
        brand.background_color = "#fafaf5"
        brand.address = "Av. Arequipa 1234, of. 501\nLima 15046, Perú"
        brand.website_url = "https://capacitacion.example.pe/cursos"
        brand.save()
        for data in ({"gallery": "ultimas-vacantes"}, {}):
            with self.subTest(data):
                self.client.post(self.url, data)
                html = EmailTemplate.objects.get(gallery_key=data.get("gallery", "")).html
                self.assertIn("Capacitación &amp; Desarrollo", html)
                self.assertNotIn("Capacitación & Desarrollo", html)
                self.assertIn("#8a1538", html)
                self.assertIn("#fafaf5", html)
                self.assertIn("Av. Arequipa 1234, of. 501<br>Lima 15046, Perú", html)
                self.assertIn('href="https://capacitacion.example.pe/cursos"', html)
                self.assertNotIn("#1d4e89", html)  # The default main colour.
        # The accent colour is for designs with a second kind of call to action.
        self.assertIn("#00a19a", EmailTemplate.objects.get(gallery_key="ultimas-vacantes").html)

    def test_brand_addresses_cannot_break_out_of_their_attributes(self) -> None:
        brand = BrandKit.load()
        brand.website_url = 'https://x.example/"onmouseover="alert(1)'
        brand.save()
        self.client.post(self.url, {"gallery": "curso"})
        html = EmailTemplate.objects.get().html
        self.assertNotIn('"onmouseover="', html)
        self.assertTrue("https://x.example/&quot;onmouseover=&quot;alert(1)" in html)

    def test_it_copies_a_template(self) -> None:
        original = EmailTemplate(name="Aviso", format=Format.HTML, gallery_key="aviso")
        original.set_source('<p>Hola {{ nombre }}</p><a href="{{ enlace_baja }}">Baja</a>')
        original.set_text("Hola {{ nombre }}, texto a mano.")
        original.save()
        response = self.client.post(self.url, {"copy": str(original.code)})
        copy = EmailTemplate.objects.exclude(pk=original.pk).get()
        self.assertRedirects(
            response, f"/plantillas/{copy.code}/codigo/", fetch_redirect_response=False
        )
        self.assertEqual(copy.name, "Copy of Aviso")
        self.assertEqual(copy.source, original.source)
        self.assertEqual(copy.html, original.html)
        self.assertEqual(copy.text, "Hola {{ nombre }}, texto a mano.")
        self.assertTrue(copy.is_text_custom)
        self.assertEqual((copy.format, copy.gallery_key), (Format.HTML, "aviso"))
        self.assertEqual(copy.created_by, self.bob)

    def test_a_copy_of_a_long_name_fits(self) -> None:
        original = EmailTemplate(name="x" * 150, format=Format.HTML)
        original.set_source('<a href="{{ enlace_baja }}">Baja</a>')
        original.save()
        self.client.post(self.url, {"copy": str(original.code)})
        copy = EmailTemplate.objects.exclude(pk=original.pk).get()
        self.assertEqual(copy.name, ("Copy of " + "x" * 150)[:150])

    def test_a_copy_of_a_template_whose_field_was_deleted_is_refused(self) -> None:
        field = Field.objects.create(key="curso", label="Curso", type=FieldType.TEXT)
        original = EmailTemplate(name="Aviso", format=Format.HTML)
        original.set_source('<p>{{ curso }}</p><a href="{{ enlace_baja }}">Baja</a>')
        original.save()
        field.delete()
        response = self.client.post(self.url, {"copy": str(original.code)}, follow=True)
        self.assertRedirects(response, "/plantillas/")
        self.assertContains(response, "This template cannot be copied:")
        self.assertContains(response, "there is no field “curso”")
        self.assertEqual(EmailTemplate.objects.count(), 1)

    def test_an_unknown_gallery_design_is_not_found(self) -> None:
        for key in ("no-existe", "blank", "_footer", "../settings"):
            with self.subTest(key):
                self.assertEqual(self.client.post(self.url, {"gallery": key}).status_code, 404)
        self.assertFalse(EmailTemplate.objects.exists())

    def test_copying_an_unknown_template_is_not_found(self) -> None:
        for code in ("not-a-uuid", "6f1c2e9a-8d3b-4c1e-9f7a-2b5d8e0c4a11"):
            with self.subTest(code):
                self.assertEqual(self.client.post(self.url, {"copy": code}).status_code, 404)
        self.assertFalse(EmailTemplate.objects.exists())
