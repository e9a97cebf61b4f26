"""Hand-built campaign messages, read back with Python's email parser and verified with dkimpy."""

import datetime
import email
import email.policy
import re
from email.message import EmailMessage

import dkim
from django.test import SimpleTestCase

from pregon.lib.dkim import Signer, generate_key, sign_message
from pregon.testing.mime import HTML, MAILTO, TEXT, UNSUBSCRIBE, build, builder


def parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def bodies(data: bytes) -> tuple[str, str]:
    """The text and HTML parts, decoded, with the parser's CRLF line ends turned into LF."""
    message = parse(data)
    text, html = message.iter_parts()
    assert text.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    return text.get_content().replace("\r\n", "\n"), html.get_content().replace("\r\n", "\n")


class HeadersTestCase(SimpleTestCase):
    def test_every_header_decodes_to_what_was_given(self) -> None:
        date = datetime.datetime(
            2026, 11, 25, 9, 30, tzinfo=datetime.timezone(-datetime.timedelta(hours=5))
        )
        message = parse(
            build(
                builder(reply_to="consultas@example.gob.pe", extra_headers={"X-Curso": "Gestión"}),
                to_name="Ana María Pérez",
                subject="¡Inscripción abierta! Cursos de diciembre",
                date=date,
            )
        )
        self.assertEqual(
            message["From"], "Escuela Nacional de Administración Pública <boletin@example.gob.pe>"
        )
        self.assertEqual(
            message["From"].addresses[0].display_name, "Escuela Nacional de Administración Pública"
        )
        self.assertEqual(message["To"], "Ana María Pérez <ana@example.org>")
        self.assertEqual(message["Subject"], "¡Inscripción abierta! Cursos de diciembre")
        self.assertEqual(message["Date"].datetime, date)
        self.assertEqual(message["Date"], "Wed, 25 Nov 2026 09:30:00 -0500")
        self.assertEqual(message["Message-ID"], "<m1.c42@example.gob.pe>")
        self.assertEqual(message["Reply-To"], "consultas@example.gob.pe")
        self.assertEqual(message["List-Unsubscribe"], f"<{UNSUBSCRIBE}>, <{MAILTO}>")
        self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertEqual(message["List-Id"], "Boletín de cursos <boletin.42.example.gob.pe>")
        self.assertEqual(message["Feedback-ID"], "42:campaign:pregon")
        self.assertEqual(message["X-Curso"], "Gestión")
        self.assertEqual(message["MIME-Version"], "1.0")
        self.assertEqual(message.get_content_type(), "multipart/alternative")
        self.assertEqual(message.defects, [])

    def test_optional_headers_are_left_out(self) -> None:
        message = parse(build(list_unsubscribe_mailto=None, to_name=""))
        self.assertNotIn("Reply-To", message)
        self.assertEqual(message["To"], "ana@example.org")
        self.assertEqual(message["List-Unsubscribe"], f"<{UNSUBSCRIBE}>")

    def test_the_date_defaults_to_now(self) -> None:
        sent = parse(build())["Date"].datetime
        now = datetime.datetime.now(datetime.UTC)
        self.assertLess(abs((now - sent).total_seconds()), 5)

    def test_a_list_id_may_have_no_description(self) -> None:
        self.assertEqual(
            parse(build(builder(list_id="boletin.42.example.gob.pe")))["List-Id"],
            "<boletin.42.example.gob.pe>",
        )

    def test_names_with_specials_and_quotes_stay_one_mailbox(self) -> None:
        for name in (
            "Pérez, Ana",
            "Doe, John",
            'Ana "la jefa" Q.',
            "=?utf-8?q?no?=",
            "O'Brien (TI)",
            "  ",
        ):
            with self.subTest(name):
                to = parse(build(to_name=name))["To"]
                self.assertEqual(len(to.addresses), 1)
                self.assertEqual(to.addresses[0].display_name, name.strip())
                self.assertEqual(to.addresses[0].addr_spec, "ana@example.org")

    def test_subjects_come_back_exactly(self) -> None:
        for subject in (
            "Plain ASCII",
            "  spaces   inside  ",
            "=?utf-8?q?looks_encoded?= but is not",
            "Ñandú, ¿qué tal? " * 12,
            "日本語の件名と絵文字 🎓📚",
            "x" * 1200,
            "",
        ):
            with self.subTest(subject[:20]):
                self.assertEqual(parse(build(subject=subject))["Subject"], subject.lstrip())

    def test_header_lines_are_folded_within_76_characters(self) -> None:
        data = build(
            builder(from_name="Ñ" * 90),
            to_name="Ana María de los Ángeles Pérez-Villanueva de la Torre y Sotomayor",
            subject="Inscripción abierta: curso de gestión pública, ¡no te lo pierdas! " * 3,
            list_unsubscribe_mailto=None,
        )
        head = data.split(b"\r\n\r\n")[0]
        lines = head.split(b"\r\n")
        self.assertTrue(
            all(len(line) <= 76 for line in lines), [line for line in lines if len(line) > 76]
        )
        self.assertTrue(all(line.strip() for line in lines))
        for word in re.findall(rb"=\?[^?]+\?[qb]\?[^?]*\?=", head):
            self.assertLessEqual(len(word), 75)

    def test_an_idn_domain_is_sent_as_its_a_label(self) -> None:
        self.assertEqual(
            parse(build(to_address="ana@señal.pe"))["To"].addresses[0].addr_spec,
            "ana@xn--seal-hqa.pe",
        )

    def test_only_crlf_line_ends(self) -> None:
        data = build(text="uno\ndos\r\ntres\rcuatro")
        self.assertEqual(data.count(b"\n"), data.count(b"\r\n"))
        self.assertEqual(data.count(b"\r"), data.count(b"\r\n"))


