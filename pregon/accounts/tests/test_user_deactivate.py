from pregon.accounts.models import AuditAction, AuditEntry, Role
from pregon.testing import PASSWORD, BaseTestCase


class UserDeactivateTestCase(BaseTestCase):
    def deactivate(self, user):
        return self.client.post(f"/cuenta/usuarios/{user.code}/desactivar/")

    def test_it_deactivates_and_audits(self) -> None:
        self.client.force_login(self.alice)
        response = self.deactivate(self.bob)
        self.assertRedirects(response, "/cuenta/usuarios/", fetch_redirect_response=False)
        self.bob.refresh_from_db()
        self.assertFalse(self.bob.is_active)
        entry = AuditEntry.objects.get(action=AuditAction.USER_DEACTIVATED)
        self.assertEqual((entry.actor, entry.target), (self.alice, "bob@example.org"))
        self.assertContains(self.client.get("/cuenta/usuarios/"), "Reactivate")

    def test_a_deactivated_user_is_logged_out_and_cannot_log_in(self) -> None:
        self.client.force_login(self.bob)
        self.bob.is_active = False
        self.bob.save()
        self.assertEqual(self.client.get("/").status_code, 302)
        login = {"email": "bob@example.org", "password": PASSWORD}
        response = self.client.post("/cuenta/entrar/", login)
        self.assertEqual(response.status_code, 200)

    def test_the_last_administrator_cannot_be_deactivated(self) -> None:
        self.client.force_login(self.alice)
        response = self.deactivate(self.alice)
        response = self.client.get(response["Location"])
        self.assertContains(response, "alice@example.org is the last active administrator.")
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.is_active)

    def test_an_administrator_can_be_deactivated_when_another_remains(self) -> None:
        self.charlie.role = Role.ADMIN
        self.charlie.save()
        self.client.force_login(self.alice)
        self.deactivate(self.charlie)
        self.charlie.refresh_from_db()
        self.assertFalse(self.charlie.is_active)

    def test_editors_and_analysts_get_403(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            self.assertEqual(self.deactivate(self.alice).status_code, 403)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        self.assertIn("/cuenta/entrar/", self.deactivate(self.bob)["Location"])
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.is_active)
