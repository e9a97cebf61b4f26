import re
from datetime import timedelta

import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pregon.accounts.models import AuditAction, AuditEntry, BackupCode
from pregon.testing import PASSWORD, BaseTestCase


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def codes_on(response) -> list[str]:
    return re.findall(r"<li class=\"col py-1\">([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</li>",
                      response.content.decode())  # fmt: skip


class BackupCodesTestCase(BaseTestCase):
    """Backup codes: shown once when two-factor is turned on, each good for one login."""

    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        self.client.get("/cuenta/perfil/dos-pasos/")
        self.device = TOTPDevice.objects.get(user=self.bob)
        response = self.client.post(
            "/cuenta/perfil/dos-pasos/", {"code": current_code(self.device)}
        )
        self.codes = codes_on(response)
        self.first_page = response
        self.client.post("/cuenta/salir/")

    def log_in(self, code: str):
        self.client.post("/cuenta/entrar/", {"email": "bob@example.org", "password": PASSWORD})
        return self.client.post("/cuenta/verificar/", {"code": code})

    def test_turning_on_two_factor_shows_ten_codes_once(self) -> None:
        self.assertEqual(len(set(self.codes)), 10)
        self.assertEqual(self.first_page["Cache-Control"], "no-store")
        self.assertContains(self.first_page, "they will not be shown again")
        # Only hashes are stored.
        digests = list(BackupCode.objects.values_list("digest", flat=True))
        self.assertEqual(len(digests), 10)
        for code in self.codes:
            self.assertNotIn(code.replace("-", ""), "".join(digests))
        entry = AuditEntry.objects.get(action=AuditAction.BACKUP_CODES_CREATED)
        self.assertEqual(entry.actor, self.bob)

    def test_a_code_logs_in_once_and_is_audited(self) -> None:
        response = self.log_in(self.codes[3].upper().replace("-", " "))
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/").status_code, 200)
        entry = AuditEntry.objects.get(action=AuditAction.BACKUP_CODE_USED)
        self.assertEqual((entry.actor, entry.detail), (self.bob, {"remaining": 9}))

        self.client.post("/cuenta/salir/")
        response = self.log_in(self.codes[3])
        self.assertContains(response, "That backup code is not right, or it was already used.")
        self.assertEqual(self.client.get("/").status_code, 302)
        self.assertEqual(AuditEntry.objects.filter(action=AuditAction.BACKUP_CODE_USED).count(), 1)

    def test_a_wrong_code_is_refused(self) -> None:
        response = self.log_in("aaaa-bbbb-cccc")
        self.assertContains(response, "That backup code is not right")
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).exists())

    def test_the_security_page_shows_how_many_are_left(self) -> None:
        self.log_in(self.codes[0])
        response = self.client.get("/cuenta/perfil/")
        self.assertContains(response, "You have 9 unused backup codes left")

    def test_regenerating_invalidates_the_old_codes(self) -> None:
        self.log_in(self.codes[0])
        response = self.client.post("/cuenta/perfil/dos-pasos/codigos/", {"codes-secret": PASSWORD})
        new_codes = codes_on(response)
        self.assertEqual(len(new_codes), 10)
        self.assertFalse(set(new_codes) & set(self.codes))
        self.client.post("/cuenta/salir/")
        self.assertContains(self.log_in(self.codes[1]), "That backup code is not right")
        # Past django-otp's wait after the wrong code.
        with time_machine.travel(timezone.now() + timedelta(seconds=5)):
            response = self.log_in(new_codes[1])
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_regenerating_needs_the_password_or_a_code(self) -> None:
        self.log_in(self.codes[0])
        response = self.client.post("/cuenta/perfil/dos-pasos/codigos/", {"codes-secret": "nope"})
        self.assertContains(response, "That is neither a current code nor your password.")
        self.assertEqual(BackupCode.objects.count(), 9)

    def test_regenerating_rejects_get(self) -> None:
        self.log_in(self.codes[0])
        self.assertEqual(self.client.get("/cuenta/perfil/dos-pasos/codigos/").status_code, 405)

    def test_an_administrator_reset_clears_them(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(f"/cuenta/usuarios/{self.bob.code}/dos-pasos/desactivar/")
        self.assertFalse(BackupCode.objects.exists())
        self.client.logout()
        response = self.client.post(
            "/cuenta/entrar/", {"email": "bob@example.org", "password": PASSWORD}
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_turning_two_factor_off_clears_them(self) -> None:
        self.log_in(self.codes[0])
        self.client.post("/cuenta/perfil/dos-pasos/desactivar/", {"secret": PASSWORD})
        self.assertFalse(BackupCode.objects.exists())
