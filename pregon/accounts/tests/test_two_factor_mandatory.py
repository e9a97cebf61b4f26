import datetime

import time_machine
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from pregon.accounts.models import ApiToken, AuditAction, AuditEntry, TwoFactorRule
from pregon.accounts.tests.test_two_factor import current_code
from pregon.testing import PASSWORD, BaseTestCase

SETUP = "/cuenta/perfil/dos-pasos/"


class MandatoryTwoFactorTestCase(BaseTestCase):
    """alice (administrator) makes two-step login mandatory for editors: bob (editor) must
    turn it on; charlie (analyst) is not asked."""

    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice)
        self.client.post("/cuenta/usuarios/dos-pasos/", {"for_editors": "on"})
        self.client.post("/cuenta/salir/")

    def log_in(self, email: str) -> str:
        response = self.client.post("/cuenta/entrar/", {"email": email, "password": PASSWORD})
        return response["Location"]

    def test_turning_it_on_is_audited(self) -> None:
        entry = AuditEntry.objects.get(action=AuditAction.TWO_FACTOR_RULE)
        self.assertEqual(entry.actor, self.alice)
        self.assertEqual(entry.detail, {"old": [], "new": ["editor"]})
        self.assertEqual(TwoFactorRule.load().roles(), ["editor"])
        self.client.force_login(self.alice)
        response = self.client.get("/cuenta/auditoria/")
        self.assertContains(response, "Mandatory two-step login changed")

    def test_the_users_screen_shows_the_rule(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get("/cuenta/usuarios/")
        self.assertContains(
            response,
            '<input type="checkbox" name="for_editors" class="form-check-input" '
            'id="id_for_editors" checked>',
            html=True,
        )
        self.assertContains(
            response,
            '<input type="checkbox" name="for_admins" class="form-check-input" id="id_for_admins">',
            html=True,
        )

    def test_an_editor_without_it_is_sent_to_set_it_up(self) -> None:
        self.assertEqual(self.log_in("bob@example.org"), "/")
        response = self.client.get("/")
        self.assertRedirects(response, SETUP, fetch_redirect_response=False)
        response = self.client.get("/contactos/")
        self.assertRedirects(response, SETUP, fetch_redirect_response=False)
        response = self.client.get(SETUP)
        self.assertContains(response, 'id="two-factor-required"')
        self.assertNotContains(response, "Cancel")
        # Logging out and changing the language still work.
        self.assertEqual(self.client.post("/i18n/setlang/", {"language": "es"}).status_code, 302)
        self.assertRedirects(
            self.client.post("/cuenta/salir/"), "/cuenta/entrar/", fetch_redirect_response=False
        )

    def test_after_setting_it_up_the_editor_reaches_the_dashboard(self) -> None:
        self.log_in("bob@example.org")
        self.client.get(SETUP)
        device = TOTPDevice.objects.get(user=self.bob)
        response = self.client.post(SETUP, {"code": current_code(device)})
        self.assertContains(response, "Your backup codes")
        self.assertEqual(self.client.get("/").status_code, 200)
        # The next login asks for a code, then the dashboard opens.
        self.client.post("/cuenta/salir/")
        self.assertEqual(self.log_in("bob@example.org"), "/cuenta/verificar/")
        # Thirty seconds on, the app shows a new code, which the device has not seen yet.
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=30)):
            device.refresh_from_db()
            self.client.post("/cuenta/verificar/", {"code": current_code(device)})
            self.assertEqual(self.client.get("/").status_code, 200)

    def test_a_session_opened_before_the_rule_is_sent_too(self) -> None:
        self.client.force_login(self.bob)
        TwoFactorRule.objects.update(for_editors=False)
        self.assertEqual(self.client.get("/").status_code, 200)
        TwoFactorRule.objects.update(for_editors=True)
        self.assertRedirects(self.client.get("/"), SETUP, fetch_redirect_response=False)

    def test_an_analyst_is_not_asked(self) -> None:
        self.assertEqual(self.log_in("charlie@example.org"), "/")
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_the_api_is_unaffected(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post("/cuenta/tokens/", {"name": "Moodle"})
        self.assertRedirects(response, SETUP, fetch_redirect_response=False)
        _token, raw = ApiToken.issue(self.bob, "Moodle")
        self.client.logout()
        response = self.client.get("/api/v1/lists", headers={"Authorization": f"Bearer {raw}"})
        self.assertEqual(response.status_code, 200)

    def test_only_administrators_set_the_rule(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.post("/cuenta/usuarios/dos-pasos/", {"for_analysts": "on"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(TwoFactorRule.load().roles(), ["editor"])

    def test_turning_it_off_for_everyone(self) -> None:
        self.client.force_login(self.alice)
        self.client.post("/cuenta/usuarios/dos-pasos/", {})
        self.assertEqual(TwoFactorRule.load().roles(), [])
        entry = AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_RULE).first()
        self.assertEqual(entry.detail, {"old": ["editor"], "new": []})
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get("/").status_code, 200)
