from pregon.contacts.models import Contact, Field, FieldType, MailingList, Status, Tag
from pregon.testing import BaseTestCase

NEW_URL = "/contactos/nuevo/"


class ContactFormTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.course = MailingList.objects.create(name="Curso")
        Field.objects.create(key="dni", label="DNI", type=FieldType.TEXT)
        Field.objects.create(key="hours", label="Horas", type=FieldType.NUMBER)

    def valid_data(self, **changes: object) -> dict:
        data = {
            "email": "  Ana@Example.PE ",
            "first_name": "Ana",
            "last_name": "Quispe",
            "phone": "987 654 321",
            "status": Status.SUBSCRIBED,
            "consent_source": "manual",
            "consent_text": "Firmó la ficha de inscripción.",
            "tag_names": "cusco, 2024, cusco",
            "lists": [self.course.pk],
            "field_dni": "12345678",
            "field_hours": "40",
        }
        data.update(changes)
        return data

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get(NEW_URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/entrar/", response["Location"])

    def test_analysts_get_403(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(NEW_URL, self.valid_data()).status_code, 403)
        self.assertFalse(Contact.objects.exists())

    def test_it_shows_the_form_with_custom_fields_by_label(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(NEW_URL)
        self.assertContains(response, "New contact")
        self.assertContains(response, '<label class="form-label" for="id_field_dni">DNI</label>')
        self.assertContains(
            response,
            '<input type="email" name="email" maxlength="254" class="form-control" required'
            ' id="id_email">',
            html=True,
        )

    def test_it_creates_a_contact_with_normalised_values(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(NEW_URL, self.valid_data())
        contact = Contact.objects.get()
        self.assertRedirects(response, f"/contactos/{contact.code}/")
        self.assertEqual(contact.email, "ana@example.pe")
        self.assertEqual(contact.phone, "+51987654321")
        self.assertEqual(contact.attributes, {"dni": "12345678", "hours": 40})
        self.assertEqual(list(contact.lists.all()), [self.course])
        self.assertEqual(sorted(t.name for t in contact.tags.all()), ["2024", "cusco"])
        self.assertIsNotNone(contact.consent_at)

    def test_it_explains_invalid_values(self) -> None:
        Contact.objects.create(email="luis@example.pe")
        self.client.force_login(self.bob)
        response = self.client.post(NEW_URL, self.valid_data(email="luis@example.pe", phone="12"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Another contact already has this email address.")
        self.assertContains(response, "“12” is not a valid phone number.")
        response = self.client.post(NEW_URL, self.valid_data(email="no es correo"))
        self.assertContains(response, "“no es correo” is not a valid email address.")
        self.assertEqual(Contact.objects.count(), 1)

    def test_it_edits_a_contact(self) -> None:
        contact = Contact.objects.create(email="ana@example.pe", attributes={"dni": "1", "old": 1})
        contact.tags.add(Tag.objects.create(name="antiguo"))
        self.client.force_login(self.bob)
        url = f"/contactos/{contact.code}/editar/"
        response = self.client.get(url)
        self.assertContains(response, 'value="antiguo"')
        data = self.valid_data(email="ana.q@example.pe", field_dni="", tag_names="nuevo", lists=[])
        response = self.client.post(url, data)
        self.assertRedirects(response, f"/contactos/{contact.code}/")
        contact.refresh_from_db()
        self.assertEqual(contact.email, "ana.q@example.pe")
        self.assertEqual(contact.attributes, {"hours": 40, "old": 1})
        self.assertEqual([t.name for t in contact.tags.all()], ["nuevo"])
        self.assertFalse(contact.lists.exists())

    def test_script_tags_in_names_are_stored_as_text_and_shown_escaped(self) -> None:
        self.client.force_login(self.bob)
        data = self.valid_data(first_name="<script>alert(1)</script>")
        response = self.client.post(NEW_URL, data, follow=True)
        self.assertEqual(Contact.objects.get().first_name, "<script>alert(1)</script>")
        self.assertNotContains(response, "<script>alert(1)")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