class BodiesTestCase(SimpleTestCase):
    def assertRoundTrips(self, text: str, html: str) -> None:
        data = build(text=text, html=html)
        normal = [value.replace("\r\n", "\n").replace("\r", "\n") for value in (text, html)]
        self.assertEqual(list(bodies(data)), normal)
        body = data.split(b"\r\n\r\n", 1)[1]
        for line in body.split(b"\r\n"):
            self.assertLessEqual(len(line), 76)
            self.assertTrue(line.isascii())
        self.assertEqual(parse(data).defects, [])

    def test_both_parts_are_quoted_printable_utf8(self) -> None:
        for part in parse(build()).iter_parts():
            self.assertEqual(part.get_content_charset(), "utf-8")
            self.assertEqual(part["Content-Transfer-Encoding"], "quoted-printable")
        self.assertEqual(bodies(build()), (TEXT, HTML))

    def test_tricky_bodies_come_back_exactly(self) -> None:
        cases = {
            "non-ASCII": "Ñandú — ¿qué? 日本 🎓\n",
            "long line": "palabra " * 300 + "\n" + "x" * 2000,
            "dots": ".\n.linea con punto\n..\n. \n",
            "equals": "a=b\n=\n==3D\n=41\nx" + "=" * 100 + "\n",
            "From": "From here\nFrom\nFrom me to you\n>From\n" + "From " * 30,
            "whitespace": "trailing  \ntab\t\n \t \n\tlead\n  ",
            "CRLF": "uno\r\ndos\r\n\r\ntres",
            "CR": "uno\rdos\r",
            "controls": "nul\x00bell\x07\x0c",
            "empty": "",
            "no final break": "fin",
        }
        for name, value in cases.items():
            with self.subTest(name):
                self.assertRoundTrips(value, f"<p>{value}</p>")

    def test_from_at_a_line_start_is_escaped_for_mbox(self) -> None:
        data = build(text="From the start\nand From inside\n" + "y" * 73 + "From x")
        self.assertNotIn(b"\nFrom ", data.split(b"\r\n\r\n", 1)[1].replace(b"\r\n", b"\n"))

    def test_the_boundary_is_not_in_the_bodies(self) -> None:
        data = build(text="--=_ prefix =_ and -- lines\n--\n", html="<p>=_</p>")
        boundary = parse(data).get_boundary()
        self.assertTrue(boundary.startswith("=_"))
        # Content-Type, two delimiters and the close delimiter.
        self.assertEqual(data.count(boundary.encode()), 4)
        self.assertTrue(data.endswith(f"\r\n--{boundary}--\r\n".encode()))

    def test_a_20_kb_html_message(self) -> None:
        row = (
            '<tr><td style="padding:8px;font-family:Arial">'
            "Curso número {n}: Gestión pública, módulo = {n}</td></tr>"
        )
        html = "<table>" + "".join(row.format(n=n) for n in range(200)) + "</table>"
        text = "\n".join(f"Curso número {n}" for n in range(100))
        self.assertGreater(len(html.encode()), 20_000)
        self.assertRoundTrips(text, html)


