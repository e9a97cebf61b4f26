from django.urls import reverse

from pregon.contacts.models import Contact
from pregon.content.models import EmailTemplate, Format
from pregon.testing import BaseTestCase


class TemplatePreviewTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.template = EmailTemplate(name="Carta", format=Format.HTML)
        self.template.set_source(
            '<p>Hola {{ nombre | default("colega") }} {{ apellido }}</p>'
            '<a href="{{ enlace_baja }}">Baja</a>'
        )
        self.template.save()
        self.contact = Contact.objects.create(
            email="hacker@example.org", first_name="<script>alert(1)</script>", last_name="Paz"
        )
        self.url = reverse("content:preview", args=[self.template.code])
        self.client.force_login(self.bob)

    def test_it_shows_a_sample_person_by_default(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "<p>Hola María Quispe Mamani</p>")

    def test_it_shows_a_contact_with_its_data_escaped(self) -> None:
        response = self.client.get(self.url, {"contact": self.contact.code})
        self.assertContains(response, "Hola &lt;script&gt;alert(1)&lt;/script&gt; Paz")
        self.assertNotContains(response, "<script>")

    def test_it_may_only_be_framed_by_us_and_runs_no_script(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response["X-Frame-Options"], "SAMEORIGIN")
        self.assertIn("sandbox", response["Content-Security-Policy"])
        self.assertIn("default-src 'none'", response["Content-Security-Policy"])

    def test_an_unknown_contact_is_a_404(self) -> None:
        response = self.client.get(self.url, {"contact": "00000000-0000-0000-0000-000000000000"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.get(self.url, {"contact": "nope"}).status_code, 404)

    def test_the_detail_page_previews_as_the_contact_typed(self) -> None:
        detail = reverse("content:detail", args=[self.template.code])
        response = self.client.get(detail, {"contact": "HACKER@example.org"})
        self.assertContains(response, f"?contact={self.contact.code}")
        response = self.client.get(detail, {"contact": "nadie@example.org"})
        self.assertContains(response, "No contact has the address nadie@example.org")

    def test_analysts_cannot_preview(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
