from pregon.content.models import EmailTemplate, Format
from pregon.testing import BaseTestCase


class TemplateRenameTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.template = EmailTemplate(name="Curso", format=Format.HTML)
        self.template.set_source('<a href="{{ enlace_baja }}">Baja</a>')
        self.template.save()
        self.url = f"/plantillas/{self.template.code}/renombrar/"
        self.client.force_login(self.bob)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        self.client.logout()
        response = self.client.post(self.url, {"name": "Otro"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])
        self.template.refresh_from_db()
        self.assertEqual(self.template.name, "Curso")

    def test_analysts_may_not_rename(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, {"name": "Otro"}).status_code, 403)
        self.template.refresh_from_db()
        self.assertEqual(self.template.name, "Curso")

    def test_an_unknown_template_is_not_found(self) -> None:
        url = "/plantillas/6f1c2e9a-8d3b-4c1e-9f7a-2b5d8e0c4a11/renombrar/"
        self.assertEqual(self.client.post(url, {"name": "Otro"}).status_code, 404)

    def test_it_shows_the_form_with_the_name(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "Rename template")
        self.assertContains(response, 'value="Curso"')
        self.assertContains(response, f'href="/plantillas/{self.template.code}/"')

    def test_it_renames_the_template(self) -> None:
        html = self.template.html
        response = self.client.post(self.url, {"name": "Curso de ética 2026"}, follow=True)
        self.assertRedirects(response, f"/plantillas/{self.template.code}/")
        self.assertContains(response, "Changes saved.")
        self.template.refresh_from_db()
        self.assertEqual(self.template.name, "Curso de ética 2026")
        self.assertEqual(self.template.html, html)

    def test_a_name_is_required_and_fits(self) -> None:
        for name, error in (
            ("", "This field is required."),
            ("x" * 151, "Ensure this value has at most 150 characters (it has 151)."),
        ):
            with self.subTest(name=name):
                response = self.client.post(self.url, {"name": name})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["form"].errors["name"], [error])
        self.template.refresh_from_db()
        self.assertEqual(self.template.name, "Curso")
