from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Contact, MailingList, Subscription, Tag
from pregon.testing import BaseTestCase

URL = "/contactos/listas/"


class ListsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.course = MailingList.objects.create(name="Curso virtual")
        self.empty = MailingList.objects.create(name="Vacía")
        self.ana = Contact.objects.create(email="ana@example.pe")
        self.luis = Contact.objects.create(email="luis@example.pe")
        for contact in (self.ana, self.luis):
            Subscription.objects.create(contact=contact, mailing_list=self.course)
        self.cusco = Tag.objects.create(name="cusco")
        self.cusco_caps = Tag.objects.create(name="Cusco ")
        self.ana.tags.add(self.cusco)
        self.luis.tags.add(self.cusco, self.cusco_caps)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        for url in (
            URL,
            "/contactos/listas/nueva/",
            f"/contactos/etiquetas/{self.cusco.pk}/editar/",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn("/cuenta/entrar/", response["Location"])

    def test_analysts_get_403(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(URL).status_code, 403)
        response = self.client.post(f"/contactos/listas/{self.course.code}/eliminar/")
        self.assertEqual(response.status_code, 403)
        response = self.client.post(f"/contactos/etiquetas/{self.cusco.pk}/eliminar/")
        self.assertEqual(response.status_code, 403)
        self.assertEqual((MailingList.objects.count(), Tag.objects.count()), (2, 2))

    def test_it_shows_lists_and_tags_with_counts(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(URL)
        counts = {item.name: item.contact_count for item in response.context["mailing_lists"]}
        self.assertEqual(counts, {"Curso virtual": 2, "Vacía": 0})
        tags = {tag.name: tag.contact_count for tag in response.context["tags"]}
        self.assertEqual(tags, {"cusco": 2, "Cusco ": 1})
        self.assertContains(
            response,
            f'<a href="/contactos/?list={self.course.code}" data-contact-count>2</a>',
            html=True,
        )

    def test_it_shows_empty_states(self) -> None:
        MailingList.objects.all().delete()
        Tag.objects.all().delete()
        self.client.force_login(self.bob)
        response = self.client.get(URL)
        self.assertContains(response, "Create the first list")
        self.assertContains(response, "No tags yet.")

    def test_it_creates_a_list(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(
            "/contactos/listas/nueva/", {"name": " Boletín ", "description": "Mensual"}
        )
        self.assertRedirects(response, URL)
        self.assertEqual(MailingList.objects.get(name="Boletín").description, "Mensual")

    def test_a_list_name_must_be_unique_ignoring_case(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post("/contactos/listas/nueva/", {"name": "CURSO VIRTUAL"})
        self.assertContains(
            response, "A list named “Curso virtual” already exists. Choose another name."
        )
        self.assertEqual(MailingList.objects.count(), 2)

    def test_it_renames_a_list(self) -> None:
        self.client.force_login(self.bob)
        url = f"/contactos/listas/{self.empty.code}/editar/"
        self.assertContains(self.client.get(url), 'value="Vacía"')
        response = self.client.post(url, {"name": "Curso virtual"})
        self.assertContains(response, "already exists")
        response = self.client.post(url, {"name": "Egresados", "description": ""})
        self.assertRedirects(response, URL)
        self.empty.refresh_from_db()
        self.assertEqual(self.empty.name, "Egresados")

    def test_deleting_a_list_keeps_its_contacts_and_is_audited(self) -> None:
        self.client.force_login(self.bob)
        url = f"/contactos/listas/{self.course.code}/eliminar/"
        response = self.client.get(url)
        self.assertContains(response, "Delete the list “Curso virtual”? Its 2 contacts stay")
        self.assertRedirects(self.client.post(url), URL)
        self.assertFalse(MailingList.objects.filter(pk=self.course.pk).exists())
        self.assertEqual(Contact.objects.count(), 2)
        self.assertFalse(Subscription.objects.exists())
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual((entry.target, entry.detail["members"]), ("Curso virtual", 2))

    def test_it_renames_a_tag(self) -> None:
        self.client.force_login(self.bob)
        url = f"/contactos/etiquetas/{self.cusco.pk}/editar/"
        response = self.client.post(url, {"name": "Región Cusco"})
        self.assertRedirects(response, URL)
        self.cusco.refresh_from_db()
        self.assertEqual(self.cusco.name, "Región Cusco")
        self.assertEqual(self.cusco.contacts.count(), 2)

    def test_renaming_a_tag_to_an_existing_name_merges_them(self) -> None:
        self.client.force_login(self.bob)
        url = f"/contactos/etiquetas/{self.cusco_caps.pk}/editar/"
        response = self.client.post(url, {"name": "CUSCO"}, follow=True)
        self.assertContains(response, "Tag “Cusco ” merged into “cusco”.")
        self.assertEqual(list(Tag.objects.all()), [self.cusco])
        self.assertEqual(set(self.cusco.contacts.all()), {self.ana, self.luis})

    def test_a_tag_name_cannot_be_blank_or_hold_commas(self) -> None:
        self.client.force_login(self.bob)
        url = f"/contactos/etiquetas/{self.cusco.pk}/editar/"
        self.assertContains(self.client.post(url, {"name": "a, b"}), "cannot contain commas")
        self.assertContains(self.client.post(url, {"name": "  "}), "This field is required.")
        self.cusco.refresh_from_db()
        self.assertEqual(self.cusco.name, "cusco")

    def test_deleting_a_tag_untags_contacts_and_is_audited(self) -> None:
        self.client.force_login(self.bob)
        url = f"/contactos/etiquetas/{self.cusco.pk}/eliminar/"
        self.assertContains(self.client.get(url), "It is removed from 2 contacts.")
        self.assertRedirects(self.client.post(url), URL)
        self.assertEqual(list(self.luis.tags.all()), [self.cusco_caps])
        self.assertEqual(Contact.objects.count(), 2)
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual((entry.target, entry.detail["tagged"]), ("cusco", 2))

    def test_names_with_script_tags_are_escaped(self) -> None:
        MailingList.objects.create(name="<script>alert(1)</script>")
        self.client.force_login(self.bob)
        response = self.client.get(URL)
        self.assertNotContains(response, "<script>alert(1)")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_a_list_becomes_a_public_topic_with_a_public_name(self) -> None:
        self.client.force_login(self.bob)
        url = f"/contactos/listas/{self.course.code}/editar/"
        response = self.client.post(url, {"name": "Curso virtual", "is_topic": "on"})
        self.assertContains(response, "Write the name people will see for this topic.")
        self.assertFalse(MailingList.objects.get(pk=self.course.pk).is_topic)
        response = self.client.post(
            url,
            {
                "name": "Curso virtual",
                "is_topic": "on",
                "public_name": "Cursos para docentes",
                "public_description": "Fechas e inscripciones.",
            },
        )
        self.assertRedirects(response, URL)
        self.course.refresh_from_db()
        self.assertEqual(
            (self.course.is_topic, self.course.public_name, self.course.public_description),
            (True, "Cursos para docentes", "Fechas e inscripciones."),
        )
        self.use_spanish()
        response = self.client.get(URL)
        self.assertContains(response, "Tema público: Cursos para docentes")
