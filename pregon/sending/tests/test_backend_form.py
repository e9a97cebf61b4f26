from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.lib import vault
from pregon.sending.models import Backend, BackendKind, Security
from pregon.testing import BaseTestCase

PASSWORD = "s3creto-Relé"


def audited() -> list[tuple[str, str, dict]]:
    """The backend changes in the audit log, oldest first."""
    entries = AuditEntry.objects.filter(action=AuditAction.BACKEND_CHANGED).order_by("at")
    return [(entry.actor_email, entry.target, entry.detail) for entry in entries]


class BackendCreateTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("sending:backend_create", args=["smtp"])
        self.client.force_login(self.alice)

    def data(self, **changes: object) -> dict[str, object]:
        return {
            "name": "Relé institucional",
            "host": "smtp.example.gob.pe",
            "port": "587",
            "security": "starttls",
            "username": "pregon",
            "password": PASSWORD,
            "weight": "3",
            "max_connections": "4",
            "is_active": "on",
            **changes,
        }

    def test_only_administrators_may_create(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.assertFalse(Backend.objects.exists())

    def test_an_unknown_kind_is_not_found(self) -> None:
        self.assertEqual(self.client.get("/envio/servidores/nuevo/mailchimp/").status_code, 404)

    def test_it_creates_an_smtp_relay_with_the_password_encrypted(self) -> None:
        response = self.client.post(self.url, self.data(), follow=True)
        self.assertRedirects(response, "/envio/servidores/")
        self.assertContains(response, "Delivery backend “Relé institucional” saved.")
        backend = Backend.objects.get()
        self.assertEqual(backend.kind, BackendKind.SMTP)
        self.assertEqual(backend.security, Security.STARTTLS)
        self.assertEqual((backend.weight, backend.max_connections), (3, 4))
        self.assertNotEqual(backend.password, PASSWORD)
        self.assertEqual(vault.decrypt(backend.password), PASSWORD)
        self.assertNotContains(response, PASSWORD)
        self.assertNotContains(response, backend.password)

    def test_it_is_audited_without_the_password(self) -> None:
        self.client.post(self.url, self.data())
        self.assertEqual(audited(), [("alice@example.org", "Relé institucional", {"kind": "smtp"})])
        row = AuditEntry.objects.values_list("target", "detail").get()
        self.assertNotIn(PASSWORD, str(row))
        self.assertNotIn(Backend.objects.get().password, str(row))

    def test_bad_input_is_refused_without_echoing_the_password(self) -> None:
        for changes, field, message in (
            ({"host": ""}, "host", "This field is required."),
            ({"port": "70000"}, "port", "Ensure this value is less than or equal to 65535."),
            ({"port": "0"}, "port", "Ensure this value is greater than or equal to 1."),
            ({"max_connections": "0"}, "max_connections", "greater than or equal to 1"),
            ({"max_connections": "51"}, "max_connections", "less than or equal to 50"),
            ({"weight": "0"}, "weight", "greater than or equal to 1"),
            ({"security": "ssl3"}, "security", "Select a valid choice."),
            ({"username": ""}, "username", "A password needs a user name."),
            ({"security": "none"}, "security", "Without encryption only a relay on this same"),
        ):
            with self.subTest(changes=changes):
                response = self.client.post(self.url, self.data(**changes))
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.context["form"].errors[field][0])
                self.assertNotContains(response, PASSWORD)
        self.assertFalse(Backend.objects.exists())
        self.assertEqual(audited(), [])

    def test_only_mail_ports_are_accepted_so_a_check_cannot_scan_the_network(self) -> None:
        self.use_spanish()
        for port in ("22", "80", "3306", "8080"):
            with self.subTest(port=port):
                response = self.client.post(self.url, self.data(port=port))
                self.assertEqual(
                    response.context["form"].errors["port"],
                    ["Use uno de los puertos de los servidores de correo: 25, 465, 587, 2525."],
                )
        self.assertFalse(Backend.objects.exists())
        for port in ("25", "465", "587", "2525"):
            self.client.post(self.url, self.data(port=port, name=f"Relé {port}"))
        self.assertEqual(Backend.objects.count(), 4)

    def test_a_relay_on_this_server_may_go_without_encryption(self) -> None:
        data = self.data(host="127.0.0.1", port="25", security="none", username="", password="")
        self.client.post(self.url, data)
        self.assertEqual(Backend.objects.get().security, Security.NONE)

    def test_a_relay_without_login_has_no_password(self) -> None:
        self.client.post(self.url, self.data(username="", password=""))
        self.assertEqual(Backend.objects.get().password, "")

    def test_it_creates_a_test_mailbox_with_a_name_only(self) -> None:
        url = reverse("sending:backend_create", args=["file"])
        response = self.client.get(url)
        self.assertContains(response, "New test mailbox")
        self.assertNotContains(response, 'name="host"')
        self.client.post(url, {"name": "Buzón de prueba", "is_active": "on"})
        backend = Backend.objects.get()
        self.assertEqual(backend.kind, BackendKind.FILE)
        self.assertEqual(backend.host, "")


class BackendEditTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.backend = Backend.objects.create(
            name="Relé institucional",
            kind=BackendKind.SMTP,
            host="smtp.example.gob.pe",
            username="pregon",
            password=vault.encrypt(PASSWORD),
        )
        self.url = reverse("sending:backend_edit", args=[self.backend.code])
        self.client.force_login(self.alice)

    def data(self, **changes: object) -> dict[str, object]:
        return {
            "name": "Relé institucional",
            "host": "smtp2.example.gob.pe",
            "port": "465",
            "security": "tls",
            "username": "pregon",
            "password": "",
            "weight": "2",
            "max_connections": "8",
            **changes,
        }

    def test_editors_and_analysts_may_not_edit(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.assertEqual(audited(), [])

    def test_the_password_is_never_shown(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'value="smtp.example.gob.pe"')
        self.assertContains(response, "A password is stored. Leave this blank to keep it.")
        self.assertContains(response, '<input type="password" name="password"')
        self.assertNotContains(response, PASSWORD)
        self.assertNotContains(response, self.backend.password)

    def test_a_blank_password_keeps_the_stored_one(self) -> None:
        response = self.client.post(self.url, self.data())
        self.assertRedirects(response, "/envio/servidores/")
        self.backend.refresh_from_db()
        self.assertEqual(self.backend.host, "smtp2.example.gob.pe")
        self.assertEqual(self.backend.security, Security.TLS)
        self.assertEqual(self.backend.is_active, False)
        self.assertEqual((self.backend.weight, self.backend.max_connections), (2, 8))
        self.assertEqual(vault.decrypt(self.backend.password), PASSWORD)

    def test_a_new_password_replaces_it(self) -> None:
        self.client.post(self.url, self.data(password="otra-clave"))
        self.backend.refresh_from_db()
        self.assertEqual(vault.decrypt(self.backend.password), "otra-clave")
        self.assertEqual(audited(), [("alice@example.org", "Relé institucional", {"kind": "smtp"})])
        self.assertNotIn("otra-clave", str(AuditEntry.objects.values_list("detail").get()))

    def test_removing_the_user_removes_the_password(self) -> None:
        self.client.post(self.url, self.data(username=""))
        self.backend.refresh_from_db()
        self.assertEqual(self.backend.password, "")

    def test_an_error_keeps_everything_as_it_was(self) -> None:
        response = self.client.post(self.url, self.data(port="x", password="otra-clave"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "otra-clave")
        self.assertNotContains(response, PASSWORD)
        self.backend.refresh_from_db()
        self.assertEqual(self.backend.host, "smtp.example.gob.pe")
        self.assertEqual(vault.decrypt(self.backend.password), PASSWORD)
        self.assertEqual(audited(), [])
