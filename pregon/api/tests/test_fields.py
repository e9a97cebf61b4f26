from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Contact, Field, FieldType
from pregon.testing.api import ApiTestCase


class FieldsTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dni = Field.objects.create(key="dni", label="DNI", type=FieldType.TEXT)
        self.ana = Contact.objects.create(email="ana@example.pe", attributes={"dni": "1", "x": 2})

    def test_it_lists_fields(self) -> None:
        response = self.call("GET", "/fields")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [(f["key"], f["label"], f["type"]) for f in response.json()], [("dni", "DNI", "text")]
        )

    def test_it_creates_a_field_keyed_by_its_label(self) -> None:
        response = self.call("POST", "/fields", {"label": "Fecha de inicio", "type": "date"})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["key"], "fecha_de_inicio")
        self.assertEqual(self.call("GET", "/fields/fecha_de_inicio").json()["type"], "date")

    def test_it_rejects_bad_fields(self) -> None:
        response = self.call("POST", "/fields", {"label": "dni", "type": "text"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("label", response.json()["errors"])
        response = self.call("POST", "/fields", {"label": "Email", "type": "text"})
        self.assertIn("label", response.json()["errors"])
        response = self.call("POST", "/fields", {"label": "Talla", "type": "size"})
        self.assertIn("type", response.json()["errors"])

    def test_it_changes_the_label_only(self) -> None:
        response = self.call("PATCH", "/fields/dni", {"label": "Documento"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["label"], "Documento")
        self.assertEqual(response.json()["key"], "dni")
        response = self.call("PATCH", "/fields/dni", {"label": "Doc", "type": "number"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(Field.objects.get().type, FieldType.TEXT)

    def test_it_deletes_a_field_and_its_values(self) -> None:
        response = self.call("DELETE", "/fields/dni")
        self.assertEqual(response.status_code, 204)
        self.ana.refresh_from_db()
        self.assertEqual(self.ana.attributes, {"x": 2})
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual((entry.target, entry.detail["values_removed"]), ("dni", 1))
        self.assertEqual(self.call("GET", "/fields/dni").status_code, 404)

    def test_it_needs_an_editor(self) -> None:
        response = self.call("DELETE", "/fields/dni", token=self.token_for(self.charlie))
        self.assertEqual(response.status_code, 403)
