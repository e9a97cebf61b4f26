from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Contact, MailingList
from pregon.testing.api import ApiTestCase


class ListsTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = MailingList.objects.create(name="Cursos virtuales", description="Aula")
        for email in ["ana@example.pe", "luis@example.pe"]:
            Contact.objects.create(email=email).lists.add(self.courses)

    def test_it_lists_with_contact_counts(self) -> None:
        MailingList.objects.create(name="Boletín")
        response = self.call("GET", "/lists")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [(i["name"], i["contact_count"]) for i in response.json()],
            [("Boletín", 0), ("Cursos virtuales", 2)],
        )

    def test_it_creates_gets_and_updates_a_list(self) -> None:
        response = self.call("POST", "/lists", {"name": " Egresados ", "description": "2024"})
        self.assertEqual(response.status_code, 201, response.content)
        code = response.json()["code"]
        self.assertEqual(response.json()["name"], "Egresados")
        self.assertEqual(self.call("GET", f"/lists/{code}").json()["description"], "2024")
        response = self.call("PATCH", f"/lists/{code}", {"name": "Egresados 2024"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["name"], "Egresados 2024")
        self.assertEqual(response.json()["description"], "2024")
        response = self.call("GET", f"/lists/{self.courses.code}")
        self.assertEqual(response.json()["contact_count"], 2)

    def test_names_are_unique_regardless_of_case(self) -> None:
        response = self.call("POST", "/lists", {"name": "cursos VIRTUALES"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json()["errors"],
            {"name": ["A list named “Cursos virtuales” already exists. Choose another name."]},
        )
        response = self.call("POST", "/lists", {"name": ""})
        self.assertEqual(response.json()["errors"], {"name": ["This field is required."]})

    def test_it_deletes_a_list_but_keeps_its_contacts(self) -> None:
        response = self.call("DELETE", f"/lists/{self.courses.code}")
        self.assertEqual(response.status_code, 204)
        self.assertFalse(MailingList.objects.exists())
        self.assertEqual(Contact.objects.count(), 2)
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual((entry.target, entry.detail["members"]), ("Cursos virtuales", 2))

    def test_unknown_codes_are_404(self) -> None:
        self.assertEqual(self.call("GET", "/lists/nope").status_code, 404)
        self.assertEqual(self.call("DELETE", "/lists/nope").status_code, 404)

    def test_it_needs_an_editor(self) -> None:
        charlie = self.token_for(self.charlie)
        self.assertEqual(self.call("GET", "/lists", token=charlie).status_code, 403)
        response = self.call("POST", "/lists", {"name": "X"}, token=charlie)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(MailingList.objects.count(), 1)
