"""The screens for provider backends (Amazon SES, Brevo, Mailgun, Postmark, SendGrid)."""

from typing import Any

from django.urls import reverse

from pregon.lib import vault
from pregon.sending.models import Backend, BackendKind
from pregon.testing import BaseTestCase
from pregon.testing.providers import FakeProvider

API_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


class ProviderCreateTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice)

    def url(self, kind: str) -> str:
        return reverse("sending:backend_create", args=[kind])

    def post(self, kind: str, **data: object) -> Any:
        values = {"weight": "1", "max_connections": "4", "is_active": "on", **data}
        return self.client.post(self.url(kind), values)

    def test_only_administrators_may_create(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.url("mailgun")).status_code, 403)
        self.assertEqual(self.post("brevo", name="Brevo", api_key=API_KEY).status_code, 403)
        self.assertFalse(Backend.objects.exists())

    def test_the_index_offers_every_provider(self) -> None:
        response = self.client.get(reverse("sending:backends"))
        for kind, label in (
            ("amazon_ses", "Amazon SES"),
            ("brevo", "Brevo"),
            ("mailgun", "Mailgun"),
            ("postmark", "Postmark"),
            ("sendgrid", "SendGrid"),
        ):
            self.assertContains(response, f'href="/envio/servidores/nuevo/{kind}/"')
            self.assertContains(response, f"New {label} account")

    def test_a_mailgun_account_with_its_key_encrypted(self) -> None:
        response = self.client.get(self.url("mailgun"))
        self.assertContains(response, "New Mailgun account")
        self.assertContains(response, '<input type="password" name="api_key"')
        self.assertNotContains(response, 'name="host"')
        response = self.post(
            "mailgun",
            name="Mailgun UE",
            api_key=API_KEY,
            sender_domain="MG.Example.gob.pe.",
            region="eu",
            weight="3",
            max_connections="10",
        )
        self.assertRedirects(response, "/envio/servidores/")
        backend = Backend.objects.get()
        self.assertEqual(backend.kind, BackendKind.MAILGUN)
        self.assertEqual(backend.options, {"sender_domain": "mg.example.gob.pe", "region": "eu"})
        self.assertEqual((backend.weight, backend.max_connections), (3, 10))
        self.assertEqual(vault.decrypt(backend.password), API_KEY)
        index = self.client.get("/envio/servidores/")
        self.assertContains(index, "mg.example.gob.pe (EU)")
        self.assertNotContains(index, API_KEY)
        self.assertNotContains(index, backend.password)

    def test_bad_input_is_refused_without_echoing_the_key(self) -> None:
        for kind, changes, field, message in (
            ("mailgun", {"api_key": ""}, "api_key", "This field is required."),
            ("mailgun", {"sender_domain": "not a domain"}, "sender_domain", "Write a domain"),
            ("mailgun", {"region": "asia"}, "region", "Select a valid choice."),
            ("mailgun", {"weight": "0"}, "weight", "greater than or equal to 1"),
            ("mailgun", {"max_connections": "51"}, "max_connections", "less than or equal to 50"),
            ("amazon_ses", {"region": "mars-1"}, "region", "Write an AWS region"),
            ("amazon_ses", {"username": ""}, "username", "This field is required."),
            ("postmark", {"message_stream": "dos palabras"}, "message_stream", "Enter a valid"),
            ("sendgrid", {"region": "us"}, "region", "Select a valid choice."),
        ):
            with self.subTest(kind=kind, changes=changes):
                data = {
                    "name": "Proveedor",
                    "api_key": API_KEY,
                    "username": "AKIAIOSFODNN7EXAMPLE",
                    "sender_domain": "mg.example.gob.pe",
                    "region": {"amazon_ses": "us-east-1", "mailgun": "us"}.get(kind, "global"),
                    "message_stream": "broadcast",
                    **changes,
                }
                response = self.post(kind, **data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.context["form"].errors[field][0])
                self.assertNotContains(response, API_KEY)
        self.assertFalse(Backend.objects.exists())

    def test_an_amazon_ses_account(self) -> None:
        response = self.client.get(self.url("amazon_ses"))
        self.assertContains(response, "Access key ID")
        self.assertContains(response, "Secret access key")
        self.assertContains(response, 'value="us-east-1"')
        self.post(
            "amazon_ses",
            name="SES São Paulo",
            username=" AKIAIOSFODNN7EXAMPLE ",
            api_key=SECRET,
            region="SA-EAST-1",
        )
        backend = Backend.objects.get()
        self.assertEqual(backend.kind, BackendKind.AMAZON_SES)
        self.assertEqual(backend.username, "AKIAIOSFODNN7EXAMPLE")
        self.assertEqual(backend.options, {"region": "sa-east-1"})
        self.assertEqual(vault.decrypt(backend.password), SECRET)

    def test_postmark_sendgrid_and_brevo(self) -> None:
        response = self.client.get(self.url("postmark"))
        self.assertContains(response, "Server API token")
        self.assertContains(response, 'value="broadcast"')
        self.post("postmark", name="Postmark", api_key=API_KEY, message_stream="boletines")
        self.post("sendgrid", name="SendGrid", api_key=API_KEY, region="eu")
        self.post("brevo", name="Brevo", api_key=API_KEY)
        backends = {backend.kind: backend for backend in Backend.objects.all()}
        self.assertEqual(backends[BackendKind.POSTMARK].options, {"message_stream": "boletines"})
        self.assertEqual(backends[BackendKind.SENDGRID].options, {"region": "eu"})
        self.assertEqual(backends[BackendKind.BREVO].options, {})
        for backend in backends.values():
            self.assertEqual(vault.decrypt(backend.password), API_KEY)
        index = self.client.get("/envio/servidores/")
        self.assertContains(index, "stream boletines")
        self.assertNotContains(index, API_KEY)


class ProviderEditTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.backend = Backend.objects.create(
            name="Mailgun",
            kind=BackendKind.MAILGUN,
            password=vault.encrypt(API_KEY),
            # api_url is set outside the form (a proxy); saving the form keeps it.
            options={"sender_domain": "mg.example.gob.pe", "region": "us", "api_url": "http://x"},
        )
        self.url = reverse("sending:backend_edit", args=[self.backend.code])
        self.client.force_login(self.alice)

    def data(self, **changes: object) -> dict[str, object]:
        return {
            "name": "Mailgun",
            "api_key": "",
            "sender_domain": "mg2.example.gob.pe",
            "region": "eu",
            "weight": "2",
            "max_connections": "6",
            **changes,
        }

    def test_the_key_is_never_shown(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'value="mg.example.gob.pe"')
        self.assertContains(response, "An API key is stored. Leave this blank to keep it.")
        self.assertContains(response, '<input type="password" name="api_key"')
        self.assertNotContains(response, API_KEY)
        self.assertNotContains(response, self.backend.password)

    def test_a_blank_key_keeps_the_stored_one(self) -> None:
        response = self.client.post(self.url, self.data())
        self.assertRedirects(response, "/envio/servidores/")
        self.backend.refresh_from_db()
        self.assertEqual(vault.decrypt(self.backend.password), API_KEY)
        self.assertEqual(
            self.backend.options,
            {"sender_domain": "mg2.example.gob.pe", "region": "eu", "api_url": "http://x"},
        )
        self.assertEqual((self.backend.weight, self.backend.max_connections), (2, 6))
        self.assertFalse(self.backend.is_active)

    def test_a_new_key_replaces_it(self) -> None:
        self.client.post(self.url, self.data(api_key="otra-clave"))
        self.backend.refresh_from_db()
        self.assertEqual(vault.decrypt(self.backend.password), "otra-clave")

    def test_an_error_keeps_everything_as_it_was(self) -> None:
        response = self.client.post(self.url, self.data(region="x", api_key="otra-clave"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "otra-clave")
        self.assertNotContains(response, API_KEY)
        self.backend.refresh_from_db()
        self.assertEqual(self.backend.options["sender_domain"], "mg.example.gob.pe")
        self.assertEqual(vault.decrypt(self.backend.password), API_KEY)


class ProviderCheckTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.fake = FakeProvider()
        self.addCleanup(self.fake.stop)
        self.backend = Backend.objects.create(
            name="Brevo",
            kind=BackendKind.BREVO,
            password=vault.encrypt(API_KEY),
            options={"api_url": self.fake.url + "/v3/"},
        )
        self.url = reverse("sending:backend_check", args=[self.backend.code])
        self.client.force_login(self.alice)

    def test_it_shows_what_the_provider_said(self) -> None:
        self.fake.answer(200, {"email": "ti@example.gob.pe", "companyName": "Escuela de Gobierno"})
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "“Brevo”: Brevo accepted the API key of Escuela")
        self.assertContains(response, "alert-success")
        self.assertEqual(self.fake.received[0].headers["api-key"], API_KEY)
        self.assertNotContains(response, API_KEY)

    def test_it_answers_in_spanish(self) -> None:
        self.fake.answer(200, {"email": "ti@example.gob.pe", "companyName": "Escuela de Gobierno"})
        self.use_spanish()
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "Brevo aceptó la clave de API de Escuela de Gobierno.")
        self.assertNotContains(response, "accepted")

    def test_a_refused_key(self) -> None:
        self.fake.answer(401, {"code": "unauthorized", "message": f"Key not found: {API_KEY}"})
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "“Brevo” refused the connection: Brevo answered HTTP 401")
        self.assertContains(response, "alert-danger")
        self.assertNotContains(response, API_KEY)

    def test_a_key_that_cannot_be_read_is_asked_again(self) -> None:
        self.backend.password = "not a vault token"
        self.backend.save()
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "The stored API key can no longer be read")
