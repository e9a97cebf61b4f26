from pregon.contacts.models import Contact, MailingList, Segment, Status
from pregon.testing import BaseTestCase

URL = "/contactos/segmentos/"


class SegmentIndexTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        Contact.objects.create(email="ana@example.pe")
        Contact.objects.create(email="luis@example.pe", status=Status.UNSUBSCRIBED)
        self.segment = Segment.objects.create(
            name="Suscritos",
            rules={
                "match": "all",
                "rules": [{"field": "status", "operator": "is", "value": ["subscribed"]}],
            },
        )

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])

    def test_analysts_may_not_see_segments(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(URL).status_code, 403)

    def test_it_lists_segments_with_their_counts_and_contact_links(self) -> None:
        Segment.objects.create(name="Todos", rules={})
        self.client.force_login(self.bob)
        response = self.client.get(URL)
        self.assertContains(response, "Suscritos")
        self.assertContains(response, f'<tr data-segment="{self.segment.code}">')
        self.assertContains(response, '<td class="text-end" data-count="1">', count=1)
        self.assertContains(response, '<td class="text-end" data-count="2">', count=1)
        self.assertContains(response, f"/contactos/?segment={self.segment.code}")

    def test_a_segment_naming_a_deleted_list_shows_why_it_has_no_count(self) -> None:
        course = MailingList.objects.create(name="Curso")
        Segment.objects.create(
            name="Curso", rules={"match": "all", "rules": [
                {"field": "list", "operator": "is_in", "value": [course.id]},
            ]},
        )  # fmt: skip
        course.delete()
        self.client.force_login(self.bob)
        response = self.client.get(URL)
        self.assertContains(response, "unknown list")

    def test_names_are_escaped(self) -> None:
        Segment.objects.create(name="<script>alert(1)</script>", rules={})
        self.client.force_login(self.alice)
        response = self.client.get(URL)
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
