from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Contact, Segment
from pregon.testing import BaseTestCase


class SegmentDeleteTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        Contact.objects.create(email="ana@example.pe")
        self.segment = Segment.objects.create(name="<b>Curso</b>", rules={})
        self.url = f"/contactos/segmentos/{self.segment.code}/eliminar/"

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.post(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])
        self.assertTrue(Segment.objects.exists())

    def test_analysts_may_not_delete(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertTrue(Segment.objects.exists())

    def test_it_asks_for_confirmation_first(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(self.url)
        self.assertContains(response, "Delete the segment “&lt;b&gt;Curso&lt;/b&gt;”?")
        self.assertTrue(Segment.objects.exists())

    def test_it_deletes_the_segment_but_not_its_contacts_and_audits(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(self.url, follow=True)
        self.assertRedirects(response, "/contactos/segmentos/")
        self.assertContains(response, "Segment “&lt;b&gt;Curso&lt;/b&gt;” deleted.")
        self.assertFalse(Segment.objects.exists())
        self.assertEqual(Contact.objects.count(), 1)
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual(entry.actor, self.bob)
        self.assertEqual(entry.target, "<b>Curso</b>")
        self.assertEqual(entry.detail, {"kind": "segment", "code": str(self.segment.code)})
