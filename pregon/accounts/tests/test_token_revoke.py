from pregon.accounts.models import ApiToken, AuditAction, AuditEntry
from pregon.testing import BaseTestCase


class TokenRevokeTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.token, self.raw = ApiToken.issue(self.bob, "Moodle")

    def revoke(self):
        return self.client.post(f"/cuenta/tokens/{self.token.pk}/revocar/")

    def test_it_revokes_and_audits(self) -> None:
        self.client.force_login(self.bob)
        response = self.revoke()
        self.assertRedirects(response, "/cuenta/tokens/", fetch_redirect_response=False)
        self.assertIsNone(ApiToken.authenticate(self.raw))
        entry = AuditEntry.objects.get(action=AuditAction.TOKEN_REVOKED)
        self.assertEqual((entry.actor, entry.target), (self.bob, "Moodle"))
        self.assertContains(self.client.get("/cuenta/tokens/"), "Revoked")

    def test_a_revoked_token_is_not_found_again(self) -> None:
        self.client.force_login(self.bob)
        self.revoke()
        self.assertEqual(self.revoke().status_code, 404)
        self.assertEqual(AuditEntry.objects.count(), 1)

    def test_nobody_else_can_revoke_it(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.revoke().status_code, 404)
        self.assertEqual(ApiToken.authenticate(self.raw), self.bob)

    def test_it_rejects_get(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(
            self.client.get(f"/cuenta/tokens/{self.token.pk}/revocar/").status_code, 405
        )

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        self.assertIn("/cuenta/entrar/", self.revoke()["Location"])
        self.assertEqual(ApiToken.authenticate(self.raw), self.bob)