class RenderedPartsTestCase(SimpleTestCase):
    """Bodies given as the parts a template rendered them in, as the engine gives them."""

    def assertSameBodies(self, message_builder, text: list[str], html: list[str]) -> None:
        data = build(message_builder, text=text, html=html)
        self.assertEqual(bodies(data), ("".join(text), "".join(html)))
        for line in data.split(b"\r\n\r\n", 1)[1].split(b"\r\n"):
            self.assertLessEqual(len(line), 76)
            self.assertTrue(line.isascii())
            self.assertFalse(line.endswith((b" ", b"\t")))
        self.assertNotIn(b"\nFrom ", data)
        self.assertEqual(parse(data).defects, [])

    def test_each_recipient_gets_the_body_the_parts_make(self) -> None:
        constant = [
            "x" * length + end
            for length in range(70, 80)
            for end in ("", "é", " ", "\t", "=", "\n", " \n")
        ]
        constant += [
            "<p>" + "Gestión pública = módulo 1; " * 40 + "</p>",
            "From here\nFrom\n" + "línea larga " * 20,
            "  espacios al final  \n\n",
            ".\n..punto\n",
        ]
        message_builder = builder()
        # The same constant parts for several recipients (kept after the second), each
        # recipient's own values between them, as a template renders them.
        for name in ["Ana", "", "José María", "From Lima", "x" * 100, "Ana"]:
            values = [name, f"https://x.pe/t/{len(name)}-{name[:3]}", "=\n", " "]
            parts = [
                piece
                for number, part in enumerate(constant)
                for piece in (part, values[number % len(values)])
            ]
            with self.subTest(name=name):
                self.assertSameBodies(message_builder, parts[:40], parts)

    def test_short_parts_only_are_encoded_as_the_whole_body(self) -> None:
        parts = ["Hola ", "Ana", ", ¿te inscribes? = sí\n", "", "Fin"]
        encoded = [
            [part.get_payload() for part in parse(build(text=text, html=text)).iter_parts()]
            for text in (parts, "".join(parts))
        ]
        self.assertEqual(encoded[0], encoded[1])

    def test_empty_parts_and_no_parts(self) -> None:
        self.assertSameBodies(builder(), [], ["", "<p>", "", "</p>", ""])

    def test_a_line_end_split_between_parts_stays_one(self) -> None:
        data = build(text=["uno\r", "\ndos"], html=["<p>\r", "\n</p>"])
        self.assertEqual(bodies(data), ("uno\ndos", "<p>\n</p>"))

    def test_signed_parts_verify(self) -> None:
        key = generate_key("rsa")
        signer = Signer("example.gob.pe", "sel", key.private_pem)
        message_builder = builder()
        for name in ["Ana", "Luis", "Rosa"]:
            data = sign_message(
                build(message_builder, html=["<p>Hola " * 30, name, "</p>\n" * 20]), [signer]
            )
            self.assertTrue(dkim.verify(data, dnsfunc=lambda *_args, **_kw: key.dns_value.encode()))

    def test_messages_signed_as_they_are_built_verify(self) -> None:
        # The builder's signatures hash the body from the canonical form of the parts kept
        # from earlier messages: dkimpy hashes each message's body afresh.
        key = generate_key("ed25519")
        signer = Signer("example.gob.pe", "sel", key.private_pem)
        constant = [
            "<p>" + "Gestión  pública\t= módulo 1;   " * 8 + "</p>  \n",
            "  espacios al final  \n\n\n",
            ".\n..punto\n" + "x" * 75 + " ",
            "   \t \n" * 30,
            "\n\n\n" * 30,
        ]
        message_builder = builder()
        for name in ["Ana", "", "  José  María ", "Luis\t", "\n\n", "Ana"]:
            parts = [piece for part in constant for piece in (part, name)]
            with self.subTest(name=name):
                data = build(message_builder, text=parts, html=parts[1:], signers=[signer])
                self.assertTrue(
                    dkim.verify(data, dnsfunc=lambda *_args, **_kw: key.dns_value.encode())
                )
                self.assertEqual(bodies(data), ("".join(parts), "".join(parts[1:])))


