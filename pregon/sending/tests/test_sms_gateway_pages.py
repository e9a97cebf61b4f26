"""The SMS gateway screens: administrators only, the secret encrypted and never shown, clear
errors, and "send a test SMS" through a real HTTP server on 127.0.0.1."""

from django.urls import reverse

from pregon.lib import vault
from pregon.sending.models import GatewayKind, SmsGateway, SmsMessage, SmsQuotaDebit
from pregon.testing import BaseTestCase
from pregon.testing.providers import FakeProvider

SECRET = "Bearer tok_Relé_123"


class SmsGatewayPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice)
        self.provider = FakeProvider()
        self.addCleanup(self.provider.stop)

    def data(self, **changes: object) -> dict[str, object]:
        return {
            "name": "Mensajes Perú",
            "url": self.provider.url + "/api/send",
            "method": "POST",
            "body": '{"numero": "{{to}}", "mensaje": "{{text}}", "ref": "{{id}}"}',
            "auth": "header",
            "auth_header": "Authorization",
            "secret": SECRET,
            "sender": "PREGON",
            "is_active": "on",
            **changes,
        }

    def create(self) -> SmsGateway:
        url = reverse("sending:sms_gateway_create", args=["http"])
        self.client.post(url, self.data())
        return SmsGateway.objects.get()

    def test_only_administrators_may_see_or_change_gateways(self) -> None:
        gateway = self.create()
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            for url in (
                reverse("sending:sms_gateways"),
                reverse("sending:sms_gateway_create", args=["twilio"]),
                reverse("sending:sms_gateway_edit", args=[gateway.code]),
            ):
                self.assertEqual(self.client.get(url).status_code, 403)
            test_url = reverse("sending:sms_gateway_test")
            data = {"gateway": gateway.code, "phone": "987654321", "text": "Hola"}
            self.assertEqual(self.client.post(test_url, data).status_code, 403)
        self.assertEqual(self.provider.received, [])

    def test_it_saves_the_secret_encrypted_and_never_shows_it(self) -> None:
        response = self.client.post(
            reverse("sending:sms_gateway_create", args=["http"]), self.data(), follow=True
        )
        self.assertContains(response, "SMS gateway “Mensajes Perú” saved.")
        gateway = SmsGateway.objects.get()
        self.assertEqual(gateway.kind, GatewayKind.HTTP)
        self.assertEqual(vault.decrypt(gateway.secret), SECRET)
        self.assertNotContains(response, SECRET)
        self.assertContains(response, f"/t/sms/{gateway.code}/dlr/")
        edit = self.client.get(reverse("sending:sms_gateway_edit", args=[gateway.code]))
        self.assertNotContains(edit, SECRET)
        self.assertContains(edit, "A secret is stored. Leave this blank to keep it.")
        # Editing without the secret keeps it.
        self.client.post(
            reverse("sending:sms_gateway_edit", args=[gateway.code]),
            self.data(name="Otro nombre", secret=""),
        )
        gateway.refresh_from_db()
        self.assertEqual((gateway.name, vault.decrypt(gateway.secret)), ("Otro nombre", SECRET))

    def test_bad_settings_are_explained_in_spanish_and_nothing_is_saved(self) -> None:
        self.use_spanish()
        response = self.client.post(
            reverse("sending:sms_gateway_create", args=["http"]),
            self.data(body="mensaje={{text}}", url="http://sms.example.pe/api", secret=""),
        )
        self.assertContains(response, "El cuerpo debe contener {{to}} y {{text}}.")
        self.assertContains(response, "Use una dirección https://")
        self.assertContains(response, "Esta autenticación necesita un secreto.")
        self.assertFalse(SmsGateway.objects.exists())

    def test_a_test_sms_goes_through_the_gateway_unqueued_and_unbilled(self) -> None:
        gateway = self.create()
        self.provider.answer(200, {"id": "abc-1"})
        url = reverse("sending:sms_gateway_test")
        data = {"gateway": gateway.code, "phone": "987 654 321", "text": "Prueba Pregón"}
        response = self.client.post(url, data, follow=True)
        self.assertContains(response, "“Mensajes Perú” accepted the test SMS.")
        sent = self.provider.received[0].json()
        self.assertEqual((sent["numero"], sent["mensaje"]), ("+51987654321", "Prueba Pregón"))
        self.assertEqual(self.provider.received[0].headers["Authorization"], SECRET)
        self.assertFalse(SmsMessage.objects.exists())
        self.assertFalse(SmsQuotaDebit.objects.exists())

    def test_a_test_sms_to_an_invalid_number_or_a_failing_gateway_says_why(self) -> None:
        gateway = self.create()
        self.use_spanish()
        url = reverse("sending:sms_gateway_test")
        data = {"gateway": gateway.code, "phone": "12345", "text": "Hola"}
        response = self.client.post(url, data, follow=True)
        self.assertContains(response, "no es un número de teléfono válido")
        self.assertEqual(self.provider.received, [])
        self.provider.answer(500, {"error": "Internal Server Error"})
        response = self.client.post(url, {**data, "phone": "987654321"}, follow=True)
        self.assertContains(response, "no aceptó el SMS de prueba por ahora")
        self.assertContains(response, "500")

    def test_delete_asks_first(self) -> None:
        gateway = self.create()
        url = reverse("sending:sms_gateway_delete", args=[gateway.code])
        self.assertContains(self.client.get(url), "Delete the SMS gateway “Mensajes Perú”?")
        self.client.post(url)
        self.assertFalse(SmsGateway.objects.exists())
