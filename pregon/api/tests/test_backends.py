from django.test import override_settings

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.api.tests.base import ApiTestCase
from pregon.campaigns.tests.smtp import Mailbox, free_port, smtp_server
from pregon.lib import vault
from pregon.sending.models import Backend, BackendKind, Security

PASSWORD = "s3cret-relay-pass"


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
            ("Relé institucional", "backend", self.alice),
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
