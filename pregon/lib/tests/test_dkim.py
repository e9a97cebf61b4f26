"""DKIM keys and signatures, verified by dkimpy (a second implementation) with no network."""

import base64
import re
from collections.abc import Callable

import dkim
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from django.test import SimpleTestCase

from pregon.lib.dkim import BodyHasher, DkimKey, Signer, generate_key, sign_message, sign_parts

DOMAIN = "example.gob.pe"

MESSAGE = (
    b"From: =?utf-8?q?Escuela_de_Gesti=C3=B3n?= <boletin@example.gob.pe>\r\n"
    b"To: Ana <ana@example.org>\r\n"
    b"Subject: Cursos de diciembre\r\n"
    b"Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n"
    b"Message-ID: <1.2@example.gob.pe>\r\n"
    b"List-Unsubscribe: <https://correo.example.gob.pe/t/u/abc>\r\n"
    b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
    b"X-Mailer: Pregon\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Hola Ana,\r\n"
    b"\r\n"
    b"estos son los cursos.\r\n"
)


def dns_for(*pairs: tuple[Signer, DkimKey]) -> Callable[..., bytes]:
    """A dnsfunc for dkimpy that answers only the signers' own TXT names."""
    records = {
        f"{signer.selector}._domainkey.{signer.domain}.".encode(): key.dns_value.encode()
        for signer, key in pairs
    }

    def lookup(name: bytes, timeout: int = 5) -> bytes:
        return records[name]

    return lookup


def tags(header: bytes) -> dict[str, str]:
    value = header.split(b":", 1)[1].decode()
    pairs = (part.split("=", 1) for part in value.split(";") if part.strip())
    return {name.strip(): re.sub(r"\s+", "", tag_value) for name, tag_value in pairs}


