from pregon.contacts.models import Contact, MailingList, Status
from pregon.testing import BaseTestCase


class HomeTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        Contact.objects.create(email="ana@example.pe")
        Contact.objects.create(email="luis@example.pe", status=Status.UNSUBSCRIBED)
        Contact.objects.create(email="rosa@example.pe", status=Status.BOUNCED)
        MailingList.objects.create(name="Cursos virtuales")

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get("/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])

    def test_it_shows_counts_in_spanish(self) -> None:
        self.use_spanish()
        self.client.force_login(self.charlie)
        response = self.client.get("/")
        self.assertContains(response, "Suscritos")
        self.assertContains(response, '<div class="display-6" data-stat="total">3</div>', html=True)
        self.assertContains(
            response, '<div class="display-6" data-stat="unsubscribed">1</div>', html=True
        )
        self.assertContains(response, "Cursos virtuales")

    def test_analysts_see_no_contact_navigation(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get("/")
        self.assertNotContains(response, "/contactos/")

    def test_it_speaks_english_when_asked(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get("/")
        self.assertContains(response, "Subscribed")
