from django.test import override_settings

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.testing import BaseTestCase

SPOOFED_AND_REAL = {"HTTP_X_FORWARDED_FOR": "203.0.113.66, 198.51.100.7"}


class ClientIpTestCase(BaseTestCase):
    """The address in the audit log (and for login throttling) behind a reverse proxy."""

    def fail_login(self, **headers: str) -> AuditEntry:
        data = {"email": "alice@example.org", "password": "wrong"}
        self.client.post("/cuenta/entrar/", data, REMOTE_ADDR="127.0.0.1", **headers)
        return AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).latest("at")

    def test_without_a_trusted_proxy_forwarded_addresses_are_ignored(self) -> None:
        self.assertEqual(self.fail_login(**SPOOFED_AND_REAL).ip, "127.0.0.1")

    @override_settings(PROXY_COUNT=1)
    def test_behind_one_proxy_the_address_it_saw_is_recorded(self) -> None:
        # The left entry is whatever the client sent; only the proxy's own is believed.
        self.assertEqual(self.fail_login(**SPOOFED_AND_REAL).ip, "198.51.100.7")

    @override_settings(PROXY_COUNT=1)
    def test_a_garbled_forwarded_address_falls_back_to_the_socket(self) -> None:
        self.assertEqual(self.fail_login(HTTP_X_FORWARDED_FOR="not-an-ip").ip, "127.0.0.1")
        self.assertEqual(self.fail_login().ip, "127.0.0.1")
