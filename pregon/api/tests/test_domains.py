"""/api/v1/domains: add a sending domain, read the records to publish, verify them against a
real Knot server on loopback, rotate the DKIM keys; the screens' checks and audit entries."""

import unittest

from django.test import override_settings

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.domains.models import DomainStatus, SendingDomain
from pregon.sending.models import Backend, BackendKind
from pregon.testing.api import ApiTestCase
from pregon.testing.knot import have_knot, knot_server, txt


def published(domain: SendingDomain) -> list[tuple[str, str, str]]:
    """Every record the API proposes for ``domain``, in the zone of its From domain."""
    return [
        *[(f"{key.selector}._domainkey", "TXT", txt(key.dns_value)) for key in domain.keys.all()],
        ("rebotes", "TXT", txt("v=spf1 ip4:198.51.100.7 ~all")),
        ("rebotes", "MX", "10 rebotes.pregon.test."),
        ("_dmarc", "TXT", txt("v=DMARC1; p=none; rua=mailto:dmarc@bueno.test")),
    ]


@override_settings(BOUNCE_HOST="rebotes.pregon.test")
class DomainsApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        Backend.objects.create(name="Relay", kind=BackendKind.SMTP, host="198.51.100.7")
        self.admin = self.token_for(self.alice)

    def create(self, **payload: str) -> dict:
        response = self.call(
            "POST", "/domains", {"name": "bueno.test", **payload}, token=self.admin
        )
        self.assertEqual(response.status_code, 201, response.content)
        return response.json()

    def test_it_adds_a_domain_and_answers_with_the_records_to_publish(self) -> None:
        body = self.create(name="Bueno.TEST")

        self.assertEqual((body["name"], body["return_path"]), ("bueno.test", "rebotes.bueno.test"))
        self.assertEqual(body["status"], DomainStatus.UNVERIFIED)
        records = {(r["purpose"], r["type"], r["name"]): r for r in body["records"]}
        self.assertEqual(
            records[("spf", "TXT", "rebotes.bueno.test")]["value"], "v=spf1 ip4:198.51.100.7 ~all"
        )
        self.assertEqual(
            records[("return_path", "MX", "rebotes.bueno.test")]["value"],
            "10 rebotes.pregon.test.",
        )
        # Nothing at the From domain itself: its MX and SPF stay those of its own mail.
        self.assertFalse([r for r in body["records"] if r["name"] == "bueno.test"])
        dkim = [r for r in body["records"] if r["purpose"] == "dkim"]
        self.assertEqual(len(dkim), 2)
        self.assertEqual({r["state"] for r in body["records"]}, {"unchecked"})
        domain = SendingDomain.objects.get(name="bueno.test")
        self.assertEqual(domain.keys.filter(is_active=True).count(), 2)
        entry = AuditEntry.objects.get(action=AuditAction.DOMAIN_CHANGED)
        self.assertEqual(
            (entry.actor, entry.target, entry.detail["change"]), (self.alice, "bueno.test", "added")
        )

    def test_bad_input_is_a_422_by_field_and_nothing_is_added(self) -> None:
        self.create()
        for payload, field, error in (
            ({"name": "bueno"}, "name", "Write a domain such as example.com."),
            ({"name": "BUENO.test"}, "name", "This domain is already on the list."),
            (
                {"name": "otro.test", "return_path": "otro.test"},
                "return_path",
                "Bounces need a subdomain of their own",
            ),
            ({"name": "otro.test", "report_address": "no"}, "report_address", "email"),
            ({"name": "otro.test", "mx": "x"}, "mx", "not part of the API"),
        ):
            response = self.call("POST", "/domains", payload, token=self.admin)
            self.assertEqual(response.status_code, 422, payload)
            self.assertIn(error, " ".join(response.json()["errors"][field]), payload)
        self.assertEqual(SendingDomain.objects.count(), 1)
        response = self.call("GET", "/domains/not-a-code", token=self.admin)
        self.assertEqual(response.status_code, 404)
        self.assertIn("detail", response.json())

    def test_everybody_reads_only_administrators_change(self) -> None:
        code = self.create()["code"]
        analyst = self.token_for(self.charlie)
        for token in (self.token, analyst):
            self.assertEqual(self.call("GET", "/domains", token=token).status_code, 200)
            self.assertEqual(self.call("GET", f"/domains/{code}", token=token).status_code, 200)
            for path in ("/domains", f"/domains/{code}/verify", f"/domains/{code}/rotate-keys"):
                response = self.call("POST", path, {"name": "otro.test"}, token=token)
                self.assertEqual(response.status_code, 403, path)
                self.assertIn("role", response.json()["detail"])
        self.assertEqual(SendingDomain.objects.count(), 1)

    @unittest.skipUnless(have_knot(), "Knot DNS (knotd) is not installed")
    def test_verify_checks_every_record_in_the_dns(self) -> None:
        code = self.create()["code"]
        domain = SendingDomain.objects.get()
        records = [r for r in published(domain) if r[1] != "MX"]
        records.append(("rebotes", "MX", "10 mail.bueno.test."))
        with knot_server({"bueno.test": records}) as server:
            with override_settings(DNS_SERVERS=[server]):
                response = self.call("POST", f"/domains/{code}/verify", token=self.admin)

        body = response.json()
        self.assertEqual(body["status"], DomainStatus.PARTIAL)
        states = {r["purpose"]: r["state"] for r in body["records"]}
        self.assertEqual(states, {"dkim": "ok", "spf": "ok", "dmarc": "ok", "return_path": "wrong"})
        (mx,) = [r for r in body["records"] if r["purpose"] == "return_path"]
        self.assertIn("it must be rebotes.pregon.test", mx["message"])
        self.assertIn("Aligned", body["alignment"])

        with knot_server({"bueno.test": published(domain)}) as server:
            with override_settings(DNS_SERVERS=[server]):
                response = self.call("POST", f"/domains/{code}/verify", token=self.admin)
        self.assertEqual(response.json()["status"], DomainStatus.VERIFIED)
        self.assertEqual(AuditEntry.objects.filter(detail__change="verified").count(), 2)

    def test_dns_failures_are_said_in_the_reader_s_language(self) -> None:
        # Every test's DNS is a closed port (pregon/conftest.py): as if the DNS were down.
        code = self.create()["code"]
        self.client.cookies["pregon_language"] = "es"
        response = self.call("POST", f"/domains/{code}/verify", token=self.admin)

        body = response.json()
        self.assertEqual({r["state"] for r in body["records"]}, {"error"})
        for record in body["records"]:
            self.assertIn("no se pudo contactar a ningún servidor DNS", record["message"])
            self.assertNotIn("nameservers", record["message"])

    def test_rotating_the_keys_adds_keys_to_publish_once(self) -> None:
        code = self.create()["code"]
        response = self.call("POST", f"/domains/{code}/rotate-keys", token=self.admin)

        self.assertEqual(response.status_code, 200)
        pending = [r for r in response.json()["records"] if r["is_pending"]]
        self.assertEqual(len(pending), 2)
        response = self.call("POST", f"/domains/{code}/rotate-keys", token=self.admin)
        self.assertEqual(response.status_code, 409)
        self.assertIn("already under way", response.json()["detail"])
        self.assertEqual(AuditEntry.objects.filter(detail__change="keys rotated").count(), 1)

    def test_the_endpoints_are_in_the_openapi_document(self) -> None:
        paths = self.client.get("/api/v1/openapi.json").json()["paths"]
        self.assertEqual(sorted(paths["/api/v1/domains"]), ["get", "post"])
        self.assertEqual(paths["/api/v1/domains"]["get"]["tags"], ["domains"])
        for path in ("/api/v1/domains/{code}/verify", "/api/v1/domains/{code}/rotate-keys"):
            self.assertEqual(sorted(paths[path]), ["post"])
        self.assertIn("409", paths["/api/v1/domains/{code}/rotate-keys"]["post"]["responses"])
        self.assertIn("get", paths["/api/v1/domains/{code}"])

    def test_an_administrator_changes_the_bounce_subdomain(self) -> None:
        code = self.create()["code"]
        response = self.call(
            "PATCH", f"/domains/{code}", {"return_path": "Bounces.bueno.test"}, token=self.admin
        )
        self.assertEqual(response.status_code, 200)
        names = {r["name"] for r in response.json()["records"] if r["purpose"] != "dkim"}
        self.assertEqual(names, {"bounces.bueno.test", "_dmarc.bueno.test"})
        response = self.call(
            "PATCH", f"/domains/{code}", {"return_path": "bueno.test"}, token=self.admin
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("return_path", response.json()["errors"])
        response = self.call("PATCH", f"/domains/{code}", {"return_path": "x.bueno.test"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(SendingDomain.objects.get().return_path, "bounces.bueno.test")
