"""Test helpers, in one home: the base test case here (three users, one per role), and the
helpers that the tests of several apps share in the modules beside it."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.test import Client, TestCase, override_settings

from pregon.accounts.models import Role, User

PASSWORD = "correct horse battery staple"


class LanguageKeepingClient(Client):
    """A test client whose logout() keeps the language cookie (Django's clears every cookie)."""

    def logout(self) -> None:
        language = self.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        super().logout()
        if language is not None:
            self.cookies[settings.LANGUAGE_COOKIE_NAME] = language.value


class BaseTestCase(TestCase):
    """alice is an administrator, bob an editor and charlie an analyst (read-only).

    Pages are in English here, so that assertions read the msgids; Spanish, the default,
    is checked where it matters with ``use_spanish()`` and by the catalogue test.
    """

    client_class = LanguageKeepingClient

    def setUp(self) -> None:
        super().setUp()
        self.client.cookies["pregon_language"] = "en"
        self.alice = User.objects.create_user("alice@example.org", PASSWORD, role=Role.ADMIN)
        self.bob = User.objects.create_user("bob@example.org", PASSWORD, role=Role.EDITOR)
        self.charlie = User.objects.create_user("charlie@example.org", PASSWORD, role=Role.ANALYST)

    def use_spanish(self) -> None:
        self.client.cookies["pregon_language"] = "es"

    def use_temporary_media(self) -> Path:
        """Keep uploads and reports in a MEDIA_ROOT of this test's own, deleted after it."""
        media = tempfile.TemporaryDirectory()
        self.addCleanup(media.cleanup)
        self.enterContext(override_settings(MEDIA_ROOT=media.name))
        return Path(media.name)
