from pregon.accounts.models import AuditAction, AuditEntry
from pregon.testing import BaseTestCase


class UserReactivateTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.bob.is_active = False
        self.bob.save()

    def reactivate(self, user):
        return self.client.post(f"/cuenta/usuarios/{user.code}/reactivar/")

    def test_it_reactivates_and_audits(self) -> None:
        self.client.force_login(self.alice)
        response = self.reactivate(self.bob)
        self.assertRedirects(response, "/cuenta/usuarios/", fetch_redirect_response=False)
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)
        entry = AuditEntry.objects.get(action=AuditAction.USER_REACTIVATED)
        self.assertEqual(entry.target, "bob@example.org")

    def test_an_active_user_is_not_found(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.reactivate(self.charlie).status_code, 404)

    def test_editors_and_analysts_get_403(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.reactivate(self.bob).status_code, 403)
        self.bob.refresh_from_db()
        self.assertFalse(self.bob.is_active)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        self.assertIn("/cuenta/entrar/", self.reactivate(self.bob)["Location"])
