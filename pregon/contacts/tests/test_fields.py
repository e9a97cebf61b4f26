from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Contact, Field, FieldType
from pregon.testing import BaseTestCase

URL = "/contactos/campos/"


class FieldsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.region = Field.objects.create(key="region", label="Región", type=FieldType.TEXT)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/entrar/", response["Location"])

    def test_analysts_get_403(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(URL, {"label": "X", "type": "text"}).status_code, 403)
        response = self.client.post(f"{URL}{self.region.pk}/eliminar/")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Field.objects.count(), 1)

    def test_it_lists_fields(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(URL)
        self.assertContains(response, "<code>region</code>", html=True)
        self.assertContains(response, "Región")

    def test_it_creates_a_field_with_a_key_from_the_label(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(URL, {"label": " Fecha de nacimiento ", "type": "date"})
        self.assertRedirects(response, URL)
        field = Field.objects.get(type=FieldType.DATE)
        self.assertEqual((field.key, field.label), ("fecha_de_nacimiento", "Fecha de nacimiento"))
        self.client.post(URL, {"label": "¿Año de egreso?", "type": "number"})
        self.assertTrue(Field.objects.filter(key="ano_de_egreso", type="number").exists())

    def test_it_refuses_built_in_duplicate_and_empty_keys(self) -> None:
        self.client.force_login(self.bob)
        cases = [
            ("Email", "“email” is a built-in contact column; choose another label."),
            ("First name", "“first_name” is a built-in contact column"),
            ("Status", "“status” is a built-in contact column"),
            ("REGIÓN", "A custom field with the key “region” already exists"),
            ("¿?", "Use at least one letter or digit in the label."),
        ]
        for label, message in cases:
            with self.subTest(label=label):
                response = self.client.post(URL, {"label": label, "type": "text"})
                self.assertContains(response, message)
        self.assertEqual(Field.objects.count(), 1)

    def test_editing_changes_the_label_only(self) -> None:
        self.client.force_login(self.bob)
        url = f"{URL}{self.region.pk}/editar/"
        self.assertContains(self.client.get(url), "The key (region) and the type stay")
        response = self.client.post(url, {"label": "Región de origen", "type": "number"})
        self.assertRedirects(response, URL)
        self.region.refresh_from_db()
        self.assertEqual(
            (self.region.label, self.region.key, self.region.type),
            ("Región de origen", "region", FieldType.TEXT),
        )

    def test_deleting_a_field_removes_its_values_and_is_audited(self) -> None:
        Contact.objects.create(email="a@example.pe", attributes={"region": "Cusco", "dni": "1"})
        Contact.objects.create(email="b@example.pe", attributes={"region": "Puno"})
        Contact.objects.create(email="c@example.pe", attributes={"dni": "3"})
        self.client.force_login(self.bob)
        url = f"{URL}{self.region.pk}/eliminar/"
        self.assertContains(self.client.get(url), "Delete the custom field “Región”")
        self.assertRedirects(self.client.post(url), URL)
        self.assertFalse(Field.objects.exists())
        attributes = dict(Contact.objects.values_list("email", "attributes"))
        self.assertEqual(
            attributes,
            {"a@example.pe": {"dni": "1"}, "b@example.pe": {}, "c@example.pe": {"dni": "3"}},
        )
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual((entry.target, entry.detail["values_removed"]), ("region", 2))

    def test_labels_with_script_tags_are_escaped(self) -> None:
        self.client.force_login(self.bob)
        self.client.post(URL, {"label": "<script>alert(1)</script>", "type": "text"})
        response = self.client.get(URL)
        self.assertNotContains(response, "<script>alert(1)")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
