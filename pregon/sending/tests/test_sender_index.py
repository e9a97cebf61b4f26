from django.urls import reverse

from pregon.sending.models import SenderIdentity
from pregon.testing import BaseTestCase


class SenderIndexTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("sending:senders")
        self.client.force_login(self.bob)

    def test_the_address_is_in_spanish(self) -> None:
        self.assertEqual(self.url, "/envio/remitentes/")

    def test_analysts_may_not_see_it(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_it_invites_to_create_the_first_one(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "No sender identities yet.")
        self.assertContains(response, 'href="/envio/remitentes/nuevo/"')

    def test_it_lists_senders_with_their_domain(self) -> None:
        sender = SenderIdentity.objects.create(
            from_name="Escuela de Capacitación",
            from_email="capacitacion@escuela.example.pe",
            reply_to="consultas@escuela.example.pe",
        )
        response = self.client.get(self.url)
        self.assertContains(response, "Escuela de Capacitación")
        self.assertContains(response, "consultas@escuela.example.pe")
        self.assertContains(response, '<td class="text-break">escuela.example.pe</td>', html=True)
        self.assertContains(response, f'href="/envio/remitentes/{sender.code}/editar/"')
        self.assertContains(response, f'href="/envio/remitentes/{sender.code}/eliminar/"')

    def test_the_menu_leads_here(self) -> None:
        response = self.client.get(reverse("home"))
        for url in (
            "/campanas/",
            "/envio/remitentes/",
            "/envio/buzon-de-prueba/",
            "/informes/consumo/",
        ):
            self.assertContains(response, f'href="{url}"')
        self.assertNotContains(response, 'href="/envio/servidores/"')
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(reverse("home")), 'href="/envio/servidores/"')
