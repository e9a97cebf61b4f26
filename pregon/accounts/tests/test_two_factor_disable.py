from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.testing import PASSWORD, BaseTestCase


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


class TwoFactorDisableTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.device = TOTPDevice.objects.create(user=self.bob, name="phone", confirmed=True)
        self.client.force_login(self.bob)
        session = self.client.session
        session["otp_device_id"] = self.device.persistent_id
        session.save()

    def test_the_profile_says_it_is_on(self) -> None:
        response = self.client.get("/cuenta/perfil/")
        self.assertContains(response, "Turn off two-factor")

    def test_a_current_code_turns_it_off(self) -> None:
        response = self.client.post(
            "/cuenta/perfil/dos-pasos/desactivar/", {"secret": current_code(self.device)}
        )
        self.assertRedirects(response, "/cuenta/perfil/", fetch_redirect_response=False)
        self.assertFalse(TOTPDevice.objects.exists())
        entry = AuditEntry.objects.get(action=AuditAction.TWO_FACTOR_DISABLED)
        self.assertEqual(entry.actor, self.bob)

    def test_the_password_turns_it_off(self) -> None:
        self.client.post("/cuenta/perfil/dos-pasos/desactivar/", {"secret": PASSWORD})
        self.assertFalse(TOTPDevice.objects.exists())

    def test_anything_else_is_refused(self) -> None:
        response = self.client.post("/cuenta/perfil/dos-pasos/desactivar/", {"secret": "123456"})
        self.assertContains(response, "neither a current code nor your password")
        self.assertTrue(TOTPDevice.objects.exists())
        self.assertFalse(AuditEntry.objects.exists())

    def test_it_rejects_get(self) -> None:
        response = self.client.get("/cuenta/perfil/dos-pasos/desactivar/")
        self.assertEqual(response.status_code, 405)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        self.client.logout()
        response = self.client.post("/cuenta/perfil/dos-pasos/desactivar/", {"secret": PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/entrar/", response["Location"])
        self.assertTrue(TOTPDevice.objects.exists())
