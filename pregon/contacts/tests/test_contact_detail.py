import datetime

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import (
    ConsentSource,
    Contact,
    Field,
    FieldType,
    MailingList,
    Subscription,
    Suppression,
    Tag,
)
from pregon.testing import BaseTestCase


class ContactDetailTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        Field.objects.create(key="region", label="Región", type=FieldType.TEXT)
        Field.objects.create(key="birthday", label="Fecha de nacimiento", type=FieldType.DATE)
        Field.objects.create(key="is_teacher", label="¿Es docente?", type=FieldType.BOOLEAN)
        self.contact = Contact.objects.create(
            email="ana@example.pe",
            first_name="Ana",
            last_name="Quispe",
            phone="+51987654321",
            attributes={"region": "Cusco", "birthday": "1990-03-15", "is_teacher": False},
            consent_source=ConsentSource.FORM,
            # 15:30 UTC is 10:30 in Lima (UTC-5, no daylight saving).
            consent_at=datetime.datetime(2024, 5, 2, 15, 30, tzinfo=datetime.UTC),
            consent_ip="190.12.34.56",
            consent_text="Acepto recibir información de los cursos.",
        )
        Subscription.objects.create(
            contact=self.contact, mailing_list=MailingList.objects.create(name="Diplomado")
        )
        self.contact.tags.add(Tag.objects.create(name="cusco-2024"))
        self.url = f"/contactos/{self.contact.code}/"

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/entrar/", response["Location"])

    def test_analysts_get_403(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(f"{self.url}eliminar/").status_code, 403)
        self.assertTrue(Contact.objects.exists())

    def test_an_unknown_contact_is_404(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get("/contactos/00000000-0000-0000-0000-000000000000/")
        self.assertEqual(response.status_code, 404)

    def test_it_shows_fields_custom_values_lists_tags_and_consent(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(self.url)
        for text in (
            "Ana Quispe",
            "+51987654321",
            "Región",
            "Cusco",
            "Fecha de nacimiento",
            "March 15, 1990",
            "¿Es docente?",
            "Diplomado",
            "cusco-2024",
            "Subscription form",
            "May 2, 2024, 10:30 a.m.",
            "America/Lima",
            "190.12.34.56",
            "Acepto recibir información de los cursos.",
        ):
            with self.subTest(text=text):
                self.assertContains(response, text)
        self.assertContains(response, '<dd class="col-sm-8">No</dd>', html=True)
        self.assertNotContains(response, "data-suppressed")

    def test_it_flags_a_suppressed_address(self) -> None:
        Suppression.objects.create(email="ana@example.pe")
        self.client.force_login(self.bob)
        response = self.client.get(self.url)
        self.assertContains(response, "This address is on the")
        self.assertContains(response, "data-suppressed")

    def test_names_with_script_tags_are_escaped(self) -> None:
        Contact.objects.filter(pk=self.contact.pk).update(
            first_name="<script>alert(1)</script>", consent_text="<b>sí</b>"
        )
        self.client.force_login(self.bob)
        response = self.client.get(self.url)
        self.assertNotContains(response, "<script>alert(1)")
        self.assertNotContains(response, "<b>sí</b>")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_delete_asks_first_then_deletes_and_audits(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(f"{self.url}eliminar/")
        self.assertContains(response, "Delete the contact ana@example.pe")
        self.assertTrue(Contact.objects.exists())
        response = self.client.post(f"{self.url}eliminar/")
        self.assertRedirects(response, "/contactos/")
        self.assertFalse(Contact.objects.exists())
        self.assertFalse(Subscription.objects.exists())
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual((entry.actor, entry.target), (self.bob, "ana@example.pe"))
