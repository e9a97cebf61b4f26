"""The pre-flight checks, through pregon.content.preflight.preflight and the detail page."""

from django.test import SimpleTestCase
from django.urls import reverse

from pregon.content.models import EmailTemplate, Format
from pregon.content.preflight import preflight
from pregon.testing import BaseTestCase
from pregon.testing.brandkit import skip_brand_question

GOOD = (
    '<p>Hola</p><img src="https://x.example/logo.png" alt="Logo">'
    '<a href="https://aula.capacitacion.gob.pe/curso">Curso</a> <a href="mailto:a@b.pe">a</a>'
    '<a href="{{ enlace_baja }}">Darte de baja</a>'
)


def codes(html: str, text: str = "Hola") -> list[str]:
    return [check.code for check in preflight(html, text)]


class PreflightTestCase(SimpleTestCase):
    def test_a_good_message_passes(self) -> None:
        self.assertEqual(codes(GOOD), [])

    def test_it_needs_an_unsubscribe_link(self) -> None:
        self.assertEqual(
            codes(GOOD.replace("{{ enlace_baja }}", "https://x.example")), ["unsubscribe"]
        )
        self.assertEqual(codes(GOOD.replace("enlace_baja", "unsubscribe_url")), [])

    def test_images_need_alt_text(self) -> None:
        self.assertEqual(codes(GOOD.replace('alt="Logo"', 'alt=" "')), ["alt"])
        self.assertEqual(codes(GOOD.replace(' alt="Logo"', "")), ["alt"])

    def test_links_must_be_absolute(self) -> None:
        for href in [
            "/cursos",
            "#",
            "",
            "javascript:alert(1)",
            "aula.capacitacion.gob.pe",
            "https://",
        ]:
            with self.subTest(href):
                html = GOOD.replace("https://aula.capacitacion.gob.pe/curso", href)
                self.assertEqual(codes(html), ["links"])

    def test_the_text_must_not_be_empty(self) -> None:
        self.assertEqual(codes(GOOD, text=" \n"), ["text"])

    def test_a_heavy_message_gets_a_warning(self) -> None:
        checks = preflight(GOOD + "<p>" + "x" * 105_000 + "</p>", "Hola")
        self.assertEqual([(check.code, check.level) for check in checks], [("size", "warning")])
        self.assertIn("Gmail", checks[0].message)

    def test_links_to_pregon_itself_or_to_sample_addresses_get_a_warning(self) -> None:
        for href in [
            "http://127.0.0.1:8000/cursos/ley-32069",  # SITE_URL's host: an empty brand kit.
            "https://example.com",
            "https://www.example.org/x",
            "http://aula.example.gob.pe/curso",
            "https://EXAMPLE.NET/",
        ]:
            with self.subTest(href):
                html = GOOD.replace("https://aula.capacitacion.gob.pe/curso", href)
                checks = preflight(html, "Hola")
                self.assertEqual(
                    [(check.code, check.level) for check in checks],
                    [("placeholder_links", "warning")],
                )
                self.assertIn(f"“{href}”", checks[0].message)
        for href in ["https://notexample.com/", "https://example.com.pe/", "mailto:a@example.com"]:
            with self.subTest(href):
                self.assertEqual(
                    codes(GOOD.replace("https://aula.capacitacion.gob.pe/curso", href)), []
                )


class PreflightOnTheDetailPageTestCase(BaseTestCase):
    def test_a_gallery_design_made_with_an_empty_brand_kit_warns_of_its_links(self) -> None:
        self.client.force_login(self.bob)
        self.client.cookies["pregon_language"] = "es"
        skip_brand_question(self.client)
        response = self.client.post(reverse("content:create"), {"gallery": "curso"})
        template = EmailTemplate.objects.get()
        self.assertIn("placeholder_links", [check["code"] for check in template.checks])
        response = self.client.get(reverse("content:detail", args=[template.code]))
        self.assertContains(response, 'data-check="placeholder_links"')
        self.assertContains(response, "http://127.0.0.1:8000/cursos/ley-32069")

    def test_the_page_lists_what_to_fix(self) -> None:
        template = EmailTemplate(name="Sin baja", format=Format.HTML)
        template.set_source('<img src="https://x.example/a.png"><a href="/x">x</a>')
        template.save()
        self.client.force_login(self.bob)
        response = self.client.get(reverse("content:detail", args=[template.code]))
        for code in ["unsubscribe", "alt", "links"]:
            self.assertContains(response, f'data-check="{code}"')
        self.assertFalse(template.is_ready)