class HeaderInjectionTestCase(SimpleTestCase):
    def test_line_breaks_in_values_become_spaces(self) -> None:
        message = parse(
            build(
                builder(
                    from_name="Escuela\r\nBcc: victima@example.org",
                    extra_headers={"X-Curso": "uno\ndos\rBcc: otra@example.org"},
                ),
                to_name="Ana\nBcc: x@example.org",
                subject="Hola\r\nBcc: y@example.org\r\n\r\ncuerpo falso",
            )
        )
        self.assertNotIn("Bcc", message)
        self.assertEqual(message["Subject"], "Hola  Bcc: y@example.org    cuerpo falso")
        self.assertEqual(message["To"].addresses[0].display_name, "Ana Bcc: x@example.org")
        self.assertEqual(message["X-Curso"], "uno dos Bcc: otra@example.org")
        self.assertEqual(message["From"].addresses[0].addr_spec, "boletin@example.gob.pe")
        self.assertEqual(bodies(build())[0], TEXT)

    def test_unicode_line_separators_cannot_break_a_header(self) -> None:
        message = parse(build(subject="a\u2028b\x85c\u2029d"))
        self.assertEqual(message["Subject"], "a b c d")

    def test_addresses_must_be_one_plain_address(self) -> None:
        for address in (
            "ana@example.org, eve@example.org",
            "Eve <eve@example.org>",
            "<ana@example.org>",
            "ana@example.org>",
            "ana@example.org\r\nBcc: eve@example.org",
            "ana@example.org\n",
            '"ana eve"@example.org',
            "ana@[192.0.2.1]",
            "ana(comment)@example.org",
            "ana",
            "@example.org",
            "ana@",
            "ana@@example.org",
            "a" * 65 + "@example.org",
            "",
        ):
            with self.subTest(address):
                with self.assertRaises(ValueError):
                    build(to_address=address)
                with self.assertRaises(ValueError):
                    builder(from_address=address)
                if address:  # An empty Reply-To means none.
                    with self.assertRaises(ValueError):
                        builder(reply_to=address)

    def test_header_names_must_be_printable_ascii_without_a_colon(self) -> None:
        for name in ("X-Bad:Name", "X Bad", "X-Ñ", "X-Bad\r\nBcc", "", "X-\x7f"):
            with self.subTest(name):
                with self.assertRaises(ValueError):
                    builder(extra_headers={name: "v"})

    def test_extra_headers_may_not_repeat_the_builders_own(self) -> None:
        for name in ("From", "to", "SUBJECT", "Content-Type", "List-Unsubscribe"):
            with self.subTest(name):
                with self.assertRaises(ValueError):
                    builder(extra_headers={name: "v"})

    def test_message_ids_list_ids_and_unsubscribe_uris_are_checked(self) -> None:
        bad_builds = [
            {"message_id": "<m1@example.gob.pe>"},
            {"message_id": "m1@example.gob.pe\r\nBcc: eve@example.org"},
            {"message_id": "no-at-sign"},
            {"list_unsubscribe_url": "https://x.pe/u>, <https://evil.example"},
            {"list_unsubscribe_url": "https://x.pe/u\r\nBcc: eve@example.org"},
            {"list_unsubscribe_url": "https://x.pe/a b"},
            {"list_unsubscribe_mailto": "mailto:baja@x.pe>"},
        ]
        for options in bad_builds:
            with self.subTest(options):
                with self.assertRaises(ValueError):
                    build(**options)
        for list_id in ("Boletín <>", "Boletín <a b.pe>", "sin-punto", "Boletín <x.pe> <y.pe>"):
            with self.subTest(list_id):
                with self.assertRaises(ValueError):
                    builder(list_id=list_id)


class SignedMessageTestCase(SimpleTestCase):
    def test_dkim_signatures_over_a_built_message_verify(self) -> None:
        keys = {algorithm: generate_key(algorithm) for algorithm in ("ed25519", "rsa")}
        signers = [
            Signer("example.gob.pe", f"s{algorithm}", key.private_pem)
            for algorithm, key in keys.items()
        ]
        records = {
            f"s{algorithm}._domainkey.example.gob.pe.".encode(): key.dns_value.encode()
            for algorithm, key in keys.items()
        }

        def dns(name: bytes, timeout: int = 5) -> bytes:
            return records[name]

        data = build(
            builder(reply_to="consultas@example.gob.pe"),
            subject="Inscripción abierta: curso de gestión pública, ¡no te lo pierdas! " * 2,
            html=HTML * 200,
        )
        signed = sign_message(data, signers)
        self.assertTrue(dkim.DKIM(signed).verify(0, dnsfunc=dns))
        self.assertTrue(dkim.DKIM(signed).verify(1, dnsfunc=dns))
        for header in (
            "list-unsubscribe",
            "list-unsubscribe-post",
            "list-id",
            "feedback-id",
            "reply-to",
        ):
            self.assertIn(header.encode(), signed.split(b"bh=")[0])
        self.assertEqual(bodies(signed), (TEXT, HTML * 200))
