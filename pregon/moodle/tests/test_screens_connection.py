"""The Moodle connection page: administrators only, the token encrypted, write-only and never
shown or audited, plain messages for bad input, and the removal of the connection."""

from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.lib import vault
from pregon.moodle.models import Connection, Course
from pregon.testing import BaseTestCase

TOKEN = "0123456789abcdef0123456789abcdef"
OTHER_TOKEN = "fedcba9876543210fedcba9876543210"


class ConnectionPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice)
        self.url = reverse("moodle:connection")

    def data(self, **changes: object) -> dict[str, object]:
        return {
            "url": "https://aula.escuela.gob.pe/",
            "new_token": TOKEN,
            "roles": "student",
            "subscribe_new_contacts": "on",
            "conversion_days": 14,
            "sync_every_hours": 24,
            **changes,
        }

    def test_only_administrators_may_open_or_change_it(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
            self.assertEqual(self.client.post(reverse("moodle:check")).status_code, 403)
            self.assertEqual(self.client.post(reverse("moodle:delete")).status_code, 403)
        self.client.logout()
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/cuenta/entrar/?next={self.url}")
        self.assertFalse(Connection.objects.exists())

    def test_the_menu_leads_administrators_here(self) -> None:
        self.assertContains(self.client.get(reverse("home")), f'href="{self.url}"')
        self.client.force_login(self.bob)
        self.assertNotContains(self.client.get(reverse("home")), f'href="{self.url}"')

    def test_it_saves_the_token_encrypted_never_shows_it_and_audits_without_it(self) -> None:
        response = self.client.post(self.url, self.data(), follow=True)
        self.assertContains(response, "Moodle connection saved.")
        connection = Connection.objects.get()
        self.assertEqual(connection.url, "https://aula.escuela.gob.pe")
        self.assertNotIn(TOKEN, connection.token)
        self.assertEqual(vault.decrypt(connection.token), TOKEN)
        self.assertNotContains(response, TOKEN)
        self.assertNotContains(response, connection.token)
        self.assertContains(response, "A token is stored. Leave this blank to keep it.")
        entry = AuditEntry.objects.get(action=AuditAction.MOODLE_CONNECTION)
        self.assertEqual(entry.actor, self.alice)
        self.assertEqual(entry.target, "https://aula.escuela.gob.pe")
        self.assertEqual(entry.detail["change"], "created")
        self.assertIn("token", entry.detail["fields"])
        self.assertNotIn(TOKEN, str(entry.detail))

    def test_a_blank_token_keeps_the_stored_one(self) -> None:
        self.client.post(self.url, self.data())
        self.client.post(self.url, self.data(new_token="", roles="student, teacher"))
        connection = Connection.objects.get()
        self.assertEqual(vault.decrypt(connection.token), TOKEN)
        self.assertEqual(connection.role_names(), ["student", "teacher"])
        changed = AuditEntry.objects.filter(action=AuditAction.MOODLE_CONNECTION).first()
        self.assertEqual(changed.detail, {"change": "changed", "fields": ["roles"]})

    def test_a_new_address_or_token_forgets_the_last_check(self) -> None:
        self.client.post(self.url, self.data())
        Connection.objects.update(
            site_name="Aula", release="4.3", check_report={"ok": True, "functions": []}
        )
        self.client.post(self.url, self.data(new_token="", sync_every_hours=12))
        self.assertEqual(Connection.objects.get().site_name, "Aula")
        self.client.post(self.url, self.data(new_token=OTHER_TOKEN))
        connection = Connection.objects.get()
        self.assertEqual((connection.site_name, connection.check_report), ("", {}))
        self.assertEqual(vault.decrypt(connection.token), OTHER_TOKEN)

    def test_the_address_is_cleaned_to_the_site_root(self) -> None:
        for typed, kept in [
            ("https://aula.escuela.gob.pe/login/index.php", "https://aula.escuela.gob.pe"),
            ("https://www.escuela.gob.pe/moodle/", "https://www.escuela.gob.pe/moodle"),
            (
                "https://aula.escuela.gob.pe/webservice/rest/server.php",
                "https://aula.escuela.gob.pe",
            ),
            ("http://127.0.0.1:8081", "http://127.0.0.1:8081"),
        ]:
            with self.subTest(typed):
                self.client.post(self.url, self.data(url=typed))
                self.assertEqual(Connection.objects.get().url, kept)

    def test_bad_input_is_explained_in_spanish_and_nothing_is_saved(self) -> None:
        self.use_spanish()
        cases = {
            "url": ("http://aula.escuela.gob.pe", "https://"),
            "new_token": ("abc def 123", "token"),
            "roles": ("student, profesor(a)", "profesor(a)"),
            "conversion_days": (0, "1"),
            "sync_every_hours": (1000, "168"),
        }
        for field, (value, hint) in cases.items():
            with self.subTest(field):
                response = self.client.post(self.url, self.data(**{field: value}))
                self.assertEqual(response.status_code, 200)
                errors = response.context["form"].errors[field]
                self.assertIn(hint, " ".join(errors))
        self.assertFalse(Connection.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.MOODLE_CONNECTION).exists())

    def test_the_first_save_needs_a_token(self) -> None:
        response = self.client.post(self.url, self.data(new_token=""))
        self.assertEqual(
            response.context["form"].errors["new_token"], ["Paste the token Moodle created."]
        )
        self.assertFalse(Connection.objects.exists())

    def test_removing_the_connection_keeps_the_synced_courses(self) -> None:
        self.client.post(self.url, self.data())
        Course.objects.create(moodle_id=7, fullname="Gestión pública", shortname="GP")
        confirm = self.client.get(reverse("moodle:delete"))
        self.assertContains(confirm, "https://aula.escuela.gob.pe")
        response = self.client.post(reverse("moodle:delete"), follow=True)
        self.assertContains(response, "Moodle connection removed.")
        self.assertFalse(Connection.objects.exists())
        self.assertTrue(Course.objects.filter(moodle_id=7).exists())
        removed = AuditEntry.objects.filter(action=AuditAction.MOODLE_CONNECTION).first()
        self.assertEqual(removed.detail, {"change": "removed"})
