"""The pre-flight checks, through pregon.content.checks.preflight and the detail page."""

from django.test import SimpleTestCase
from django.urls import reverse

from pregon.content.checks import preflight
from pregon.content.models import EmailTemplate, Format
from pregon.test import BaseTestCase

GOOD = (
    '<p>Hola</p><img src="https://x.example/logo.png" alt="Logo">'
    '<a href="https://aula.example.gob.pe/curso">Curso</a> <a href="mailto:a@b.pe">a</a>'
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
        for href in ["/cursos", "#", "", "javascript:alert(1)", "aula.example.gob.pe", "https://"]:
            with self.subTest(href):
                html = GOOD.replace("https://aula.example.gob.pe/curso", href)
                self.assertEqual(codes(html), ["links"])

    def test_the_text_must_not_be_empty(self) -> None:
        self.assertEqual(codes(GOOD, text=" \n"), ["text"])

    def test_a_heavy_message_gets_a_warning(self) -> None:
        checks = preflight(GOOD + "<p>" + "x" * 105_000 + "</p>", "Hola")
        self.assertEqual([(check.code, check.level) for check in checks], [("size", "warning")])
        self.assertIn("Gmail", checks[0].message)


class PreflightOnTheDetailPageTestCase(BaseTestCase):
    def test_the_page_lists_what_to_fix(self) -> None:
        template = EmailTemplate(name="Sin baja", format=Format.HTML)
        template.set_source('<img src="https://x.example/a.png"><a href="/x">x</a>')
        template.save()
        self.client.force_login(self.bob)
        response = self.client.get(reverse("content:detail", args=[template.code]))
        for code in ["unsubscribe", "alt", "links"]:
            self.assertContains(response, f'data-check="{code}"')
        self.assertFalse(template.is_ready)
