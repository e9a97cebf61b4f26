from pregon.contacts.models import Contact, Field, FieldType, MailingList, Tag
from pregon.testing.api import ApiTestCase


class BulkUpsertTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = MailingList.objects.create(name="Cursos virtuales")
        Field.objects.create(key="dni", label="DNI", type=FieldType.TEXT)
        self.ana = Contact.objects.create(
            email="ana@example.pe", first_name="Ana", last_name="Quispe", phone="+51987654321"
        )
        self.ana.tags.add(Tag.objects.create(name="docente"))

    def test_it_creates_and_updates_by_email(self) -> None:
        response = self.call(
            "POST",
            "/contacts/bulk",
            {
                "contacts": [
                    {"email": "ANA@example.pe", "first_name": "Ana María"},
                    {"email": "luis@example.pe", "phone": "987 654 322", "fields": {"dni": "9"}},
                    {"email": "rosa@example.pe", "tags": ["alumna"]},
                ],
                "add_to_lists": [str(self.courses.code)],
                "add_tags": ["2025"],
            },
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"created": 2, "updated": 1})
        self.ana.refresh_from_db()
        # An update changes only the keys its item sends; the options add, never remove.
        self.assertEqual(self.ana.first_name, "Ana María")
        self.assertEqual(self.ana.last_name, "Quispe")
        self.assertEqual(self.ana.phone, "+51987654321")
        self.assertEqual(sorted(t.name for t in self.ana.tags.all()), ["2025", "docente"])
        luis = Contact.objects.get(email="luis@example.pe")
        self.assertEqual(luis.phone, "+51987654322")
        self.assertEqual(luis.attributes, {"dni": "9"})
        rosa = Contact.objects.get(email="rosa@example.pe")
        self.assertEqual(sorted(t.name for t in rosa.tags.all()), ["2025", "alumna"])
        self.assertEqual(self.courses.contacts.count(), 3)

    def test_one_bad_item_writes_nothing(self) -> None:
        response = self.call(
            "POST",
            "/contacts/bulk",
            {
                "contacts": [
                    {"email": "luis@example.pe"},
                    {"email": "ana@example.pe", "first_name": "Changed"},
                    {"email": "bad-address", "phone": "123"},
                    {"email": "LUIS@example.pe"},
                    {"first_name": "No email"},
                ],
                "add_tags": ["2025"],
            },
        )
        self.assertEqual(response.status_code, 422)
        errors = response.json()["errors"]
        self.assertEqual(
            sorted(errors),
            ["contacts.2.email", "contacts.2.phone", "contacts.3.email", "contacts.4.email"],
        )
        self.assertEqual(errors["contacts.2.phone"], ["“123” is not a valid phone number."])
        self.assertEqual(
            errors["contacts.3.email"], ["This address is also item 0 of this request."]
        )
        self.assertEqual(errors["contacts.4.email"], ["This field is required."])
        self.assertEqual(Contact.objects.count(), 1)
        self.ana.refresh_from_db()
        self.assertEqual(self.ana.first_name, "Ana")
        self.assertFalse(Tag.objects.filter(name="2025").exists())

    def test_an_unknown_list_in_the_options_writes_nothing(self) -> None:
        response = self.call(
            "POST",
            "/contacts/bulk",
            {
                "contacts": [{"email": "luis@example.pe"}],
                "add_to_lists": ["6f1c1f0e-0000-4000-8000-000000000000"],
            },
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("add_to_lists", response.json()["errors"])
        self.assertEqual(Contact.objects.count(), 1)

    def test_it_takes_at_most_1000_contacts(self) -> None:
        contacts = [{"email": f"c{i}@example.pe"} for i in range(1001)]
        response = self.call("POST", "/contacts/bulk", {"contacts": contacts})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"], {"contacts": ["Send at most 1000 items."]})
        self.assertEqual(Contact.objects.count(), 1)

    def test_it_writes_1000_contacts(self) -> None:
        contacts = [{"email": f"c{i}@example.pe", "first_name": f"C{i}"} for i in range(1000)]
        response = self.call("POST", "/contacts/bulk", {"contacts": contacts})
        self.assertEqual(response.json(), {"created": 1000, "updated": 0})
        self.assertEqual(Contact.objects.count(), 1001)

    def test_it_needs_an_editor(self) -> None:
        response = self.call(
            "POST",
            "/contacts/bulk",
            {"contacts": [{"email": "luis@example.pe"}]},
            token=self.token_for(self.charlie),
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Contact.objects.count(), 1)
