from pregon.accounts.models import ApiToken
from pregon.testing.api import ApiTestCase


class AuthTestCase(ApiTestCase):
    def test_it_rejects_a_request_without_a_token(self) -> None:
        response = self.client.get("/api/v1/contacts")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertIn("Authorization: Bearer", response.json()["detail"])
        self.assertEqual(response.json()["errors"], {})
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="pregon"')

    def test_it_rejects_an_unknown_token(self) -> None:
        response = self.call("GET", "/contacts", token="pgn_not-a-real-token")
        self.assertEqual(response.status_code, 401)

    def test_it_rejects_a_revoked_token(self) -> None:
        token, raw = ApiToken.issue(self.bob, "old")
        token.revoke()
        response = self.call("GET", "/contacts", token=raw)
        self.assertEqual(response.status_code, 401)

    def test_it_rejects_the_token_of_a_deactivated_user(self) -> None:
        self.bob.is_active = False
        self.bob.save()
        self.assertEqual(self.call("GET", "/contacts").status_code, 401)

    def test_it_rejects_a_session_without_a_token(self) -> None:
        # A logged-in browser is not enough: the API answers to tokens only.
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get("/api/v1/contacts").status_code, 401)

    def test_it_forbids_analysts(self) -> None:
        response = self.call("GET", "/contacts", token=self.token_for(self.charlie))
        self.assertEqual(response.status_code, 403)
        self.assertIn("role", response.json()["detail"])

    def test_it_accepts_editors_and_administrators(self) -> None:
        self.assertEqual(self.call("GET", "/contacts").status_code, 200)
        response = self.call("GET", "/contacts", token=self.token_for(self.alice))
        self.assertEqual(response.status_code, 200)

    def test_it_records_when_a_token_was_used(self) -> None:
        self.call("GET", "/contacts")
        self.assertIsNotNone(ApiToken.objects.get(user=self.bob).last_used_at)

    def test_writes_need_no_csrf_token(self) -> None:
        response = self.call("POST", "/tags", {"name": "curso"})
        self.assertEqual(response.status_code, 201)

    def test_it_speaks_the_language_the_client_asks_for(self) -> None:
        del self.client.cookies["pregon_language"]
        response = self.call("POST", "/contacts", {"first_name": "Ana"}, HTTP_ACCEPT_LANGUAGE="es")
        self.assertEqual(response.json()["errors"]["email"], ["Este campo es obligatorio."])
