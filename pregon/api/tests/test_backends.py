from django.test import override_settings

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.lib import vault
from pregon.sending.models import Backend, BackendKind, Security
from pregon.testing.api import ApiTestCase
from pregon.testing.providers import FakeProvider
from pregon.testing.smtp import Mailbox, free_port, smtp_server

PASSWORD = "s3cret-relay-pass"
API_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


class BackendsTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.token = self.token_for(self.alice)
        self.relay = Backend.objects.create(
            name="Relé institucional",
            kind=BackendKind.SMTP,
            host="smtp.example.pe",
            port=587,
            username="pregon",
            password=vault.encrypt(PASSWORD),
        )
        self.url = f"/backends/{self.relay.code}"

    def assertNoPassword(self, response: object) -> None:
        content = response.content.decode()
        self.assertNotIn(PASSWORD, content)
        self.assertNotIn("otra-clave", content)
        self.assertNotIn('"password"', content)
        for secret in (API_KEY, SECRET_KEY, "otra-llave", "api_url"):
            self.assertNotIn(secret, content)
        for backend in Backend.objects.exclude(password=""):
            self.assertNotIn(backend.password, content)

    def test_it_lists_backends_without_passwords(self) -> None:
        response = self.call("GET", "/backends")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            [
                {
                    "code": str(self.relay.code),
                    "name": "Relé institucional",
                    "kind": "smtp",
                    "host": "smtp.example.pe",
                    "port": 587,
                    "security": "starttls",
                    "username": "pregon",
                    "has_password": True,
                    "options": {},
                    "weight": 1,
                    "max_connections": 4,
                    "is_active": True,
                    "created_at": response.json()[0]["created_at"],
                }
            ],
        )
        self.assertNoPassword(response)
        self.assertNoPassword(self.call("GET", self.url))

    def test_it_creates_a_relay_with_an_encrypted_password(self) -> None:
        payload = {
            "name": "Brevo",
            "kind": "smtp",
            "host": "smtp-relay.example.com",
            "port": 465,
            "security": "tls",
            "username": "cuenta@example.pe",
            "password": "otra-clave",
            "max_connections": 8,
        }
        response = self.call("POST", "/backends", payload)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertNoPassword(response)
        body = response.json()
        self.assertEqual((body["kind"], body["security"], body["port"]), ("smtp", "tls", 465))
        self.assertTrue(body["has_password"])
        backend = Backend.objects.get(code=body["code"])
        self.assertNotEqual(backend.password, "otra-clave")
        self.assertEqual(vault.decrypt(backend.password), "otra-clave")
        entry = AuditEntry.objects.get(action=AuditAction.BACKEND_CHANGED)
        self.assertEqual((entry.target, entry.detail), ("Brevo", {"kind": "smtp"}))

    def test_it_creates_a_test_mailbox(self) -> None:
        response = self.call("POST", "/backends", {"name": "Buzón de prueba", "kind": "file"})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            (body["kind"], body["is_active"], body["has_password"]), ("file", True, False)
        )
        response = self.call(
            "POST", "/backends", {"name": "Otro", "kind": "file", "host": "x", "password": "y"}
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(sorted(response.json()["errors"]), ["host", "password"])

    def test_creation_is_checked_like_the_backend_form(self) -> None:
        cases = [
            ({"name": "X", "kind": "smtp"}, ["host"]),
            ({"name": "X", "kind": "ses"}, ["kind"]),
            ({"kind": "smtp", "host": "h"}, ["name"]),
            ({"name": "X", "kind": "smtp", "host": "h", "port": 70000}, ["port"]),
            ({"name": "X", "kind": "smtp", "host": "h", "port": 22}, ["port"]),
            ({"name": "X", "kind": "smtp", "host": "h", "port": 6379}, ["port"]),
            ({"name": "X", "kind": "smtp", "host": "h", "security": "ssl"}, ["security"]),
            ({"name": "X", "kind": "smtp", "host": "h", "max_connections": 0}, ["max_connections"]),
            ({"name": "X", "kind": "smtp", "host": "h", "password": "p"}, ["username"]),
        ]
        for payload, fields in cases:
            with self.subTest(payload=payload):
                response = self.call("POST", "/backends", payload)
                self.assertEqual(response.status_code, 422)
                self.assertEqual(list(response.json()["errors"]), fields)
                self.assertNoPassword(response)
        response = self.call(
            "POST", "/backends", {"name": "X", "kind": "smtp", "host": "h", "password": "p"}
        )
        self.assertEqual(response.json()["errors"]["username"], ["A password needs a user name."])
        self.assertEqual(Backend.objects.count(), 1)

    def test_patch_without_a_password_keeps_the_stored_one(self) -> None:
        response = self.call("PATCH", self.url, {"name": "Relé nuevo", "port": 2525})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertNoPassword(response)
        self.assertEqual((response.json()["name"], response.json()["port"]), ("Relé nuevo", 2525))
        self.relay.refresh_from_db()
        self.assertEqual(vault.decrypt(self.relay.password), PASSWORD)
        response = self.call("PATCH", self.url, {"password": ""})
        self.relay.refresh_from_db()
        self.assertEqual(vault.decrypt(self.relay.password), PASSWORD)
        response = self.call("PATCH", self.url, {"password": "otra-clave"})
        self.assertNoPassword(response)
        self.relay.refresh_from_db()
        self.assertEqual(vault.decrypt(self.relay.password), "otra-clave")
        # Without a user there is no login, so the password goes too.
        response = self.call("PATCH", self.url, {"username": ""})
        self.assertFalse(response.json()["has_password"])
        self.relay.refresh_from_db()
        self.assertEqual(self.relay.password, "")

    def test_a_relay_takes_a_weight(self) -> None:
        response = self.call("PATCH", self.url, {"weight": 5, "max_connections": 2})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["weight"], response.json()["max_connections"]), (5, 2))
        response = self.call("PATCH", self.url, {"weight": 0})
        self.assertEqual(list(response.json()["errors"]), ["weight"])
        response = self.call("PATCH", self.url, {"api_key": API_KEY, "region": "eu"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(list(response.json()["errors"]), ["api_key", "region"])
        self.assertIn("no such setting", response.json()["errors"]["region"][0])
        self.assertNoPassword(response)

    def test_it_creates_and_changes_a_mailgun_backend(self) -> None:
        payload = {
            "name": "Mailgun",
            "kind": "mailgun",
            "api_key": API_KEY,
            "sender_domain": "MG.Example.gob.pe.",
            "weight": 3,
        }
        response = self.call("POST", "/backends", payload)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertNoPassword(response)
        body = response.json()
        self.assertEqual(
            (body["kind"], body["has_password"], body["weight"], body["max_connections"]),
            ("mailgun", True, 3, 4),
        )
        self.assertEqual(body["options"], {"region": "us", "sender_domain": "mg.example.gob.pe"})
        backend = Backend.objects.get(code=body["code"])
        self.assertEqual(vault.decrypt(backend.password), API_KEY)
        # An API address set outside the forms stays, and is not shown.
        backend.options["api_url"] = "http://127.0.0.1:1/v3"
        backend.save()
        url = f"/backends/{backend.code}"

        response = self.call("PATCH", url, {"region": "eu", "api_key": "", "is_active": False})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertNoPassword(response)
        self.assertEqual(
            response.json()["options"], {"region": "eu", "sender_domain": "mg.example.gob.pe"}
        )
        self.assertFalse(response.json()["is_active"])
        self.assertNoPassword(self.call("GET", url))
        self.assertNoPassword(self.call("GET", "/backends"))
        backend.refresh_from_db()
        self.assertEqual(vault.decrypt(backend.password), API_KEY)
        self.assertEqual(backend.options["api_url"], "http://127.0.0.1:1/v3")

        response = self.call("PATCH", url, {"api_key": "otra-llave"})
        self.assertNoPassword(response)
        backend.refresh_from_db()
        self.assertEqual(vault.decrypt(backend.password), "otra-llave")

        response = self.call("PATCH", url, {"sender_domain": "no es un dominio", "region": "ap"})
        self.assertEqual(sorted(response.json()["errors"]), ["region", "sender_domain"])

    def test_it_creates_and_changes_an_amazon_ses_backend(self) -> None:
        payload = {"name": "SES", "kind": "amazon_ses", "api_key": SECRET_KEY}
        response = self.call("POST", "/backends", payload)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(list(response.json()["errors"]), ["username"])
        self.assertNoPassword(response)
        payload["username"] = " AKIAIOSFODNN7EXAMPLE "
        response = self.call("POST", "/backends", payload)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertNoPassword(response)
        body = response.json()
        self.assertEqual(body["username"], "AKIAIOSFODNN7EXAMPLE")
        self.assertEqual(body["options"], {"region": "us-east-1"})
        self.assertTrue(body["has_password"])
        url = f"/backends/{body['code']}"

        response = self.call("PATCH", url, {"region": "SA-East-1", "weight": 2})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            (response.json()["options"], response.json()["weight"]),
            ({"region": "sa-east-1"}, 2),
        )
        response = self.call("PATCH", url, {"region": "Lima"})
        self.assertEqual(
            response.json()["errors"], {"region": ["Write an AWS region, such as us-east-1."]}
        )
        response = self.call("PATCH", url, {"password": "x", "sender_domain": "x.pe"})
        self.assertEqual(sorted(response.json()["errors"]), ["password", "sender_domain"])
        message = response.json()["errors"]["password"][0]
        self.assertIn("“amazon_ses” backend has no such setting", message)
        self.assertIn("api_key", message)
        backend = Backend.objects.get(code=body["code"])
        self.assertEqual(vault.decrypt(backend.password), SECRET_KEY)

    def test_every_provider_kind_can_be_created(self) -> None:
        cases = [
            ("brevo", {}, {}),
            ("postmark", {}, {"message_stream": "broadcast"}),
            ("postmark", {"message_stream": "boletines"}, {"message_stream": "boletines"}),
            ("sendgrid", {}, {"region": "global"}),
            ("sendgrid", {"region": "eu"}, {"region": "eu"}),
        ]
        for kind, fields, options in cases:
            with self.subTest(kind=kind, fields=fields):
                payload = {"name": kind, "kind": kind, "api_key": API_KEY, **fields}
                response = self.call("POST", "/backends", payload)
                self.assertEqual(response.status_code, 201, response.content)
                self.assertEqual(response.json()["options"], options)
                self.assertNoPassword(response)

    def test_a_provider_needs_its_fields_and_no_others(self) -> None:
        cases = [
            ({"name": "X", "kind": "brevo"}, ["api_key"]),
            ({"name": "X", "kind": "brevo", "api_key": "  "}, ["api_key"]),
            ({"name": "X", "kind": "mailgun", "api_key": API_KEY}, ["sender_domain"]),
            ({"name": "X", "kind": "brevo", "api_key": API_KEY, "region": "eu"}, ["region"]),
            (
                {"name": "X", "kind": "postmark", "api_key": API_KEY, "host": "h", "port": 25},
                ["host", "port"],
            ),
            ({"name": "X", "kind": "sendgrid", "api_key": API_KEY, "password": "p"}, ["password"]),
            ({"name": "X", "kind": "mailgun", "api_key": API_KEY, "username": "u"}, ["username"]),
            ({"name": "X", "kind": "brevo", "api_key": API_KEY, "weight": 1001}, ["weight"]),
            ({"name": "X", "kind": "brevo", "api_key": API_KEY, "api_url": "x"}, ["api_url"]),
            ({"name": "X", "kind": "file", "weight": 2}, ["weight"]),
        ]
        for payload, fields in cases:
            with self.subTest(payload=payload):
                response = self.call("POST", "/backends", payload)
                self.assertEqual(response.status_code, 422)
                self.assertEqual(list(response.json()["errors"]), fields)
                self.assertNotIn(API_KEY, response.content.decode())
        self.assertEqual(Backend.objects.count(), 1)

    def test_the_check_reads_a_providers_account(self) -> None:
        fake = FakeProvider()
        self.addCleanup(fake.stop)
        backend = Backend.objects.create(
            name="Mailgun",
            kind=BackendKind.MAILGUN,
            password=vault.encrypt(API_KEY),
            options={"sender_domain": "mg.example.gob.pe", "api_url": fake.url + "/v3"},
        )
        fake.answer(200, {"domain": {"name": "mg.example.gob.pe", "state": "active"}})
        response = self.call("POST", f"/backends/{backend.code}/check")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["outcome"], "sent")
        self.assertIn("mg.example.gob.pe is active", response.json()["reply"])
        self.assertNoPassword(response)
        (request,) = fake.received
        self.assertEqual(request.path, "/v3/domains/mg.example.gob.pe")

        fake.answer(401, {"message": f"Invalid private key {API_KEY}"})
        response = self.call("POST", f"/backends/{backend.code}/check")
        self.assertEqual(response.json()["outcome"], "failed")
        self.assertIn("HTTP 401", response.json()["reply"])
        self.assertNoPassword(response)

        backend.options["api_url"] = f"http://127.0.0.1:{free_port()}/v3"
        backend.save()
        response = self.call("POST", f"/backends/{backend.code}/check")
        self.assertEqual(response.json()["outcome"], "retry")
        self.assertNoPassword(response)

        with override_settings(ENCRYPTION_KEY="another key"):
            response = self.call("POST", f"/backends/{backend.code}/check")
        self.assertEqual(response.status_code, 409)
        self.assertIn("stored API key", response.json()["detail"])

    def test_the_kind_cannot_change(self) -> None:
        response = self.call("PATCH", self.url, {"kind": "file"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(list(response.json()["errors"]), ["kind"])

    def test_it_deletes_a_backend_and_audits_it(self) -> None:
        response = self.call("DELETE", self.url)
        self.assertEqual(response.status_code, 204)
        self.assertFalse(Backend.objects.exists())
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual(
            (entry.target, entry.detail["kind"], entry.actor),
            ("Relé institucional", "delivery backend", self.alice),
        )

    def test_the_check_reports_what_the_server_answered(self) -> None:
        with smtp_server(Mailbox()) as relay:
            response = self.call("POST", f"/backends/{relay.code}/check")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["outcome"], "sent")
        self.assertIsInstance(response.json()["reply"], str)
        closed = Backend.objects.create(
            name="Cerrado",
            kind=BackendKind.SMTP,
            host="127.0.0.1",
            port=free_port(),
            security=Security.NONE,
        )
        response = self.call("POST", f"/backends/{closed.code}/check")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["outcome"], "retry")
        self.assertTrue(response.json()["reply"])

    def test_a_password_that_cannot_be_read_is_a_409(self) -> None:
        with override_settings(ENCRYPTION_KEY="another key"):
            response = self.call("POST", self.url + "/check")
        self.assertEqual(response.status_code, 409)
        self.assertIn("enter it again", response.json()["detail"])
        self.assertNoPassword(response)

    def test_unknown_codes_are_404(self) -> None:
        for method, path in [
            ("GET", "/backends/nope"),
            ("PATCH", "/backends/nope"),
            ("DELETE", "/backends/nope"),
            ("POST", "/backends/nope/check"),
        ]:
            with self.subTest(method=method, path=path):
                response = self.call(method, path, {"name": "X"} if method == "PATCH" else None)
                self.assertEqual(response.status_code, 404)

    def test_it_needs_an_administrator(self) -> None:
        for user in (self.bob, self.charlie):
            token = self.token_for(user)
            for method, path, data in [
                ("GET", "/backends", None),
                ("POST", "/backends", {"name": "X", "kind": "file"}),
                ("GET", self.url, None),
                ("PATCH", self.url, {"name": "X"}),
                ("DELETE", self.url, None),
                ("POST", self.url + "/check", None),
            ]:
                with self.subTest(user=user.email, method=method, path=path):
                    response = self.call(method, path, data, token=token)
                    self.assertEqual(response.status_code, 403)
                    self.assertNoPassword(response)
                    self.assertEqual(self.client.generic(method, "/api/v1" + path).status_code, 401)
        self.assertEqual(Backend.objects.get().name, "Relé institucional")
