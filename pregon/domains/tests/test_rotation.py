"""Key rotation: new keys under a new selector wait until the DNS has them, then take over."""

import unittest

from django.test import TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from pregon.domains import verification
from pregon.domains.models import DomainStatus, SendingDomain
from pregon.testing.domains import RELAY_ZONES, RELAYS, right_records
from pregon.testing.knot import have_knot, knot_server


@unittest.skipUnless(have_knot(), "Knot DNS (knotd) is not installed")
class KeyRotationTestCase(TestCase):
    def setUp(self) -> None:
        self.domain = SendingDomain.objects.create(name="bueno.test")
        self.domain.add_keys()
        self.old = set(self.domain.keys.values_list("selector", flat=True))

    def verify(self, records: list) -> None:
        with knot_server({"bueno.test": records, **RELAY_ZONES}) as server:
            with override_settings(DNS_SERVERS=[server]):
                results = verification.verify(self.domain, RELAYS)
        self.domain.apply_results([result.stored() for result in results])

    def signing(self) -> set[str]:
        return {signer.selector for signer in self.domain.signers()}

    def test_the_old_keys_sign_until_the_new_ones_are_published(self) -> None:
        published = right_records(self.domain)
        self.assertTrue(self.domain.rotate_keys())
        new = {key.selector for key in self.domain.pending_keys()}
        self.assertEqual(len(new), 2)
        self.assertFalse(new & self.old)
        # A second rotation waits for the first.
        self.assertFalse(self.domain.rotate_keys())

        self.verify(published)
        self.assertEqual(self.signing(), self.old)
        # The domain stays verified: the new keys are not required until they sign.
        self.assertEqual(self.domain.status, DomainStatus.VERIFIED)

        self.verify(right_records(self.domain))
        self.assertEqual(self.signing(), new)
        retired = self.domain.keys.exclude(retired_at=None)
        self.assertEqual(set(retired.values_list("selector", flat=True)), self.old)
        self.assertFalse(self.domain.pending_keys().exists())

    def test_one_new_key_published_is_not_enough(self) -> None:
        self.domain.rotate_keys()
        ed25519 = self.domain.pending_keys().get(algorithm="ed25519")
        records = right_records(self.domain)
        self.verify([record for record in records if not record[0].startswith(ed25519.selector)])
        self.assertEqual(self.signing(), self.old)


class KeySwitchTestCase(TransactionTestCase):
    # Not wrapped in a transaction of the test's own: what apply_results commits stays.

    def test_a_verification_that_cannot_be_stored_switches_no_key(self) -> None:
        domain = SendingDomain.objects.create(name="bueno.test")
        domain.add_keys()
        old = {signer.selector for signer in domain.signers()}
        domain.rotate_keys()
        found = [
            {
                "code": verification.DKIM,
                "state": verification.OK,
                "params": {"selector": key.selector},
            }
            for key in domain.pending_keys()
        ]
        # Not JSON: saving the results fails after the keys would have been switched.
        found[0]["params"]["checked"] = timezone.now().time()

        with self.assertRaises(TypeError):
            domain.apply_results(found)

        self.assertEqual({signer.selector for signer in domain.signers()}, old)
        self.assertEqual(domain.pending_keys().count(), 2)
