from django.db import connection
from django.test.utils import CaptureQueriesContext

from pregon.contacts.models import Contact, MailingList, Segment, Status, Subscription, Tag
from pregon.testing import BaseTestCase

URL = "/contactos/"


class ContactListTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.course = MailingList.objects.create(name="Curso de gestión pública")
        self.vip = Tag.objects.create(name="vip")
        self.ana = Contact.objects.create(
            email="ana@example.pe", first_name="Ana", last_name="Quispe", phone="+51987654321"
        )
        self.luis = Contact.objects.create(
            email="luis@example.pe", first_name="Luis", status=Status.UNSUBSCRIBED
        )
        self.rosa = Contact.objects.create(email="rosa@minedu.gob.pe", first_name="Rosa")
        Subscription.objects.create(contact=self.ana, mailing_list=self.course)
        self.luis.tags.add(self.vip)

    def emails(self, response: object) -> list[str]:
        return [contact.email for contact in response.context["page"]]

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/entrar/", response["Location"])

    def test_analysts_get_403(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(URL).status_code, 403)

    def test_it_lists_newest_first_with_badges_lists_and_tags(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(URL)
        self.assertEqual(
            self.emails(response), ["rosa@minedu.gob.pe", "luis@example.pe", "ana@example.pe"]
        )
        self.assertContains(
            response,
            '<span class="badge text-bg-secondary" data-status="unsubscribed">Unsubscribed</span>',
            html=True,
        )
        self.assertContains(response, "Curso de gestión pública")
        self.assertContains(response, "vip")
        self.assertContains(response, 'href="/contactos/importar/"')

    def test_it_searches_email_names_and_phone(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.emails(self.client.get(URL, {"q": "MINEDU"})), ["rosa@minedu.gob.pe"])
        self.assertEqual(self.emails(self.client.get(URL, {"q": "ana quispe"})), ["ana@example.pe"])
        self.assertEqual(self.emails(self.client.get(URL, {"q": "987 654"})), ["ana@example.pe"])
        self.assertEqual(self.emails(self.client.get(URL, {"q": "nadie"})), [])

    def test_it_filters_by_status_list_and_tag(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(URL, {"status": "unsubscribed"})
        self.assertEqual(self.emails(response), ["luis@example.pe"])
        response = self.client.get(URL, {"list": str(self.course.code)})
        self.assertEqual(self.emails(response), ["ana@example.pe"])
        response = self.client.get(URL, {"tag": str(self.vip.id)})
        self.assertEqual(self.emails(response), ["luis@example.pe"])
        response = self.client.get(URL, {"tag": str(self.vip.id), "status": "subscribed"})
        self.assertEqual(self.emails(response), [])
        self.assertContains(response, "No contacts match these filters.")

    def test_an_unknown_filter_value_matches_nothing(self) -> None:
        self.client.force_login(self.bob)
        for params in (
            {"list": "00000000-0000-0000-0000-000000000000"},
            {"list": "not-a-uuid"},
            {"tag": "999999"},
            # A digit that is no decimal digit: int() refuses it.
            {"tag": "²"},
            {"status": "deleted"},
            {"segment": "00000000-0000-0000-0000-000000000000"},
        ):
            with self.subTest(params=params):
                self.assertEqual(self.emails(self.client.get(URL, params)), [])

    def test_it_filters_by_segment(self) -> None:
        segment = Segment.objects.create(
            name="Ministerio",
            rules={
                "match": "all",
                "rules": [{"field": "email", "operator": "contains", "value": "gob.pe"}],
            },
        )
        self.client.force_login(self.bob)
        response = self.client.get(URL, {"segment": str(segment.code), "q": "rosa"})
        self.assertEqual(self.emails(response), ["rosa@minedu.gob.pe"])
        self.assertContains(response, "Ministerio")
        response = self.client.get(URL, {"segment": str(segment.code), "q": "ana"})
        self.assertEqual(self.emails(response), [])

    def test_it_paginates_by_fifty(self) -> None:
        Contact.objects.bulk_create(Contact(email=f"p{n:03}@example.pe") for n in range(117))
        self.client.force_login(self.bob)
        first = self.client.get(URL)
        self.assertEqual(len(first.context["page"]), 50)
        self.assertEqual(first.context["page"].paginator.count, 120)
        last = self.client.get(URL, {"page": 3})
        self.assertEqual(len(last.context["page"]), 20)
        self.assertEqual(self.emails(last)[-1], "ana@example.pe")
        self.assertContains(first, "Page 1 of 3")

    def test_the_query_count_does_not_grow_with_the_page(self) -> None:
        self.client.force_login(self.bob)
        with CaptureQueriesContext(connection) as few:
            self.client.get(URL)
        more = Contact.objects.bulk_create(Contact(email=f"q{n}@example.pe") for n in range(60))
        Subscription.objects.bulk_create(
            Subscription(contact=contact, mailing_list=self.course) for contact in more
        )
        for contact in more:
            contact.tags.add(self.vip)
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(URL)
        self.assertEqual(len(response.context["page"]), 50)
        self.assertEqual(len(many), len(few))

    def test_it_shows_an_empty_state_without_contacts(self) -> None:
        Contact.objects.all().delete()
        self.client.force_login(self.bob)
        response = self.client.get(URL)
        self.assertContains(response, "No contacts yet — import a file or add one.")
        self.assertNotContains(response, 'id="bulk-form"')

    def test_names_with_script_tags_are_escaped(self) -> None:
        Contact.objects.create(email="x@example.pe", first_name="<script>alert(1)</script>")
        Tag.objects.create(name="<script>alert(2)</script>")
        self.client.force_login(self.bob)
        response = self.client.get(URL)
        self.assertNotContains(response, "<script>alert(")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertContains(response, "&lt;script&gt;alert(2)&lt;/script&gt;")

    def test_export_links_keep_the_filter(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(URL, {"status": "subscribed", "page": "1"})
        self.assertContains(
            response, 'href="/contactos/exportar/?status=subscribed&amp;format=csv"'
        )
