"""The sending domains screens: list, the add wizard, records to copy, Verify and rotation,
against a real Knot server on loopback."""

import unittest

from django.test import override_settings
from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.domains.models import DomainStatus, SendingDomain
from pregon.sending.models import Backend, BackendKind, SenderIdentity
from pregon.testing import BaseTestCase
from pregon.testing.knot import have_knot, knot_server, txt


def published(domain: SendingDomain, spf: str = "v=spf1 a:relay.bueno.test ~all") -> list:
    return [
        *[(f"{key.selector}._domainkey", "TXT", txt(key.dns_value)) for key in domain.keys.all()],
        ("rebotes", "TXT", txt(spf)),
        ("_dmarc", "TXT", txt("v=DMARC1; p=none; rua=mailto:dmarc@bueno.test")),
        ("rebotes", "MX", "10 mail.bueno.test."),
        # The relay sends from this address, which SPF is evaluated for.
        ("relay", "A", "198.51.100.7"),
    ]


class DomainPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        Backend.objects.create(name="Relay", kind=BackendKind.SMTP, host="relay.bueno.test")
        self.client.force_login(self.alice)

    def add(self, name: str = "bueno.test", **data: str) -> SendingDomain:
        response = self.client.post(reverse("domains:create"), {"name": name, **data})
        domain = SendingDomain.objects.get(name=name.lower())
        self.assertRedirects(response, reverse("domains:detail", args=[domain.code]))
        return domain

    def test_the_addresses_are_in_spanish(self) -> None:
        self.assertEqual(reverse("domains:index"), "/dominios/")
        self.assertEqual(reverse("domains:checklist"), "/dominios/entregabilidad/")

    def test_analysts_read_but_do_not_change(self) -> None:
        domain = self.add()
        self.client.force_login(self.charlie)
        self.assertContains(self.client.get(reverse("domains:index")), "bueno.test")
        response = self.client.get(reverse("domains:detail", args=[domain.code]))
        self.assertContains(response, domain.keys.first().dns_value)
        self.assertNotContains(response, 'id="domain-verify"')
        for name in ("verify", "rotate"):
            url = reverse(f"domains:{name}", args=[domain.code])
            self.assertEqual(self.client.post(url).status_code, 403)
        self.assertEqual(self.client.get(reverse("domains:create")).status_code, 403)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.post(reverse("domains:create")).status_code, 403)

    def test_adding_a_domain_makes_its_keys_and_shows_every_record(self) -> None:
        domain = self.add("Bueno.test", report_address="informes@bueno.test")

        self.assertEqual(domain.keys.filter(is_active=True).count(), 2)
        response = self.client.get(reverse("domains:detail", args=[domain.code]))
        for key in domain.keys.all():
            self.assertContains(response, f'value="{key.selector}._domainkey.bueno.test"')
            self.assertContains(response, key.dns_value)
        self.assertContains(response, "v=spf1 a:relay.bueno.test ~all")
        self.assertContains(response, "v=DMARC1; p=none; rua=mailto:informes@bueno.test")
        self.assertContains(response, "v=DMARC1; p=quarantine; rua=mailto:informes@bueno.test")
        self.assertContains(response, "v=DMARC1; p=reject; rua=mailto:informes@bueno.test")
        self.assertContains(response, 'href="/ayuda/dmarc/"')
        self.assertContains(response, "Not checked yet.")

    def test_a_bad_or_repeated_name_is_refused_in_plain_words(self) -> None:
        self.add()
        for name, error in (
            ("bueno", "Write a domain such as example.com."),
            ("no es un dominio.pe", "Write a domain such as example.com."),
            ("BUENO.test", "This domain is already on the list."),
        ):
            response = self.client.post(reverse("domains:create"), {"name": name})
            self.assertContains(response, error)
        self.assertEqual(SendingDomain.objects.count(), 1)

    def test_an_internationalised_domain_is_kept_in_punycode(self) -> None:
        self.client.post(reverse("domains:create"), {"name": "señal.test"})
        self.assertTrue(SendingDomain.objects.filter(name="xn--seal-hqa.test").exists())

    @unittest.skipUnless(have_knot(), "Knot DNS (knotd) is not installed")
    def test_verify_shows_each_record_found_missing_or_wrong(self) -> None:
        domain = self.add()
        records = published(domain, spf="v=spf1 include:_spf.google.com ~all")
        records = [record for record in records if record[0] != "_dmarc"]
        google = [("_spf", "TXT", txt("v=spf1 ip4:35.190.247.0/24 ~all"))]
        with (
            knot_server({"bueno.test": records, "google.com": google}) as server,
            override_settings(DNS_SERVERS=[server]),
        ):
            response = self.client.post(reverse("domains:verify", args=[domain.code]), follow=True)

        self.assertContains(response, "Some records of bueno.test are missing or wrong")
        self.assertContains(response, 'data-record="dkim"', count=2)
        self.assertContains(response, 'data-state="ok"', count=4)  # keys, MX, alignment
        self.assertContains(response, "No DMARC record at _dmarc.bueno.test.")
        # What to change: the SPF record with the relay added to what it had.
        self.assertContains(
            response, "v=spf1 include:_spf.google.com a:relay.bueno.test ~all", count=2
        )
        domain.refresh_from_db()
        self.assertEqual(domain.status, DomainStatus.PARTIAL)

    @unittest.skipUnless(have_knot(), "Knot DNS (knotd) is not installed")
    def test_a_domain_with_every_record_is_verified(self) -> None:
        domain = self.add()
        with knot_server({"bueno.test": published(domain)}) as server:
            with override_settings(DNS_SERVERS=[server]):
                url = reverse("domains:verify", args=[domain.code])
                response = self.client.post(url, follow=True)

        self.assertContains(response, "bueno.test is verified.")
        self.assertContains(response, 'data-status="verified"')
        self.assertContains(response, "Aligned: messages from bueno.test are DKIM-signed")
        listing = self.client.get(reverse("domains:index"))
        self.assertContains(listing, "Verified")

    @unittest.skipUnless(have_knot(), "Knot DNS (knotd) is not installed")
    def test_a_return_path_without_mx_is_told_why_it_is_not_verified(self) -> None:
        domain = self.add()
        records = [record for record in published(domain) if record[1] != "MX"]
        with knot_server({"bueno.test": records}) as server:
            with override_settings(DNS_SERVERS=[server]):
                url = reverse("domains:verify", args=[domain.code])
                response = self.client.post(url, follow=True)

        self.assertContains(response, 'data-status="partial"')
        self.assertContains(response, 'data-record="return_path"')
        self.assertContains(response, "rebotes.bueno.test has no MX record, so bounces")

    @unittest.skipUnless(have_knot(), "Knot DNS (knotd) is not installed")
    def test_an_spf_record_over_the_lookup_limit_is_explained_in_spanish(self) -> None:
        domain = self.add()
        includes = " ".join(f"include:s{n}.bueno.test" for n in range(11))
        records = published(domain, spf=f"v=spf1 a:relay.bueno.test {includes} ~all")
        records += [(f"s{n}", "TXT", txt(f"v=spf1 ip4:203.0.113.{n} -all")) for n in range(11)]
        with knot_server({"bueno.test": records}) as server:
            with override_settings(DNS_SERVERS=[server]):
                self.client.post(reverse("domains:verify", args=[domain.code]))
        self.use_spanish()
        response = self.client.get(reverse("domains:detail", args=[domain.code]))

        # The relay itself passes at the first term, but other senders get a permerror.
        self.assertContains(response, 'data-record="spf"  data-state="wrong"')
        self.assertContains(
            response, "El registro SPF de rebotes.bueno.test hace 12 consultas DNS; el máximo es 10"
        )

    def test_rotating_shows_the_new_keys_to_publish(self) -> None:
        domain = self.add()
        url = reverse("domains:rotate", args=[domain.code])
        response = self.client.post(url, follow=True)

        self.assertContains(response, "New DKIM keys created.")
        for key in domain.pending_keys():
            self.assertContains(response, key.dns_value)
        self.assertContains(response, "New key: rotation", count=2)
        response = self.client.post(url, follow=True)
        self.assertContains(response, "A key rotation is already under way")
        self.assertEqual(domain.keys.count(), 4)
        changes = AuditEntry.objects.filter(action=AuditAction.DOMAIN_CHANGED).order_by("at")
        self.assertEqual(
            [(entry.actor, entry.target, entry.detail["change"]) for entry in changes],
            [(self.alice, "bueno.test", "added"), (self.alice, "bueno.test", "keys rotated")],
        )

    def test_the_menu_and_the_senders_page_lead_here(self) -> None:
        domain = self.add()
        SenderIdentity.objects.create(from_name="Bueno", from_email="hola@bueno.test")
        response = self.client.get(reverse("home"))
        self.assertContains(response, 'href="/dominios/"')
        self.assertContains(response, 'href="/dominios/entregabilidad/"')
        response = self.client.get(reverse("sending:senders"))
        self.assertContains(response, f'href="/dominios/{domain.code}/"')
        self.assertContains(response, "Not verified")

    def test_the_wizard_proposes_a_bounce_subdomain_and_no_mx_on_the_from_domain(self) -> None:
        Backend.objects.create(name="Por IP", kind=BackendKind.SMTP, host="198.51.100.7")
        domain = self.add()
        self.assertEqual(domain.return_path, "rebotes.bueno.test")

        response = self.client.get(reverse("domains:detail", args=[domain.code]))
        rows = response.context["rows"]
        self.assertEqual(
            [(row.record.kind, row.record.name) for row in rows if row.record.code != "dkim"],
            [
                ("TXT", "rebotes.bueno.test"),
                ("TXT", "_dmarc.bueno.test"),
                ("MX", "rebotes.bueno.test"),
            ],
        )
        # An address is authorised with ip4:, a host name with a:.
        self.assertContains(response, "v=spf1 ip4:198.51.100.7 a:relay.bueno.test ~all")
        self.assertContains(response, "Do not add an MX to bueno.test itself")
        self.assertContains(response, "relaxed SPF alignment")

    def test_the_bounce_subdomain_may_be_chosen_but_not_the_from_domain(self) -> None:
        domain = self.add("bueno.test", return_path="Bounces.Bueno.test.")
        self.assertEqual(domain.return_path, "bounces.bueno.test")
        for return_path, error in (
            ("otro.test", "an MX record on otro.test would bring your own mail to Pregón"),
            ("no vale", "Write a subdomain such as rebotes.otro.test."),
        ):
            data = {"name": "otro.test", "return_path": return_path}
            response = self.client.post(reverse("domains:create"), data)
            self.assertContains(response, error)
        self.assertFalse(SendingDomain.objects.filter(name="otro.test").exists())

    @unittest.skipUnless(have_knot(), "Knot DNS (knotd) is not installed")
    def test_the_bounce_subdomain_s_mx_must_reach_the_bounce_host(self) -> None:
        domain = self.add()
        records = published(domain)
        with (
            override_settings(BOUNCE_HOST="rebotes.pregon.test"),
            knot_server({"bueno.test": records}) as server,
            override_settings(DNS_SERVERS=[server]),
        ):
            url = reverse("domains:verify", args=[domain.code])
            response = self.client.post(url, follow=True)
            self.assertContains(response, "10 rebotes.pregon.test.")
            self.assertContains(
                response, "The MX of rebotes.bueno.test is mail.bueno.test; for bounces to reach"
            )
            fixed = [r for r in records if r[1] != "MX"]
            fixed.append(("rebotes", "MX", "10 rebotes.pregon.test."))
        with (
            override_settings(BOUNCE_HOST="rebotes.pregon.test"),
            knot_server({"bueno.test": fixed}) as server,
            override_settings(DNS_SERVERS=[server]),
        ):
            response = self.client.post(url, follow=True)
        self.assertContains(response, "bueno.test is verified.")

    @unittest.skipUnless(have_knot(), "Knot DNS (knotd) is not installed")
    def test_without_a_bounce_host_the_domain_s_own_mail_server_is_proposed(self) -> None:
        domain = self.add()
        response = self.client.get(reverse("domains:detail", args=[domain.code]))
        self.assertContains(response, 'id="bounce-host-unknown"')
        records = [r for r in published(domain) if r[1] != "MX"]
        records.append(("@", "MX", "10 correo.bueno.test."))
        with knot_server({"bueno.test": records}) as server:
            with override_settings(DNS_SERVERS=[server]):
                url = reverse("domains:verify", args=[domain.code])
                response = self.client.post(url, follow=True)

        (mx,) = [row for row in response.context["rows"] if row.record.code == "return_path"]
        self.assertEqual(
            (mx.record.name, mx.value), ("rebotes.bueno.test", "10 correo.bueno.test.")
        )
        self.assertNotContains(response, 'id="bounce-host-unknown"')

    def test_dns_errors_are_said_in_spanish(self) -> None:
        # Every test's DNS is a closed port (pregon/conftest.py): as if the DNS were down.
        domain = self.add()
        self.client.post(reverse("domains:verify", args=[domain.code]))
        self.use_spanish()
        response = self.client.get(reverse("domains:detail", args=[domain.code]))

        self.assertContains(
            response,
            "No se pudo consultar el DNS sobre rebotes.bueno.test: no se pudo contactar a ningún "
            "servidor DNS.",
        )
        for english in ("nameservers", "refused", "Errno", "timed out", "answer"):
            self.assertNotContains(response, english)

    def test_an_administrator_changes_the_bounce_subdomain(self) -> None:
        domain = self.add()
        url = reverse("domains:return_path", args=[domain.code])
        response = self.client.post(url, {"return_path": "Bounces.Bueno.test"}, follow=True)

        self.assertContains(response, "Bounces now come back to bounces.bueno.test")
        self.assertContains(response, 'value="bounces.bueno.test"', count=3)  # SPF, MX, form
        domain.refresh_from_db()
        self.assertEqual(domain.return_path, "bounces.bueno.test")
        response = self.client.post(url, {"return_path": "bueno.test"}, follow=True)
        self.assertContains(response, "an MX record on bueno.test would bring your own mail")
        domain.refresh_from_db()
        self.assertEqual(domain.return_path, "bounces.bueno.test")
        entry = AuditEntry.objects.filter(detail__change="return path").get()
        self.assertEqual(entry.detail["return_path"], "bounces.bueno.test")
        self.client.force_login(self.bob)
        self.assertEqual(self.client.post(url, {"return_path": "x.bueno.test"}).status_code, 403)
