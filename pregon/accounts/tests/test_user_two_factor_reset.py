from django_otp.plugins.otp_totp.models import TOTPDevice

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.testing import PASSWORD, BaseTestCase


class UserTwoFactorResetTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        TOTPDevice.objects.create(user=self.bob, name="Pregón", confirmed=True)
        self.url = f"/cuenta/usuarios/{self.bob.code}/dos-pasos/desactivar/"

    def test_an_administrator_turns_off_a_users_two_factor(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get("/cuenta/usuarios/")
        self.assertContains(response, f'action="{self.url}"')
        self.assertNotContains(response, f"/cuenta/usuarios/{self.charlie.code}/dos-pasos/")

        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "Two-factor authentication is off for bob@example.org")
        self.assertFalse(TOTPDevice.objects.filter(user=self.bob).exists())
        entry = AuditEntry.objects.get(action=AuditAction.TWO_FACTOR_DISABLED)
        self.assertEqual((entry.actor, entry.target), (self.alice, "bob@example.org"))

        # bob now logs in with his password alone.
        self.client.logout()
        response = self.client.post(
            "/cuenta/entrar/", {"email": "bob@example.org", "password": PASSWORD}
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_rejects_get(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 405)
        self.assertTrue(TOTPDevice.objects.filter(user=self.bob).exists())

    def test_only_administrators_may(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertTrue(TOTPDevice.objects.filter(user=self.bob).exists())
        self.assertFalse(AuditEntry.objects.exists())
