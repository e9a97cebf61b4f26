"""The DNS checks of a sending domain against a real Knot server on loopback, serving zones
with the right records, none, and wrong ones."""

import unittest

from django.test import TestCase, override_settings
from django.utils import translation

from pregon.domains import verification
from pregon.domains.models import DomainStatus, SendingDomain
from pregon.testing.domains import RELAY_ZONES, RELAYS, right_records
from pregon.testing.knot import have_knot, knot_server, txt


def by_code(results: list[verification.Result], code: str) -> list[verification.Result]:
    return [result for result in results if result.code == code]


@unittest.skipUnless(have_knot(), "Knot DNS (knotd) is not installed")
class DomainChecksTestCase(TestCase):
    def setUp(self) -> None:
        # The results are worded in the reader's language; these tests read them in English.
        self.enterContext(translation.override("en"))
        self.domain = SendingDomain.objects.create(name="bueno.test")
        self.domain.add_keys()

    def verify(
        self, records: list, expectations: verification.Expectations = RELAYS, **zones: list
    ):
        with knot_server({"bueno.test": records, **RELAY_ZONES, **zones}) as server:
            with override_settings(DNS_SERVERS=[server]):
                results = verification.verify(self.domain, expectations)
        self.domain.apply_results([result.stored() for result in results])
        return results

    def test_right_records_verify_the_domain(self) -> None:
        results = self.verify(right_records(self.domain))

        self.assertEqual({result.state for result in results}, {verification.OK})
        self.assertEqual(len(by_code(results, verification.DKIM)), 2)
        self.assertEqual(self.domain.status, DomainStatus.VERIFIED)
        self.assertIsNotNone(self.domain.checked_at)
        (dmarc,) = by_code(results, verification.DMARC)
        self.assertEqual(dmarc.message, "DMARC is published with the policy p=none.")
        (alignment,) = by_code(results, verification.ALIGNMENT)
        self.assertTrue(alignment.params["spf_aligned"])
        self.assertIn("both DKIM and SPF count for DMARC", alignment.message)

    def test_missing_records_are_named_with_what_to_publish(self) -> None:
        results = self.verify([])

        states = {(result.code, result.state) for result in results}
        self.assertEqual(
            states,
            {
                (verification.DKIM, verification.MISSING),
                (verification.SPF, verification.MISSING),
                (verification.DMARC, verification.MISSING),
                (verification.RETURN_PATH, verification.MISSING),
                (verification.ALIGNMENT, verification.WRONG),
            },
        )
        self.assertEqual(self.domain.status, DomainStatus.UNVERIFIED)
        (spf,) = by_code(results, verification.SPF)
        self.assertEqual(
            spf.message,
            "No SPF record at rebotes.bueno.test. Publish: "
            "v=spf1 include:amazonses.com a:relay.example.test ~all",
        )
        (dmarc,) = by_code(results, verification.DMARC)
        self.assertIn("v=DMARC1; p=none; rua=mailto:dmarc@bueno.test", dmarc.message)

    def test_a_different_or_revoked_dkim_key_is_wrong(self) -> None:
        rsa = self.domain.keys.get(algorithm="rsa")
        ed25519 = self.domain.keys.get(algorithm="ed25519")
        other = SendingDomain.objects.create(name="otro.test")
        other.add_keys()
        records = [
            (f"{rsa.selector}._domainkey", "TXT", txt(other.keys.get(algorithm="rsa").dns_value)),
            (f"{ed25519.selector}._domainkey", "TXT", txt("v=DKIM1; k=ed25519; p=")),
        ]
        results = self.verify(records)

        problems = {r.params["selector"]: r.params["problem"] for r in by_code(results, "dkim")}
        self.assertEqual(problems, {rsa.selector: "other_key", ed25519.selector: "revoked"})
        self.assertNotEqual(self.domain.status, DomainStatus.VERIFIED)

    def test_an_spf_record_without_the_relays_gets_them_added(self) -> None:
        records = [("rebotes", "TXT", txt("v=spf1 include:_spf.google.com -all"))]
        google = {"google.com": [("_spf", "TXT", txt("v=spf1 ip4:35.190.247.0/24 ~all"))]}
        (spf,) = by_code(self.verify(records, **google), verification.SPF)

        # Evaluated for each relay's address, as receivers do: -all fails both.
        self.assertEqual((spf.state, spf.params["problem"]), (verification.WRONG, "fail"))
        self.assertEqual(
            [(source["mechanism"], source["address"]) for source in spf.params["failing"]],
            [("include:amazonses.com", "54.240.0.0"), ("a:relay.example.test", "198.51.100.25")],
        )
        # What to publish keeps what the record had, and its -all.
        self.assertEqual(
            spf.params["expected"],
            "v=spf1 include:_spf.google.com include:amazonses.com a:relay.example.test -all",
        )

    def test_an_open_or_doubled_spf_record_is_wrong(self) -> None:
        (spf,) = by_code(self.verify([("rebotes", "TXT", txt("v=spf1 +all"))]), verification.SPF)
        self.assertEqual(spf.params["problem"], "open")
        doubled = [
            ("rebotes", "TXT", txt("v=spf1 -all")),
            ("rebotes", "TXT", txt("v=spf1 mx -all")),
        ]
        (spf,) = by_code(self.verify(doubled), verification.SPF)
        self.assertEqual(spf.params["problem"], "several")
        self.assertIn("receivers ignore them all", spf.message)

    def test_a_dmarc_record_without_a_valid_policy_is_wrong(self) -> None:
        records = [("_dmarc", "TXT", txt("v=DMARC1; p=maybe"))]
        (dmarc,) = by_code(self.verify(records), verification.DMARC)

        self.assertEqual((dmarc.state, dmarc.params["problem"]), (verification.WRONG, "policy"))

    def test_a_return_path_domain_must_send_bounces_to_the_bounce_host(self) -> None:
        expectations = verification.Expectations(
            spf_mechanisms=["a:relay.example.test"],
            return_path_domain="rebotes.bueno.test",
            bounce_host="bounces.pregon.test",
        )
        records = [
            ("rebotes", "MX", "10 mail.bueno.test."),
            ("rebotes", "TXT", txt("v=spf1 a:relay.example.test ~all")),
        ]
        results = self.verify(records, expectations)

        (return_path,) = by_code(results, verification.RETURN_PATH)
        self.assertEqual(return_path.params["problem"], "other_host")
        self.assertIn("it must be bounces.pregon.test", return_path.message)
        # SPF is looked up where receivers look: the return path's domain.
        (spf,) = by_code(results, verification.SPF)
        self.assertEqual((spf.params["name"], spf.state), ("rebotes.bueno.test", verification.OK))

        records[0] = ("rebotes", "MX", "10 bounces.pregon.test.")
        (return_path,) = by_code(self.verify(records, expectations), verification.RETURN_PATH)
        self.assertEqual(return_path.state, verification.OK)

    def test_a_return_path_on_another_domain_aligns_through_dkim_only(self) -> None:
        expectations = verification.Expectations(return_path_domain="rebotes.pregon.test")
        (alignment,) = by_code(self.verify(right_records(self.domain), expectations), "alignment")

        self.assertEqual(alignment.state, verification.OK)
        self.assertFalse(alignment.params["spf_aligned"])
        self.assertIn("SPF does not count for DMARC", alignment.message)

    def test_when_the_dns_does_not_answer_the_status_stays(self) -> None:
        self.verify(right_records(self.domain))
        # Nothing listens on port 9: every look-up fails instead of finding nothing.
        with override_settings(DNS_SERVERS=["127.0.0.1:9"]):
            results = verification.verify(self.domain, RELAYS)
        self.domain.apply_results([result.stored() for result in results])

        self.assertIn(verification.ERROR, {result.state for result in results})
        self.assertIn(
            "The DNS could not be asked about", by_code(results, verification.SPF)[0].message
        )
        self.assertEqual(self.domain.status, DomainStatus.VERIFIED)
