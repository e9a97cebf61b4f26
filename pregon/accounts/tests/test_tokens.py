import re

from pregon.accounts.models import ApiToken, AuditAction, AuditEntry
from pregon.testing import BaseTestCase


class TokensTestCase(BaseTestCase):
    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get("/cuenta/tokens/")
        self.assertIn("/cuenta/entrar/", response["Location"])

    def test_it_creates_a_token_and_shows_it_once(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.post("/cuenta/tokens/", {"name": "Moodle"})
        self.assertContains(response, "it will not be shown again")
        self.assertEqual(response["Cache-Control"], "no-store")
        raw = re.search(r'id="raw-token" value="(pgn_[^"]+)"', response.content.decode())[1]
        self.assertEqual(ApiToken.authenticate(raw), self.charlie)
        entry = AuditEntry.objects.get(action=AuditAction.TOKEN_CREATED)
        self.assertEqual((entry.actor, entry.target), (self.charlie, "Moodle"))

        response = self.client.get("/cuenta/tokens/")
        self.assertContains(response, "Moodle")
        self.assertContains(response, raw[:8])
        self.assertNotContains(response, raw)

    def test_it_lists_only_ones_own_tokens(self) -> None:
        ApiToken.issue(self.bob, "Bob's script")
        self.client.force_login(self.charlie)
        response = self.client.get("/cuenta/tokens/")
        self.assertNotContains(response, "Bob&#x27;s script")
        self.assertContains(response, "You have no API tokens yet.")

    def test_it_needs_a_name_not_in_use(self) -> None:
        ApiToken.issue(self.charlie, "Moodle")
        self.client.force_login(self.charlie)
        response = self.client.post("/cuenta/tokens/", {"name": "Moodle"})
        self.assertContains(response, "You already have an active token with this name.")
        response = self.client.post("/cuenta/tokens/", {"name": " "})
        self.assertContains(response, "This field is required.")
        self.assertEqual(ApiToken.objects.count(), 1)

    def test_a_script_in_the_name_is_shown_escaped(self) -> None:
        self.client.force_login(self.charlie)
        self.client.post("/cuenta/tokens/", {"name": "<script>alert(1)</script>"})
        response = self.client.get("/cuenta/tokens/")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(response, "<script>alert(1)")
