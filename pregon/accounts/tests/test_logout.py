from pregon.accounts.models import AuditAction, AuditEntry
from pregon.testing import BaseTestCase


class LogoutTestCase(BaseTestCase):
    def test_it_logs_out_and_audits(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post("/cuenta/salir/")
        self.assertRedirects(response, "/cuenta/entrar/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/").status_code, 302)
        entry = AuditEntry.objects.get(action=AuditAction.LOGOUT)
        self.assertEqual(entry.actor, self.bob)

    def test_it_rejects_get(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get("/cuenta/salir/")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_anonymous_users_are_just_redirected(self) -> None:
        response = self.client.post("/cuenta/salir/")
        self.assertRedirects(response, "/cuenta/entrar/", fetch_redirect_response=False)
        self.assertFalse(AuditEntry.objects.exists())
