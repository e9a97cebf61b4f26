from urllib.parse import quote

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Contact, Tag
from pregon.testing.api import ApiTestCase


class TagsTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.teacher = Tag.objects.create(name="docente")
        self.ana = Contact.objects.create(email="ana@example.pe")
        self.luis = Contact.objects.create(email="luis@example.pe")
        self.ana.tags.add(self.teacher)
        self.luis.tags.add(self.teacher)

    def test_it_lists_tags_with_counts(self) -> None:
        Tag.objects.create(name="alumno")
        response = self.call("GET", "/tags")
        self.assertEqual(
            response.json(),
            [{"name": "alumno", "contact_count": 0}, {"name": "docente", "contact_count": 2}],
        )

    def test_it_creates_a_tag(self) -> None:
        response = self.call("POST", "/tags", {"name": " Promoción 2025 "})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json(), {"name": "Promoción 2025", "contact_count": 0})
        response = self.call("POST", "/tags", {"name": "DOCENTE"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("name", response.json()["errors"])
        response = self.call("POST", "/tags", {"name": "a,b"})
        self.assertEqual(response.json()["errors"], {"name": ["A tag name cannot contain commas."]})

    def test_it_renames_a_tag_named_in_the_path(self) -> None:
        tag = Tag.objects.create(name="año 2024/25")
        response = self.call("PATCH", "/tags/" + quote(tag.name, safe=""), {"name": "2024"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["name"], "2024")
        response = self.call("PATCH", "/tags/docente", {"name": "profesor"})
        self.assertEqual(response.json(), {"name": "profesor", "contact_count": 2})
        self.assertEqual([t.name for t in self.ana.tags.all()], ["profesor"])

    def test_renaming_to_an_existing_name_merges(self) -> None:
        teacher2 = Tag.objects.create(name="Profesor")
        rosa = Contact.objects.create(email="rosa@example.pe")
        rosa.tags.add(teacher2)
        response = self.call("PATCH", "/tags/docente", {"name": "profesor"})
        self.assertEqual(response.json(), {"name": "Profesor", "contact_count": 3})
        self.assertFalse(Tag.objects.filter(name="docente").exists())

    def test_it_deletes_a_tag_but_keeps_its_contacts(self) -> None:
        response = self.call("DELETE", "/tags/docente")
        self.assertEqual(response.status_code, 204)
        self.assertFalse(Tag.objects.exists())
        self.assertEqual(Contact.objects.count(), 2)
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual((entry.target, entry.detail["tagged"]), ("docente", 2))
        self.assertEqual(self.call("DELETE", "/tags/docente").status_code, 404)

    def test_it_needs_an_editor(self) -> None:
        response = self.call("DELETE", "/tags/docente", token=self.token_for(self.charlie))
        self.assertEqual(response.status_code, 403)
        self.assertTrue(Tag.objects.exists())
