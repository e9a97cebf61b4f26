from pregon.contacts.models import Contact, MailingList, Status, Tag
from pregon.testing.api import ApiTestCase


class ContactListTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = MailingList.objects.create(name="Cursos virtuales")
        self.teacher = Tag.objects.create(name="docente")
        self.ana = Contact.objects.create(
            email="ana@example.pe", first_name="Ana", last_name="Quispe"
        )
        self.luis = Contact.objects.create(
            email="luis@correo.pe", first_name="Luis", status=Status.UNSUBSCRIBED
        )
        self.rosa = Contact.objects.create(email="rosa@example.pe", last_name="Quispe Ramos")
        self.ana.lists.add(self.courses)
        self.rosa.lists.add(self.courses)
        self.luis.tags.add(self.teacher)
        self.rosa.tags.add(self.teacher)

    def emails(self, query: dict) -> list[str]:
        response = self.call("GET", "/contacts", query)
        self.assertEqual(response.status_code, 200, response.content)
        return [item["email"] for item in response.json()["items"]]

    def test_it_lists_newest_first_with_a_count(self) -> None:
        body = self.call("GET", "/contacts").json()
        self.assertEqual(body["count"], 3)
        self.assertEqual(
            [i["email"] for i in body["items"]],
            ["rosa@example.pe", "luis@correo.pe", "ana@example.pe"],
        )

    def test_it_searches_email_and_names(self) -> None:
        self.assertEqual(self.emails({"q": "correo"}), ["luis@correo.pe"])
        self.assertEqual(self.emails({"q": "quispe"}), ["rosa@example.pe", "ana@example.pe"])
        self.assertEqual(self.emails({"q": "ana quispe"}), ["ana@example.pe"])

    def test_it_filters(self) -> None:
        self.assertEqual(self.emails({"status": "unsubscribed"}), ["luis@correo.pe"])
        self.assertEqual(
            self.emails({"list": str(self.courses.code)}), ["rosa@example.pe", "ana@example.pe"]
        )
        self.assertEqual(self.emails({"tag": "docente"}), ["rosa@example.pe", "luis@correo.pe"])
        self.assertEqual(
            self.emails({"tag": "docente", "list": str(self.courses.code)}), ["rosa@example.pe"]
        )

    def test_an_unknown_list_in_a_filter_is_404(self) -> None:
        response = self.call("GET", "/contacts", {"list": "6f1c1f0e-0000-4000-8000-000000000000"})
        self.assertEqual(response.status_code, 404)

    def test_a_bad_status_filter_is_a_field_error(self) -> None:
        response = self.call("GET", "/contacts", {"status": "sleeping"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("status", response.json()["errors"])

    def test_it_pages(self) -> None:
        body = self.call("GET", "/contacts", {"page": 2, "page_size": 2}).json()
        self.assertEqual(body["count"], 3)
        self.assertEqual([i["email"] for i in body["items"]], ["ana@example.pe"])

    def test_it_needs_an_editor(self) -> None:
        response = self.call("GET", "/contacts", token=self.token_for(self.charlie))
        self.assertEqual(response.status_code, 403)

    def test_an_unknown_tag_in_a_filter_is_404(self) -> None:
        self.assertEqual(self.call("GET", "/contacts", {"tag": "nadie"}).status_code, 404)

    def test_it_finds_phones_however_they_were_typed(self) -> None:
        Contact.objects.filter(pk=self.luis.pk).update(phone="+51987654321")
        self.assertEqual(self.emails({"q": "987 654 321"}), ["luis@correo.pe"])
