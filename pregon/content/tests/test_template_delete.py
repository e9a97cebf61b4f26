from pregon.accounts.models import AuditAction, AuditEntry
from pregon.content.models import EmailTemplate, Format
from pregon.testing import BaseTestCase


class TemplateDeleteTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.template = EmailTemplate(name="<b>Curso</b>", format=Format.HTML)
        self.template.set_source('<a href="{{ enlace_baja }}">Baja</a>')
        self.template.save()
        self.url = f"/plantillas/{self.template.code}/eliminar/"

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.post(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])
        self.assertTrue(EmailTemplate.objects.exists())

    def test_analysts_may_not_delete(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertTrue(EmailTemplate.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.DELETION).exists())

    def test_an_unknown_template_is_not_found(self) -> None:
        self.client.force_login(self.bob)
        url = "/plantillas/6f1c2e9a-8d3b-4c1e-9f7a-2b5d8e0c4a11/eliminar/"
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertTrue(EmailTemplate.objects.exists())

    def test_it_asks_for_confirmation_first(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(self.url)
        self.assertContains(
            response, "Delete the template “&lt;b&gt;Curso&lt;/b&gt;”? This cannot be undone."
        )
        self.assertContains(response, f'href="/plantillas/{self.template.code}/"')
        self.assertTrue(EmailTemplate.objects.exists())

    def test_it_deletes_the_template_and_audits(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(self.url, follow=True)
        self.assertRedirects(response, "/plantillas/")
        self.assertContains(response, "Template “&lt;b&gt;Curso&lt;/b&gt;” deleted.")
        self.assertFalse(EmailTemplate.objects.exists())
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual(entry.actor, self.bob)
        self.assertEqual(entry.target, "<b>Curso</b>")
        self.assertEqual(entry.detail, {"kind": "template"})

    def test_it_rejects_other_methods(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.delete(self.url).status_code, 405)
        self.assertTrue(EmailTemplate.objects.exists())
