from pregon.content import gallery
from pregon.content.models import BrandKit, EmailTemplate, Format
from pregon.content.preview import gallery_images_url
from pregon.testing import BaseTestCase


class TemplateIndexTestCase(BaseTestCase):
    url = "/plantillas/"

    def create_template(self, name: str, source: str, format: str = Format.HTML) -> EmailTemplate:
        template = EmailTemplate(name=name, format=format)
        template.set_source(source)
        template.save()
        return template

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])

    def test_analysts_may_not_see_it(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_it_lists_templates_with_whether_they_are_ready(self) -> None:
        brand = BrandKit.load().as_context()
        ready = self.create_template(
            "Curso de <b>ética</b>",
            gallery.instantiate("blank", brand, gallery_images_url()),
            Format.MJML,
        )
        broken = self.create_template("Aviso sin baja", "<p>Hola {{ nombre }}</p>")
        self.assertTrue(ready.is_ready)
        self.assertFalse(broken.is_ready)

        self.client.force_login(self.bob)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Curso de &lt;b&gt;ética&lt;/b&gt;")
        self.assertContains(response, ready.get_absolute_url())
        self.assertContains(response, "Ready to send", count=1)
        self.assertContains(response, "Needs changes", count=1)
        self.assertContains(response, "MJML (responsive)")
        self.assertNotContains(response, "No templates yet")
        rows = response.content.decode().split("<tr data-template=")[1:]
        ready_row = next(row for row in rows if str(ready.code) in row)
        broken_row = next(row for row in rows if str(broken.code) in row)
        self.assertIn("Ready to send", ready_row)
        self.assertIn("Needs changes", broken_row)

    def test_an_empty_list_points_to_the_gallery(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(self.url)
        self.assertContains(response, "No templates yet.")
        self.assertContains(
            response, 'href="/plantillas/galeria/" class="btn btn-primary">Open the gallery'
        )
