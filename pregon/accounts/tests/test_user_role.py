from pregon.accounts.models import AuditAction, AuditEntry, Role
from pregon.testing import BaseTestCase


class UserRoleTestCase(BaseTestCase):
    def change(self, user, role: str):
        return self.client.post(f"/cuenta/usuarios/{user.code}/rol/", {"role": role})

    def test_it_changes_the_role_and_audits_old_and_new(self) -> None:
        self.client.force_login(self.alice)
        response = self.change(self.charlie, Role.EDITOR)
        self.assertRedirects(response, "/cuenta/usuarios/", fetch_redirect_response=False)
        self.charlie.refresh_from_db()
        self.assertEqual(self.charlie.role, Role.EDITOR)
        entry = AuditEntry.objects.get(action=AuditAction.ROLE_CHANGED)
        self.assertEqual(entry.actor, self.alice)
        self.assertEqual(entry.target, "charlie@example.org")
        self.assertEqual(entry.detail, {"old": "analyst", "new": "editor"})

    def test_the_last_administrator_cannot_be_demoted(self) -> None:
        self.client.force_login(self.alice)
        response = self.change(self.alice, Role.EDITOR)
        response = self.client.get(response["Location"])
        self.assertContains(response, "alice@example.org is the last active administrator.")
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.role, Role.ADMIN)
        self.assertFalse(AuditEntry.objects.exists())

    def test_an_administrator_can_be_demoted_when_another_remains(self) -> None:
        self.bob.role = Role.ADMIN
        self.bob.save()
        self.client.force_login(self.alice)
        self.change(self.alice, Role.ANALYST)
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.role, Role.ANALYST)

    def test_an_inactive_administrator_does_not_count(self) -> None:
        self.bob.role = Role.ADMIN
        self.bob.is_active = False
        self.bob.save()
        self.client.force_login(self.alice)
        self.change(self.alice, Role.EDITOR)
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.role, Role.ADMIN)

    def test_it_refuses_an_unknown_role(self) -> None:
        self.client.force_login(self.alice)
        self.change(self.charlie, "owner")
        self.charlie.refresh_from_db()
        self.assertEqual(self.charlie.role, Role.ANALYST)

    def test_the_same_role_is_not_audited(self) -> None:
        self.client.force_login(self.alice)
        self.change(self.charlie, Role.ANALYST)
        self.assertFalse(AuditEntry.objects.exists())

    def test_editors_and_analysts_get_403(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            self.assertEqual(self.change(self.charlie, Role.ADMIN).status_code, 403)
        self.charlie.refresh_from_db()
        self.assertEqual(self.charlie.role, Role.ANALYST)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.change(self.charlie, Role.ADMIN)
        self.assertIn("/cuenta/entrar/", response["Location"])

    def test_it_rejects_get(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(f"/cuenta/usuarios/{self.charlie.code}/rol/")
        self.assertEqual(response.status_code, 405)
