from io import StringIO

from django.core.management import CommandError, call_command

from pregon.accounts.models import ApiToken, AuditAction, AuditEntry
from pregon.testing import BaseTestCase


class TokenCommandTestCase(BaseTestCase):
    def run_command(self, *args: str) -> str:
        out = StringIO()
        call_command("token", *args, stdout=out)
        return out.getvalue().strip()

    def test_it_creates_a_token_and_prints_it(self) -> None:
        raw = self.run_command("create", "--email", "Bob@example.org", "--name", "Moodle")
        self.assertTrue(raw.startswith("pgn_"))
        self.assertEqual(ApiToken.authenticate(raw), self.bob)
        self.assertEqual(ApiToken.objects.get().name, "Moodle")
        entry = AuditEntry.objects.get(action=AuditAction.TOKEN_CREATED)
        self.assertEqual(entry.actor, self.bob)
        self.assertEqual(entry.detail, {"via": "command"})

    def test_it_revokes_tokens_by_name(self) -> None:
        raw = self.run_command("create", "--email", "bob@example.org", "--name", "Moodle")
        output = self.run_command("revoke", "--email", "bob@example.org", "--name", "Moodle")
        self.assertIn("Revoked 1 token", output)
        self.assertIsNone(ApiToken.authenticate(raw))
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.TOKEN_REVOKED).exists())

    def test_it_refuses_an_unknown_or_inactive_user(self) -> None:
        with self.assertRaisesMessage(CommandError, "No active user"):
            self.run_command("create", "--email", "nobody@example.org")
        self.bob.is_active = False
        self.bob.save()
        with self.assertRaisesMessage(CommandError, "No active user"):
            self.run_command("create", "--email", "bob@example.org")
        self.assertFalse(ApiToken.objects.exists())

    def test_it_refuses_to_revoke_a_name_with_no_token(self) -> None:
        with self.assertRaisesMessage(CommandError, "no active token named 'Moodle'"):
            self.run_command("revoke", "--email", "bob@example.org", "--name", "Moodle")
