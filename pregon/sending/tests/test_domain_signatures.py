"""A message the engine builds and signs with a domain's keys verifies with dkimpy and with
OpenDKIM (``opendkim-testmsg``), both finding the public keys in a real Knot on loopback."""

import unittest

import dkim
from django.test import TestCase, override_settings

from pregon.domains import dns
from pregon.sending import deliverability
from pregon.sending.models import SenderIdentity
from pregon.testing.knot import have_knot, have_opendkim, knot_server, opendkim_verify, txt


def with_only_signature(message: bytes, keep: int) -> bytes:
    """``message`` keeping only its ``keep``-th DKIM-Signature (the others are removed:
    our signatures do not cover each other)."""
    head, _, body = message.partition(b"\r\n\r\n")
    fields: list[list[bytes]] = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            fields[-1].append(line)
        else:
            fields.append([line])
    signatures = [f for f in fields if f[0].lower().startswith(b"dkim-signature:")]
    kept = [f for f in fields if f not in signatures or f is signatures[keep]]
    return b"\r\n".join(b"\r\n".join(f) for f in kept) + b"\r\n\r\n" + body


@unittest.skipUnless(have_knot(), "Knot DNS (knotd) is not installed")
class DomainSignaturesTestCase(TestCase):
    def setUp(self) -> None:
        self.sender = SenderIdentity.objects.create(from_name="Bueno", from_email="hola@bueno.test")
        self.zones = {
            "bueno.test": [
                (f"{key.selector}._domainkey", "TXT", txt(key.dns_value))
                for key in self.sender.domain.keys.all()
            ]
        }
        self.message = deliverability.sample_message(self.sender)

    def test_both_signatures_verify_with_dkimpy(self) -> None:
        def dns_from_knot(name: bytes, timeout: int = 5) -> bytes:
            return "".join(dns.txt(name.decode())).encode()

        with knot_server(self.zones) as server, override_settings(DNS_SERVERS=[server]):
            verifier = dkim.DKIM(self.message)
            results = [verifier.verify(idx=i, dnsfunc=dns_from_knot) for i in range(2)]
            tampered = dkim.DKIM(self.message.replace(b"Subject: Checklist", b"Subject: Otro"))
            self.assertFalse(tampered.verify(idx=1, dnsfunc=dns_from_knot))
        self.assertEqual(results, [True, True])
        ed25519 = self.message.index(b"a=ed25519-sha256")
        self.assertLess(ed25519, self.message.index(b"a=rsa-sha256"))

    @unittest.skipUnless(have_opendkim(), "opendkim-testmsg or unshare is not installed")
    def test_each_signature_verifies_with_opendkim(self) -> None:
        for index, algorithm in enumerate((b"a=ed25519-sha256", b"a=rsa-sha256")):
            with self.subTest(algorithm=algorithm):
                single = with_only_signature(self.message, index)
                self.assertEqual(single.count(b"DKIM-Signature:"), 1)
                self.assertIn(algorithm, single)
                verified = opendkim_verify(single, self.zones)
                self.assertEqual(verified.returncode, 0, verified.stderr.decode())

                tampered = single.replace(b"Subject: Checklist", b"Subject: Otro")
                self.assertNotEqual(opendkim_verify(tampered, self.zones).returncode, 0)

    @unittest.skipUnless(have_opendkim(), "opendkim-testmsg or unshare is not installed")
    def test_opendkim_fails_without_the_published_key(self) -> None:
        single = with_only_signature(self.message, 1)
        verified = opendkim_verify(single, {"bueno.test": []})
        self.assertNotEqual(verified.returncode, 0)
