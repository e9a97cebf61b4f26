from django.conf import settings
from django.test import override_settings

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.testing import PASSWORD, BaseTestCase


class LoginTestCase(BaseTestCase):
    def login(self, email: str, password: str, **extra: str):
        return self.client.post("/cuenta/entrar/", {"email": email, "password": password, **extra})

    def test_it_shows_a_login_card(self) -> None:
        response = self.client.get("/cuenta/entrar/")
        self.assertContains(response, "Pregón")
        self.assertContains(response, 'name="email"')
        self.assertContains(response, "Forgot your password?")

    def test_passwords_are_stored_with_argon2id(self) -> None:
        from pregon import settings as production_settings

        self.assertIn("Argon2", production_settings.PASSWORD_HASHERS[0])
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.password.startswith("argon2$argon2id$"))

    def test_it_logs_in_with_email_and_password(self) -> None:
        response = self.login("alice@example.org", PASSWORD)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/").status_code, 200)
        entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
        self.assertEqual(entry.actor, self.alice)
        self.assertEqual(entry.ip, "127.0.0.1")

    def test_the_email_is_not_case_sensitive(self) -> None:
        response = self.login("  Alice@Example.ORG ", PASSWORD)
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_follows_a_local_next_only(self) -> None:
        response = self.login("bob@example.org", PASSWORD, next="/contactos/")
        self.assertRedirects(response, "/contactos/", fetch_redirect_response=False)
        self.client.logout()
        response = self.login("bob@example.org", PASSWORD, next="https://evil.example/")
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_rejects_a_wrong_password_and_audits_the_email_tried(self) -> None:
        response = self.login("alice@example.org", "not the password")
        self.assertContains(response, "do not match an active account")
        self.assertEqual(self.client.get("/").status_code, 302)
        entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
        self.assertIsNone(entry.actor)
        self.assertEqual(entry.actor_email, "alice@example.org")
        self.assertEqual(entry.target, "alice@example.org")
        self.assertFalse(entry.detail["locked"])

    def test_it_audits_unknown_addresses_too(self) -> None:
        self.login("nobody@example.org", PASSWORD)
        entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
        self.assertEqual(entry.actor_email, "nobody@example.org")

    def test_inactive_users_cannot_log_in(self) -> None:
        self.bob.is_active = False
        self.bob.save()
        response = self.login("bob@example.org", PASSWORD)
        self.assertContains(response, "do not match an active account")
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.LOGIN).exists())

    def test_it_locks_out_after_repeated_failures(self) -> None:
        limit = settings.AXES_FAILURE_LIMIT
        for _ in range(limit - 1):
            response = self.login("alice@example.org", "guess")
            self.assertEqual(response.status_code, 200)
        response = self.login("alice@example.org", "guess")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Wait 15 minutes", status_code=429)
        # Even the right password is refused while the lock lasts.
        response = self.login("alice@example.org", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertEqual(self.client.get("/").status_code, 302)
        self.assertTrue(AuditEntry.objects.filter(detail__locked=True).exists())

    def test_the_lock_is_per_address(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.login("alice@example.org", "guess")
        response = self.login("bob@example.org", PASSWORD)
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    @override_settings(AXES_FAILURE_LIMIT=2)
    def test_a_success_resets_the_failure_count(self) -> None:
        self.login("alice@example.org", "guess")
        self.login("alice@example.org", PASSWORD)
        self.client.logout()
        response = self.login("alice@example.org", "guess")
        self.assertEqual(response.status_code, 200)

    def test_a_logged_in_user_goes_home(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get("/cuenta/entrar/")
        self.assertRedirects(response, "/", fetch_redirect_response=False)
