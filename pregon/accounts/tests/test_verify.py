import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.testing import PASSWORD, BaseTestCase


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


class VerifyTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.device = TOTPDevice.objects.create(user=self.bob, name="phone", confirmed=True)

    def log_in_with_password(self, **extra: str):
        data = {"email": "bob@example.org", "password": PASSWORD, **extra}
        return self.client.post("/cuenta/entrar/", data)

    def test_the_password_alone_does_not_log_in(self) -> None:
        response = self.log_in_with_password()
        self.assertRedirects(response, "/cuenta/verificar/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/").status_code, 302)
        self.assertIn("/cuenta/entrar/", self.client.get("/")["Location"])
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.LOGIN).exists())

    def test_a_current_code_completes_the_login(self) -> None:
        self.log_in_with_password(next="/contactos/")
        self.assertContains(self.client.get("/cuenta/verificar/"), "Two-factor code")
        response = self.client.post("/cuenta/verificar/", {"code": current_code(self.device)})
        self.assertRedirects(response, "/contactos/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/").status_code, 200)
        entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
        self.assertEqual(entry.actor, self.bob)
        self.assertTrue(entry.detail["two_factor"])

    def test_a_wrong_code_is_refused_and_audited(self) -> None:
        self.log_in_with_password()
        wrong = f"{(int(current_code(self.device)) + 1) % 1000000:06d}"
        response = self.client.post("/cuenta/verificar/", {"code": wrong})
        self.assertContains(response, "That code is not right")
        self.assertEqual(self.client.get("/").status_code, 302)
        entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
        self.assertEqual(entry.actor_email, "bob@example.org")

    def test_a_code_cannot_be_used_twice(self) -> None:
        code = current_code(self.device)
        self.log_in_with_password()
        self.client.post("/cuenta/verificar/", {"code": code})
        self.client.post("/cuenta/salir/")
        self.log_in_with_password()
        response = self.client.post("/cuenta/verificar/", {"code": code})
        self.assertContains(response, "That code is not right")

    def test_the_pending_login_expires(self) -> None:
        self.log_in_with_password()
        with time_machine.travel(timezone.now() + timezone.timedelta(minutes=6)):
            code = current_code(self.device)
            response = self.client.post("/cuenta/verificar/", {"code": code})
        self.assertRedirects(response, "/cuenta/entrar/", fetch_redirect_response=False)

    def test_a_session_from_before_two_factor_must_verify(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get("/")
        self.assertRedirects(response, "/cuenta/verificar/", fetch_redirect_response=False)
        response = self.client.post("/cuenta/verificar/", {"code": current_code(self.device)})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_without_a_pending_login_it_goes_to_login(self) -> None:
        response = self.client.get("/cuenta/verificar/")
        self.assertRedirects(response, "/cuenta/entrar/", fetch_redirect_response=False)

    def test_users_without_two_factor_skip_it(self) -> None:
        response = self.client.post(
            "/cuenta/entrar/", {"email": "charlie@example.org", "password": PASSWORD}
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)
