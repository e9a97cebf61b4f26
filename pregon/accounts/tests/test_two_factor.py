import re
from base64 import b32decode

import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.testing import PASSWORD, BaseTestCase


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


class TwoFactorTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.charlie)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        self.client.logout()
        response = self.client.get("/cuenta/perfil/dos-pasos/")
        self.assertRedirects(
            response,
            "/cuenta/entrar/?next=/cuenta/perfil/dos-pasos/",
            fetch_redirect_response=False,
        )

    def test_it_shows_a_qr_code_and_the_secret(self) -> None:
        response = self.client.get("/cuenta/perfil/dos-pasos/")
        self.assertContains(response, "<svg")
        device = TOTPDevice.objects.get(user=self.charlie, confirmed=False)
        secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', response.content.decode())[1]
        self.assertEqual(b32decode(secret.replace(" ", "")), device.bin_key)

    def test_reloading_keeps_the_same_secret(self) -> None:
        self.client.get("/cuenta/perfil/dos-pasos/")
        self.client.get("/cuenta/perfil/dos-pasos/")
        self.assertEqual(TOTPDevice.objects.filter(user=self.charlie).count(), 1)

    def test_a_code_from_the_app_turns_it_on(self) -> None:
        self.client.get("/cuenta/perfil/dos-pasos/")
        device = TOTPDevice.objects.get(user=self.charlie)
        response = self.client.post("/cuenta/perfil/dos-pasos/", {"code": current_code(device)})
        # The answer is the backup codes, shown this once.
        self.assertContains(response, "Your backup codes")
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        entry = AuditEntry.objects.get(action=AuditAction.TWO_FACTOR_ENABLED)
        self.assertEqual(entry.actor, self.charlie)
        # This session proved the code, so it stays usable.
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_the_next_login_asks_for_a_code(self) -> None:
        self.client.get("/cuenta/perfil/dos-pasos/")
        device = TOTPDevice.objects.get(user=self.charlie)
        self.client.post("/cuenta/perfil/dos-pasos/", {"code": current_code(device)})
        self.client.post("/cuenta/salir/")
        login = {"email": "charlie@example.org", "password": PASSWORD}
        response = self.client.post("/cuenta/entrar/", login)
        self.assertRedirects(response, "/cuenta/verificar/", fetch_redirect_response=False)
        # Thirty seconds on, the app shows a new code, which the device has not seen yet.
        with time_machine.travel(timezone.now() + timezone.timedelta(seconds=30)):
            device.refresh_from_db()
            response = self.client.post("/cuenta/verificar/", {"code": current_code(device)})
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_a_wrong_code_leaves_it_off(self) -> None:
        self.client.get("/cuenta/perfil/dos-pasos/")
        device = TOTPDevice.objects.get(user=self.charlie)
        wrong = f"{(int(current_code(device)) + 1) % 1000000:06d}"
        response = self.client.post("/cuenta/perfil/dos-pasos/", {"code": wrong})
        self.assertContains(response, "That code is not right")
        self.assertFalse(TOTPDevice.objects.filter(confirmed=True).exists())
        self.assertFalse(AuditEntry.objects.exists())

    def test_it_asks_for_six_digits(self) -> None:
        self.client.get("/cuenta/perfil/dos-pasos/")
        response = self.client.post("/cuenta/perfil/dos-pasos/", {"code": "12ab"})
        self.assertContains(response, "Enter the six digits your app shows.")

    def test_when_already_on_it_goes_back_to_the_profile(self) -> None:
        TOTPDevice.objects.create(user=self.charlie, name="phone", confirmed=True)
        self.client.post("/cuenta/salir/")
        self.client.force_login(self.charlie)
        session = self.client.session
        device = TOTPDevice.objects.get(user=self.charlie)
        session["otp_device_id"] = device.persistent_id
        session.save()
        response = self.client.get("/cuenta/perfil/dos-pasos/")
        self.assertRedirects(response, "/cuenta/perfil/", fetch_redirect_response=False)
