"""Provider transports made from the delivery backends set up in the UI."""

from django.test import SimpleTestCase

from pregon.lib import vault
from pregon.sending.models import PROVIDER_KINDS, Backend, BackendKind
from pregon.sending.transports import providers
from pregon.sending.transports.base import Outcome
from pregon.testing.providers import API_KEY, FakeProvider


class FromBackendTestCase(SimpleTestCase):
    """transport_for and check read a Backend row, its key encrypted."""

    def setUp(self) -> None:
        super().setUp()
        self.fake = FakeProvider()
        self.addCleanup(self.fake.stop)

    def test_it_decrypts_the_key_and_reads_the_options(self) -> None:
        backend = Backend(
            name="Brevo",
            kind=BackendKind.BREVO,
            password=vault.encrypt(API_KEY),
            options={"api_url": self.fake.url + "/v3/"},
        )
        transport = providers.transport_for(backend)
        self.assertNotIn(API_KEY, repr(transport))
        self.assertNotIn(API_KEY, repr(transport.settings))
        self.fake.answer(200, {"email": "ti@example.gob.pe"})
        self.assertEqual(providers.check(backend).outcome, Outcome.SENT)
        self.assertEqual(self.fake.received[0].headers["api-key"], API_KEY)

    def test_an_unreadable_key_raises_as_for_smtp(self) -> None:
        backend = Backend(kind=BackendKind.POSTMARK, password="not a vault token")
        with self.assertRaises(vault.InvalidToken):
            providers.check(backend)


class ProvidersTestCase(SimpleTestCase):
    def test_every_provider_kind_has_its_provider(self) -> None:
        self.assertEqual(set(providers.PROVIDERS), PROVIDER_KINDS)
        for kind, provider in providers.PROVIDERS.items():
            self.assertEqual(provider.kind, kind)