class DkimTestCase(SimpleTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.rsa_key = generate_key("rsa")
        cls.ed_key = generate_key("ed25519")
        cls.rsa = Signer(DOMAIN, "pregon202611r", cls.rsa_key.private_pem)
        cls.ed = Signer(DOMAIN, "pregon202611e", cls.ed_key.private_pem)
        cls.dns = staticmethod(dns_for((cls.rsa, cls.rsa_key), (cls.ed, cls.ed_key)))

    def signed(self, signer: Signer, message: bytes) -> bytes:
        return signer.sign(message) + message

    def assertVerifies(self, message: bytes) -> None:
        for signer in (self.rsa, self.ed):
            with self.subTest(signer.algorithm):
                self.assertTrue(dkim.verify(self.signed(signer, message), dnsfunc=self.dns))


class GenerateKeyTestCase(DkimTestCase):
    def test_rsa_keys_are_2048_bits_and_publish_their_subject_public_key_info(self) -> None:
        key = serialization.load_pem_private_key(self.rsa_key.private_pem.encode(), None)
        self.assertIsInstance(key, rsa.RSAPrivateKey)
        self.assertEqual(key.key_size, 2048)
        self.assertTrue(self.rsa_key.private_pem.startswith("-----BEGIN PRIVATE KEY-----"))
        record = tags(b"k:" + self.rsa_key.dns_value.encode())
        self.assertEqual((record["v"], record["k"]), ("DKIM1", "rsa"))
        public = serialization.load_der_public_key(base64.b64decode(record["p"]))
        self.assertEqual(public.public_numbers(), key.public_key().public_numbers())

    def test_ed25519_keys_publish_the_raw_32_byte_public_key(self) -> None:
        key = serialization.load_pem_private_key(self.ed_key.private_pem.encode(), None)
        self.assertIsInstance(key, ed25519.Ed25519PrivateKey)
        record = tags(b"k:" + self.ed_key.dns_value.encode())
        self.assertEqual((record["v"], record["k"]), ("DKIM1", "ed25519"))
        raw = base64.b64decode(record["p"])
        self.assertEqual(len(raw), 32)
        public = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.assertEqual(raw, public)

    def test_dkimpy_parses_both_records(self) -> None:
        for name, value in ((b"r", self.rsa_key.dns_value), (b"e", self.ed_key.dns_value)):
            with self.subTest(value[:20]):
                self.assertIsNotNone(dkim.evaluate_pk(name, value.encode()))

    def test_every_key_is_new(self) -> None:
        self.assertNotEqual(generate_key("ed25519"), generate_key("ed25519"))

    def test_it_rejects_other_algorithms(self) -> None:
        with self.assertRaises(ValueError):
            generate_key("dsa")


class SignerTestCase(DkimTestCase):
    def test_rsa_signatures_verify(self) -> None:
        signed = self.signed(self.rsa, MESSAGE)
        self.assertTrue(dkim.verify(signed, dnsfunc=self.dns))
        self.assertEqual(self.rsa.algorithm, "rsa")
        self.assertEqual(tags(self.rsa.sign(MESSAGE))["a"], "rsa-sha256")

    def test_ed25519_signatures_verify(self) -> None:
        signed = self.signed(self.ed, MESSAGE)
        self.assertTrue(dkim.verify(signed, dnsfunc=self.dns))
        self.assertEqual(self.ed.algorithm, "ed25519")
        self.assertEqual(tags(self.ed.sign(MESSAGE))["a"], "ed25519-sha256")

    def test_a_changed_body_fails(self) -> None:
        for signer in (self.rsa, self.ed):
            with self.subTest(signer.algorithm):
                signed = self.signed(signer, MESSAGE).replace(b"los cursos", b"las cursos")
                self.assertFalse(dkim.verify(signed, dnsfunc=self.dns))

    def test_a_changed_subject_fails(self) -> None:
        for signer in (self.rsa, self.ed):
            with self.subTest(signer.algorithm):
                signed = self.signed(signer, MESSAGE).replace(b"de diciembre", b"de enero")
                self.assertFalse(dkim.verify(signed, dnsfunc=self.dns))

    def test_an_added_unsigned_header_still_verifies(self) -> None:
        signed = self.signed(self.rsa, MESSAGE)
        self.assertTrue(dkim.verify(b"Received: by relay\r\n" + signed, dnsfunc=self.dns))

    def test_it_signs_the_listed_headers_that_are_present_and_unsubscribe_ones(self) -> None:
        header = self.rsa.sign(MESSAGE)
        signed = tags(header)["h"].split(":")
        self.assertEqual(
            signed,
            [
                "from",
                "to",
                "subject",
                "date",
                "message-id",
                "mime-version",
                "content-type",
                "list-unsubscribe",
                "list-unsubscribe-post",
            ],
        )

    def test_the_signature_is_relaxed_folded_and_timestamped(self) -> None:
        with time_machine.travel(1795600000, tick=False):
            header = self.rsa.sign(MESSAGE)
        self.assertTrue(header.startswith(b"DKIM-Signature: v=1; "))
        self.assertTrue(header.endswith(b"\r\n"))
        lines = header[:-2].split(b"\r\n")
        self.assertTrue(all(len(line) <= 78 for line in lines), lines)
        self.assertTrue(all(line.startswith(b" ") for line in lines[1:]), lines)
        found = tags(header)
        self.assertEqual(found["c"], "relaxed/relaxed")
        self.assertEqual((found["d"], found["s"]), (DOMAIN, "pregon202611r"))
        self.assertEqual(found["t"], "1795600000")
        self.assertEqual(len(base64.b64decode(found["b"])), 256)

    def test_one_signer_signs_many_messages_each_with_its_own_time_and_body(self) -> None:
        # A signer keeps the header it writes for a list of signed headers: each message
        # still gets its own t= and bh=, and a message with other headers its own h=.
        other = MESSAGE.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", b"")
        for at, message in [
            (1795600000, MESSAGE),
            (1795600001, MESSAGE.replace(b"los cursos", b"las fechas")),
            (1795600002, other),
            (1795600003, MESSAGE),
        ]:
            for signer in (self.rsa, self.ed):
                with self.subTest(at=at, algorithm=signer.algorithm):
                    with time_machine.travel(at, tick=False):
                        signed = self.signed(signer, message)
                    self.assertTrue(dkim.verify(signed, dnsfunc=self.dns))
                    self.assertEqual(tags(signed.split(b"\r\nFrom:")[0])["t"], str(at))

    def test_folded_and_whitespace_heavy_headers_verify(self) -> None:
        message = (
            b"FROM:   Ana  \t <ana@example.gob.pe>  \r\n"
            b"Subject: una\r\n"
            b"  \t l\xc3\xadnea   plegada\r\n"
            b"\tdos veces \r\n"
            b"to:b@example.org\r\n"
            b"\r\n"
            b"cuerpo\r\n"
        )
        self.assertVerifies(message)

    def test_encoded_words_verify(self) -> None:
        message = MESSAGE.replace(
            b"Subject: Cursos de diciembre",
            b"Subject: =?utf-8?q?Inscripci=C3=B3n_abierta=3A_curso_de_gesti=C3=B3n_p?=\r\n"
            b" =?utf-8?b?w7pibGljYQ==?=",
        )
        self.assertVerifies(message)

    def test_a_body_without_a_final_line_break_verifies(self) -> None:
        self.assertVerifies(MESSAGE + b"sin salto final")

    def test_an_empty_body_verifies(self) -> None:
        head = MESSAGE.split(b"\r\n\r\n")[0] + b"\r\n"
        for message in (head, head + b"\r\n", head + b"\r\n\r\n\r\n"):
            with self.subTest(message[-6:]):
                self.assertVerifies(message)

    def test_whitespace_and_empty_lines_at_the_end_are_ignored_as_relaxed_says(self) -> None:
        message = MESSAGE + b"dos  espacios \t y\ttab \r\n  \r\n\r\n"
        signed = self.signed(self.ed, message)
        self.assertTrue(dkim.verify(signed, dnsfunc=self.dns))
        relaxed_equal = signed.replace(b"dos  espacios \t y\ttab \r\n  \r\n", b"dos espacios y tab")
        self.assertTrue(dkim.verify(relaxed_equal, dnsfunc=self.dns))

    def test_messages_with_bare_line_feeds_are_signed_as_sent(self) -> None:
        message = MESSAGE.replace(b"\r\n", b"\n")
        self.assertVerifies(message)
        crlf = self.rsa.sign(message) + MESSAGE
        self.assertTrue(dkim.verify(crlf, dnsfunc=self.dns))

    def test_a_header_present_twice_is_signed_twice(self) -> None:
        message = b"To: otra@example.org\r\n" + MESSAGE
        header = self.ed.sign(message)
        self.assertEqual(tags(header)["h"].split(":")[:3], ["from", "to", "to"])
        self.assertTrue(dkim.verify(header + message, dnsfunc=self.dns))

    def test_it_needs_a_from_header(self) -> None:
        with self.assertRaises(ValueError):
            self.rsa.sign(MESSAGE.replace(b"From:", b"Sender:"))

    def test_it_rejects_a_header_block_that_is_not_headers(self) -> None:
        with self.assertRaises(ValueError):
            self.rsa.sign(b"From: a@example.org\r\nno colon here\r\n\r\nbody")

    def test_it_rejects_names_that_are_not_ascii_dns_names(self) -> None:
        for domain, selector in (
            ("señal.pe", "s"),
            ("example.org; x=y", "s"),
            ("example.org", "s 1"),
            ("", "s"),
        ):
            with self.subTest(domain=domain, selector=selector):
                with self.assertRaises(ValueError):
                    Signer(domain, selector, self.ed_key.private_pem)

    def test_it_rejects_keys_that_are_neither_rsa_nor_ed25519(self) -> None:
        pem = (
            ec.generate_private_key(ec.SECP256R1())
            .private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            .decode()
        )
        with self.assertRaises(ValueError):
            Signer(DOMAIN, "s", pem)


class DualSigningTestCase(DkimTestCase):
    def test_both_signatures_verify(self) -> None:
        signed = sign_message(MESSAGE, [self.ed, self.rsa])
        self.assertTrue(dkim.DKIM(signed).verify(0, dnsfunc=self.dns))
        self.assertTrue(dkim.DKIM(signed).verify(1, dnsfunc=self.dns))
        first, second = re.findall(rb"a=([\w-]+);", signed)
        self.assertEqual((first, second), (b"ed25519-sha256", b"rsa-sha256"))

    def test_it_is_each_signature_in_front_of_the_message(self) -> None:
        with time_machine.travel(1795600000, tick=False):
            signed = sign_message(MESSAGE, [self.ed, self.rsa])
            by_hand = self.ed.sign(MESSAGE) + self.rsa.sign(MESSAGE) + MESSAGE
        # Ed25519 signatures are deterministic; PKCS#1 v1.5 ones are too.
        self.assertEqual(signed, by_hand)

    def test_neither_signature_covers_the_other(self) -> None:
        signed = sign_message(MESSAGE, [self.ed, self.rsa])
        self.assertNotIn("dkim-signature", tags(self.rsa.sign(MESSAGE))["h"])
        without_ed = signed[signed.index(b"DKIM-Signature", 10) :]
        self.assertTrue(dkim.verify(without_ed, dnsfunc=self.dns))


def sent(message: bytes) -> bytes:
    """``message`` as a receiver gets it: SMTP ends the data with CRLF. (dkimpy hashes a
    body's last line without it as it is, trailing whitespace and all.)"""
    return message if message.endswith(b"\r\n") else message + b"\r\n"


class SignPartsTestCase(DkimTestCase):
    """A message given as its header fields and its body in chunks, as the engine's
    builder gives it: the body's hash comes from a BodyHasher that keeps the chunks that
    repeat, so every chunking of every body must hash as dkimpy hashes the whole."""

    HEAD, _, BODY = MESSAGE.partition(b"\r\n\r\n")
    BODIES = [
        b"",
        b"\r\n",
        b"\r\n\r\n\r\n",
        b"sin final",
        b"espacio al final ",
        b"Hola  Ana,\t \r\n  sangr\xc3\xada  \r\n\r\n \r\n\t\r\n",
        (b"l\xc3\xadnea   con  espacios \t\r\n" * 5 + b"\r\n") * 3 + b"fin \t ",
    ]

    def chunkings(self, body: bytes) -> list[list[bytes]]:
        # Whole lines, and cuts anywhere: in a run of spaces, between CR and LF, before
        # the final empty lines.
        lines = body.splitlines(keepends=True)
        cuts = [[body[:cut], body[cut:]] for cut in range(0, len(body) + 1, 7)]
        return [[body], lines, *cuts, [body[i : i + 3] for i in range(0, len(body), 3)]]

    def test_every_chunking_verifies_with_a_hasher_that_keeps_chunks(self) -> None:
        hasher = BodyHasher()
        for body in self.BODIES:
            for chunks in self.chunkings(body) * 2:
                with self.subTest(body=body, chunks=chunks):
                    signed = sign_parts(self.HEAD + b"\r\n", chunks, [self.ed, self.rsa], hasher)
                    verifier = dkim.DKIM(sent(signed))
                    self.assertTrue(verifier.verify(idx=0, dnsfunc=self.dns))
                    self.assertTrue(verifier.verify(idx=1, dnsfunc=self.dns))
                    self.assertTrue(signed.endswith(self.HEAD + b"\r\n\r\n" + body))

    def test_long_chunks_that_repeat_are_kept_and_still_hash_right(self) -> None:
        hasher = BodyHasher()
        constant = b"texto  constante de la plantilla \t\r\n" * 10
        for name in [b"Ana", b"Ana", b"  Jos\xc3\xa9 ", b"Ana"]:
            chunks = [constant, b"Hola " + name + b"\r\n", constant, name]
            with self.subTest(name=name):
                signed = sign_parts(self.HEAD + b"\r\n", chunks, [self.ed], hasher)
                self.assertTrue(dkim.verify(sent(signed), dnsfunc=self.dns))
