from django.urls import reverse

from pregon.domains.models import DomainStatus, SendingDomain
from pregon.sending.models import SenderIdentity
from pregon.testing import BaseTestCase


class SenderCreateTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("sending:sender_create")
        self.client.force_login(self.bob)

    def test_analysts_may_not_create(self) -> None:
        self.client.force_login(self.charlie)
        data = {"from_name": "Escuela", "from_email": "a@escuela.example.pe"}
        self.assertEqual(self.client.post(self.url, data).status_code, 403)
        self.assertFalse(SenderIdentity.objects.exists())

    def test_it_creates_a_sender_and_its_domain(self) -> None:
        data = {
            "from_name": "Escuela de Capacitación",
            "from_email": " Capacitacion@Escuela.example.pe ",
            "reply_to": "consultas@escuela.example.pe",
        }
        response = self.client.post(self.url, data, follow=True)
        self.assertRedirects(response, "/envio/remitentes/")
        self.assertContains(response, "Sender “capacitacion@escuela.example.pe” created.")
        sender = SenderIdentity.objects.get()
        self.assertEqual(sender.from_email, "capacitacion@escuela.example.pe")
        self.assertEqual(sender.domain, SendingDomain.objects.get(name="escuela.example.pe"))
        self.assertEqual(sender.domain.keys.count(), 2)
        self.assertContains(response, "The domain escuela.example.pe is not verified yet")

    def test_a_sender_of_a_verified_domain_gets_no_warning(self) -> None:
        SendingDomain.objects.create(name="escuela.example.pe", status=DomainStatus.VERIFIED)
        data = {"from_name": "Escuela", "from_email": "a@escuela.example.pe"}
        response = self.client.post(self.url, data, follow=True)
        self.assertContains(response, "created.")
        self.assertNotContains(response, "is not verified yet")

    def test_bad_addresses_are_refused_and_nothing_is_saved(self) -> None:
        for data, field, message in (
            ({"from_name": "E", "from_email": "no es correo"}, "from_email", "is not a valid"),
            ({"from_name": "", "from_email": "a@b.example"}, "from_name", "required"),
            (
                {"from_name": "E", "from_email": "a@b.example", "reply_to": "x@"},
                "reply_to",
                "is not a valid",
            ),
        ):
            with self.subTest(data=data):
                response = self.client.post(self.url, data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.context["form"].errors[field][0])
        self.assertFalse(SenderIdentity.objects.exists())
        self.assertFalse(SendingDomain.objects.exists())

    def test_an_address_may_have_one_sender_only(self) -> None:
        SenderIdentity.objects.create(from_name="Uno", from_email="a@escuela.example.pe")
        response = self.client.post(
            self.url, {"from_name": "Dos", "from_email": "A@escuela.example.pe"}
        )
        self.assertContains(response, "Another sender identity already uses this address.")
        self.assertEqual(SenderIdentity.objects.count(), 1)


class SenderEditTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sender = SenderIdentity.objects.create(
            from_name="Escuela", from_email="a@escuela.example.pe"
        )
        self.url = reverse("sending:sender_edit", args=[self.sender.code])
        self.client.force_login(self.bob)

    def test_analysts_may_not_edit(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_it_shows_the_sender(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "Edit sender identity")
        self.assertContains(response, 'value="a@escuela.example.pe"')

    def test_it_saves_changes(self) -> None:
        data = {
            "from_name": "Escuela Nacional",
            "from_email": "a@escuela.example.pe",
            "reply_to": "",
        }
        response = self.client.post(self.url, data)
        self.assertRedirects(response, "/envio/remitentes/")
        self.sender.refresh_from_db()
        self.assertEqual(self.sender.from_name, "Escuela Nacional")

    def test_a_new_address_on_another_domain_gets_that_domain(self) -> None:
        data = {"from_name": "Escuela", "from_email": "b@otra.example.pe"}
        self.client.post(self.url, data)
        self.sender.refresh_from_db()
        self.assertEqual(self.sender.domain.name, "otra.example.pe")
