"""After the brand kit changes, the templates made from the gallery can take the new brand."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pregon.content.models import EmailTemplate
from pregon.content.preview import gallery_images_url
from pregon.testing import BaseTestCase
from pregon.testing.brandkit import skip_brand_question
from pregon.testing.images import png

BRAND = {
    "name": "Escuela Nacional de Control",
    "primary_color": "#8a1538",
    "accent_color": "#00a19a",
    "text_color": "#222222",
    "background_color": "#fafaf5",
    "address": "Jr. Camilo Carrillo 114\nLima 15072, Perú",
    "website_url": "https://enc.contraloria.gob.pe",
}
OWN_WORDS = "<mj-text>Texto que escribió Rosa.</mj-text>"


class BrandUpdateTemplatesTestCase(BaseTestCase):
    url = reverse("content:brand_update")

    def setUp(self) -> None:
        super().setUp()
        self.use_temporary_media()
        self.use_spanish()
        self.client.force_login(self.bob)
        skip_brand_question(self.client)
        # Made with the empty brand kit, then edited by hand in the code editor.
        self.client.post(reverse("content:create"), {"gallery": "curso"})
        self.course = EmailTemplate.objects.get()
        greeting = 'Hola, {{ nombre | default("colega") }}:</mj-text>'
        source = self.course.source.replace(greeting, greeting + OWN_WORDS, 1)
        self.client.post(reverse("content:code", args=[self.course.code]), {"source": source})
        self.course.refresh_from_db()
        self.assertIn(OWN_WORDS, self.course.source)

    def test_it_offers_and_makes_the_update_keeping_other_changes(self) -> None:
        self.assertNotContains(self.client.get("/plantillas/marca/"), 'id="brand-outdated"')
        response = self.client.post("/plantillas/marca/", BRAND, follow=True)
        self.assertContains(response, 'id="brand-outdated"')
        self.assertContains(response, "Actualizar 1 plantilla con la nueva marca")
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "1 plantilla ya tiene la nueva marca.")
        self.assertNotContains(response, 'id="brand-outdated"')
        self.course.refresh_from_db()
        source = self.course.source
        self.assertIn(OWN_WORDS, source)
        self.assertNotIn("Mi organización", source)
        self.assertNotIn("127.0.0.1", source.replace(gallery_images_url(), ""))
        self.assertIn('href="https://enc.contraloria.gob.pe/cursos/ley-32069"', source)
        self.assertIn("<strong>Escuela Nacional de Control</strong><br>Jr. Camilo Carrillo", source)
        self.assertIn("#8a1538", source)
        self.assertNotIn("#1d4e89", source)
        self.assertIn("Escuela Nacional de Control", self.course.html)
        self.assertNotIn("placeholder_links", [check["code"] for check in self.course.checks])
        self.assertEqual(self.course.brand["name"], "Escuela Nacional de Control")

    def test_buttons_on_a_light_main_colour_get_dark_text(self) -> None:
        button = 'background-color="#1d4e89" color="#ffffff"'
        self.assertIn(button, self.course.source)
        self.client.post("/plantillas/marca/", {**BRAND, "primary_color": "#9fd3ff"})
        self.client.post(self.url)
        self.course.refresh_from_db()
        self.assertNotIn(button, self.course.source)
        self.assertIn('background-color="#9fd3ff" color="#1a1a1a"', self.course.source)
        self.assertIn('background-color="#ffffff"', self.course.source)  # White stays white.

    def test_a_new_logo_replaces_the_name_in_the_header(self) -> None:
        self.client.post("/plantillas/marca/", BRAND)
        self.client.post(self.url)
        logo = SimpleUploadedFile("logo.png", png(360, 120))
        self.client.post("/plantillas/marca/", {**BRAND, "logo_file": logo})
        self.client.post(self.url)
        self.course.refresh_from_db()
        # The header is the section under the main colour's top border (the first section is
        # the "view in browser" line).
        header = self.course.source.split('border-top="5px solid', 1)[1]
        header = header.split("</mj-section>", 1)[0]
        self.assertIn('<mj-image src="http://127.0.0.1:8000/imagenes/', header)
        self.assertIn('alt="Escuela Nacional de Control"', header)
        self.assertIn(OWN_WORDS, self.course.source)

    def test_a_template_whose_brand_was_rewritten_by_hand_is_named(self) -> None:
        source = self.course.source
        for old, new in [
            ("Mi organización", "Otra"),
            ("#1d4e89", "#000000"),
            ("#f2a900", "#111111"),
            ("#1f2933", "#222222"),
            ("#f3f5f8", "#333333"),
            ("#edf1f6", "#444444"),
            ("#fdf2d9", "#555555"),
        ]:
            source = source.replace(old, new)
        source = source.replace('href="http://127.0.0.1:8000', 'href="https://otra.gob.pe')
        self.course.set_source(source)
        self.course.save()
        self.client.post("/plantillas/marca/", BRAND)
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "0 plantillas ya tienen la nueva marca.")
        self.assertContains(response, "“Anuncio de curso” no se actualizó")
        self.course.refresh_from_db()
        self.assertEqual(self.course.source, source)

    def test_analysts_may_not_update(self) -> None:
        self.client.post("/plantillas/marca/", BRAND)
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.course.refresh_from_db()
        self.assertIn("Mi organización", self.course.source)

    def test_it_rejects_get(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 405)
