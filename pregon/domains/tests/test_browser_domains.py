"""The domain wizard in real Chromium, against a real Knot server on loopback, for the manual's
screenshots (docs/screenshots/domain-*.png, checklist.png): add a domain, copy its records,
verify with a record missing, publish it, verify again, read the checklist."""

import pytest
from django.test import override_settings

from pregon.accounts.models import Role, User
from pregon.domains.models import SendingDomain
from pregon.sending.models import Backend, BackendKind, SenderIdentity
from pregon.testing.browser import (
    BrowserTestCase,
    fits_width,
    screenshot,
)
from pregon.testing.knot import have_knot, knot_server, txt

ADMIN = "admin@capacitacion.gob.pe"
DOMAIN = "capacitacion.gob.pe"


def zone(domain: SendingDomain, with_dmarc: bool) -> dict:
    records = [
        *[(f"{key.selector}._domainkey", "TXT", txt(key.dns_value)) for key in domain.keys.all()],
        # The From domain keeps its own MX; SPF and MX for Pregón go on the bounce subdomain.
        ("@", "MX", "10 correo.capacitacion.gob.pe."),
        ("rebotes", "TXT", txt("v=spf1 a:relay.capacitacion.gob.pe ~all")),
        ("rebotes", "MX", "10 correo.capacitacion.gob.pe."),
        # The relay's address, for which SPF is evaluated.
        ("relay", "A", "198.51.100.20"),
    ]
    if with_dmarc:
        records.append(("_dmarc", "TXT", txt(f"v=DMARC1; p=none; rua=mailto:dmarc@{DOMAIN}")))
    return {DOMAIN: records}


@pytest.mark.browser
@pytest.mark.skipif(not have_knot(), reason="Knot DNS (knotd) is not installed")
@override_settings(SITE_URL="https://correo.capacitacion.gob.pe")
class DomainWizardBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(ADMIN, "correct horse battery staple", role=Role.ADMIN)
        Backend.objects.create(
            name="Relay", kind=BackendKind.SMTP, host="relay.capacitacion.gob.pe"
        )

    def test_add_publish_and_verify_a_domain(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(ADMIN) as (page, problems):
            page.goto(f"{base}/dominios/")
            page.click("#domain-new")
            expect(page.locator("#domain-steps [aria-current=step]")).to_have_count(1)
            page.fill("#id_name", "Capacitacion.gob.pe")
            page.fill("#id_report_address", f"reportes@{DOMAIN}")
            expect(page.locator("#id_return_path")).to_have_value("")
            self.assertTrue(fits_width(page))
            screenshot(page, "domain-new")
            page.click("#domain-form button[type=submit]")

            expect(page.locator("[data-record=dkim]")).to_have_count(2)
            domain = SendingDomain.objects.get(name=DOMAIN)
            first_value = page.locator("[data-record=dkim] textarea").first
            self.assertIn("v=DKIM1;", first_value.input_value())
            copy = page.locator("[data-record=dkim] button[data-copy-target]").nth(1)
            label = copy.get_attribute("data-copied-label")
            copy.click()
            expect(copy).to_have_text(label)
            self.assertTrue(fits_width(page))
            screenshot(page, "domain-records")

            with knot_server(zone(domain, with_dmarc=False)) as server:
                with override_settings(DNS_SERVERS=[server]):
                    page.click("#domain-verify")
                    expect(page.locator("[data-record=dmarc]")).to_have_attribute(
                        "data-state", "missing"
                    )
            expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "partial")
            expect(page.locator("[data-record=dkim][data-state=ok]")).to_have_count(2)
            page.locator("[data-record=dmarc]").scroll_into_view_if_needed()
            screenshot(page, "domain-verify-missing", full_page=False)

            with knot_server(zone(domain, with_dmarc=True)) as server:
                with override_settings(DNS_SERVERS=[server]):
                    page.click("#domain-verify")
                    expect(page.locator("h1 [data-status]")).to_have_attribute(
                        "data-status", "verified"
                    )
            expect(page.locator("#alignment [data-state=ok]")).to_have_count(1)
            screenshot(page, "domain-verified")

            SenderIdentity.objects.create(from_name="Escuela", from_email=f"cursos@{DOMAIN}")
            page.goto(f"{base}/dominios/entregabilidad/")
            expect(page.locator("#checklist [data-item=dkim]")).to_have_attribute(
                "data-state", "ok"
            )
            expect(page.locator("#checklist [data-item=one_click]")).to_have_attribute(
                "data-state", "ok"
            )
            self.assertTrue(fits_width(page))
            screenshot(page, "checklist")
        self.assertEqual(problems, [])
