from django.urls import reverse

from pregon.content.models import EmailTemplate, Format
from pregon.testing import BaseTestCase

SOURCE = '<p>Hola {{ nombre }}</p><a href="{{ enlace_baja }}">Baja</a>'


class TemplateCheckTestCase(BaseTestCase):
    """The code editor's live check: problems by line, nothing saved."""

    def setUp(self) -> None:
        super().setUp()
        self.template = EmailTemplate(name="HTML", format=Format.HTML)
        self.template.set_source(SOURCE)
        self.template.save()
        self.url = reverse("content:check", args=[self.template.code])
        self.client.force_login(self.bob)

    def test_a_good_source_has_no_errors(self) -> None:
        response = self.client.post(self.url, {"source": SOURCE + "<p>más</p>"})
        self.assertEqual(response.json(), {"errors": []})

    def test_it_lists_problems_by_line_and_saves_nothing(self) -> None:
        response = self.client.post(self.url, {"source": "<p>\n{{ apodo }}\n{% for %}</p>"})
        errors = response.json()["errors"]
        self.assertEqual(errors[0]["line"], 3)
        self.assertIn("not written correctly", errors[0]["message"])
        self.template.refresh_from_db()
        self.assertEqual(self.template.source, SOURCE)

    def test_analysts_cannot_check(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.url, {"source": SOURCE}).status_code, 403)
