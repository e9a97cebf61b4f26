from pregon.accounts.models import AuditAction, AuditEntry
from pregon.testing import PASSWORD, BaseTestCase

NEW_PASSWORD = "a new and long passphrase"


class PasswordChangeTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)

    def change(self, old: str, new: str, again: str | None = None):
        data = {"old_password": old, "new_password1": new, "new_password2": again or new}
        return self.client.post("/cuenta/perfil/contrasena/", data)

    def test_it_changes_the_password_and_keeps_the_session(self) -> None:
        response = self.change(PASSWORD, NEW_PASSWORD)
        self.assertRedirects(response, "/cuenta/perfil/", fetch_redirect_response=False)
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.check_password(NEW_PASSWORD))
        self.assertEqual(self.client.get("/").status_code, 200)
        entry = AuditEntry.objects.get(action=AuditAction.PASSWORD_CHANGED)
        self.assertEqual(entry.actor, self.bob)

    def test_it_needs_the_current_password(self) -> None:
        response = self.change("wrong", NEW_PASSWORD)
        self.assertContains(response, "Your old password was entered incorrectly")
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.check_password(PASSWORD))
        self.assertFalse(AuditEntry.objects.exists())

    def test_it_refuses_a_short_password(self) -> None:
        response = self.change(PASSWORD, "short")
        self.assertContains(response, "This password is too short")

    def test_it_rejects_get(self) -> None:
        self.assertEqual(self.client.get("/cuenta/perfil/contrasena/").status_code, 405)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        self.client.logout()
        response = self.change(PASSWORD, NEW_PASSWORD)
        self.assertIn("/cuenta/entrar/", response["Location"])
