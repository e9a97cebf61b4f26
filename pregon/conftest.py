"""pytest setup shared by every test."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.utils import translation
from pytest_django.fixtures import Settings


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2, as in production, with the smallest cost: most tests create three users,
    and the production cost (~0.2 s a hash here) would be most of the suite's time."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1


@pytest.fixture(autouse=True)
def quick_password_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["pregon.conftest.QuickArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def own_cache(settings: Settings, tmp_path: Path) -> None:
    """Each test counts (password-reset requests…) in a cache of its own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }


@pytest.fixture(autouse=True)
def own_event_spool(settings: Settings, tmp_path: Path) -> None:
    """Each test spools its events apart, and may flush them at once (no grace)."""
    settings.TRACKING_SPOOL_DIR = tmp_path / "spool"
    settings.TRACKING_SPOOL_GRACE = -1


@pytest.fixture(autouse=True)
def no_public_dns(settings: Settings) -> None:
    """DNS look-ups go to a closed port on loopback, unless a test starts its own server
    (pregon/testing/knot.py): no test asks the internet."""
    settings.DNS_SERVERS = ["127.0.0.1:9"]


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the installation's language (Spanish): a request made in English
    by an earlier test leaves English active in the thread, so a later test's messages
    outside a request would depend on the order the tests ran in."""
    with translation.override(django_settings.LANGUAGE_CODE):
        yield
