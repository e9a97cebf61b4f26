"""The SPF check evaluates the record as receivers do (pyspf), against a real Knot server on
loopback: include: and redirect= are followed, the DNS look-ups counted."""

import unittest

from django.test import TestCase, override_settings
from django.utils import translation

from pregon.domains import verification
from pregon.domains.models import SendingDomain
from pregon.testing.knot import have_knot, knot_server, txt

# The relay sends from 198.51.100.25 (TEST-NET-2, RFC 5737).
RELAY = verification.Expectations(spf_mechanisms=["ip4:198.51.100.25"])
PROVIDER = verification.Expectations(spf_mechanisms=["include:amazonses.com"])
AMAZON = {"amazonses.com": [("@", "TXT", txt("v=spf1 ip4:54.240.0.0/18 -all"))]}


@unittest.skipUnless(have_knot(), "Knot DNS (knotd) is not installed")
class SpfCheckTestCase(TestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))
        self.domain = SendingDomain.objects.create(name="bueno.test")

    def check(
        self, records: list, expectations: verification.Expectations = RELAY, **zones: list
    ) -> verification.Result:
        with knot_server({"bueno.test": records, **zones}) as server:
            with override_settings(DNS_SERVERS=[server]):
                results = verification.verify(self.domain, expectations)
        (spf,) = [result for result in results if result.code == verification.SPF]
        return spf

    def test_a_relay_authorised_only_through_include_passes(self) -> None:
        records = [
            ("rebotes", "TXT", txt("v=spf1 include:_spf.bueno.test -all")),
            ("_spf", "TXT", txt("v=spf1 ip4:198.51.100.0/24 -all")),
        ]
        spf = self.check(records)

        self.assertEqual(spf.state, verification.OK)
        self.assertEqual(
            spf.params["sources"],
            [{"mechanism": "ip4:198.51.100.25", "address": "198.51.100.25", "result": "pass"}],
        )
        self.assertEqual(
            spf.message,
            "SPF at rebotes.bueno.test authorises the relays in use. "
            "It makes 1 of the 10 DNS lookups allowed.",
        )

    def test_a_provider_included_two_levels_down_passes(self) -> None:
        records = [
            ("rebotes", "TXT", txt("v=spf1 include:_spf.bueno.test ~all")),
            ("_spf", "TXT", txt("v=spf1 include:amazonses.com -all")),
        ]
        spf = self.check(records, PROVIDER, **AMAZON)

        self.assertEqual(spf.state, verification.OK)
        self.assertEqual(spf.params["sources"][0]["address"], "54.240.0.0")

    def test_a_relay_authorised_through_redirect_passes(self) -> None:
        records = [
            ("rebotes", "TXT", txt("v=spf1 redirect=_spf.bueno.test")),
            ("_spf", "TXT", txt("v=spf1 ip4:198.51.100.25 -all")),
        ]
        self.assertEqual(self.check(records).state, verification.OK)

    def test_a_record_without_the_relay_fails_or_softfails(self) -> None:
        spf = self.check([("rebotes", "TXT", txt("v=spf1 ip4:203.0.113.7 -all"))])
        self.assertEqual((spf.state, spf.params["problem"]), (verification.WRONG, "fail"))
        self.assertEqual(
            spf.message,
            "With the SPF record of rebotes.bueno.test, receivers get “fail” for ip4:198.51.100.25 "
            "(198.51.100.25) and may reject the messages it sends. Change it to: "
            "v=spf1 ip4:203.0.113.7 ip4:198.51.100.25 -all",
        )

        spf = self.check([("rebotes", "TXT", txt("v=spf1 ip4:203.0.113.7 ~all"))])
        self.assertEqual(spf.params["problem"], "softfail")
        self.assertIn("may file the messages it sends as spam", spf.message)

    def test_a_relay_named_but_excluded_before_fails(self) -> None:
        # The text names the relay, but the evaluation stops at -all first.
        spf = self.check([("rebotes", "TXT", txt("v=spf1 -all ip4:198.51.100.25"))])

        self.assertEqual(spf.params["problem"], "fail")

    def test_more_than_ten_lookups_is_a_permerror_with_the_count(self) -> None:
        includes = " ".join(f"include:s{n}.bueno.test" for n in range(12))
        records = [("rebotes", "TXT", txt(f"v=spf1 ip4:198.51.100.25 {includes} -all"))]
        records += [(f"s{n}", "TXT", txt(f"v=spf1 ip4:203.0.113.{n} -all")) for n in range(12)]
        spf = self.check(records)

        self.assertEqual(
            (spf.state, spf.params["problem"]), (verification.WRONG, "too_many_lookups")
        )
        self.assertEqual(spf.params["lookups"], 12)
        self.assertIn("makes 12 DNS lookups; the maximum is 10", spf.message)
        with translation.override("es"):
            self.assertIn("hace 12 consultas DNS; el máximo es 10", spf.message)

    def test_names_that_do_not_exist_are_void_lookups(self) -> None:
        names = " ".join(f"a:{name}.bueno.test" for name in ("uno", "dos", "tres"))
        spf = self.check([("rebotes", "TXT", txt(f"v=spf1 {names} ip4:198.51.100.25 -all"))])

        self.assertEqual((spf.state, spf.params["problem"]), (verification.WRONG, "void_lookups"))
        self.assertIn("more than 2 domains that do not exist", spf.message)

    def test_a_wrong_term_is_named(self) -> None:
        spf = self.check(
            [("rebotes", "TXT", txt("v=spf1 ip4:198.51.100.25 ipv4:203.0.113.7 -all"))]
        )

        self.assertEqual((spf.state, spf.params["problem"]), (verification.WRONG, "invalid"))
        self.assertIn("ipv4:203.0.113.7. Correct or remove that term.", spf.message)

    def test_a_record_that_lets_anybody_send_is_open(self) -> None:
        spf = self.check([("rebotes", "TXT", txt("v=spf1 ip4:198.51.100.25 ip4:0.0.0.0/0 -all"))])

        self.assertEqual(spf.params["problem"], "open")

    def test_no_record_is_missing(self) -> None:
        spf = self.check([("rebotes", "TXT", txt("otra cosa"))])

        self.assertEqual(spf.state, verification.MISSING)
        self.assertEqual(
            spf.message,
            "No SPF record at rebotes.bueno.test. Publish: v=spf1 ip4:198.51.100.25 ~all",
        )

    def test_an_include_the_dns_cannot_answer_for_is_not_the_users_fault(self) -> None:
        # Knot serves only bueno.test: asked about another domain, it refuses.
        spf = self.check([("rebotes", "TXT", txt("v=spf1 include:_spf.otro.test -all"))])

        self.assertEqual(spf.state, verification.ERROR)
        self.assertIn("The DNS could not be asked about rebotes.bueno.test", spf.message)
