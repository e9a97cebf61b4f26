"""The consumption page near the term's end, and the quota's settings, in real Chromium.

Saves the screenshots the manual shows: docs/screenshots/consumption-term.png (the months
with what each carried over, the warning, the ledger's incident line) and quota-settings.png.
"""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from pregon.accounts.models import Role, User
from pregon.sending import quota, quota_settings
from pregon.sending.models import QuotaDebit
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    fits_width,
    screenshot,
)
from pregon.testing.reports import reported_campaign

ADMIN = "admin@example.pe"
# What the institution sent in each month of the term so far.
USE = [
    31_200,
    46_800,
    50_000,
    22_400,
    38_900,
    61_300,
    44_000,
    57_700,
    49_100,
    65_000,
    70_200,
    12_600,
]


@pytest.mark.browser
@override_settings(QUOTA_MONTHLY=50_000, QUOTA_MONTHS=12)
class ConsumptionTermBrowserTestCase(BrowserTestCase):
    """Credentials delivered 346 days ago: the term ends in 20 days."""

    def setUp(self) -> None:
        super().setUp()
        self.admin = User.objects.create_user(ADMIN, PASSWORD, role=Role.ADMIN, name="Rosa")
        delivered = timezone.localdate() - datetime.timedelta(days=346)
        quota_settings.deliver_credentials(delivered, actor=self.admin)
        campaign = reported_campaign()
        for (start, _end), used in zip(quota.term().months, USE, strict=False):
            when = start + datetime.timedelta(days=3, hours=10)
            if when < timezone.now():
                QuotaDebit.objects.create(count=used, at=when, mailing=campaign.mailing)
        quota.credit(1_500, "Corte del relé el lunes: 1.500 mensajes sin enviar", self.admin)

    def test_the_page_near_the_term_s_end_and_the_settings(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(ADMIN) as (page, problems):
            page.goto(base + "/informes/consumo/")
            last_day = quota.term().last_day.date()
            days = (last_day - timezone.localdate()).days
            expect(page.locator("#term-warning")).to_have_attribute("data-days-left", str(days))
            expect(page.locator("#term-warning")).to_contain_text(f"dentro de {days} días")
            expect(page.locator("#quota-ledger")).to_contain_text("Curso de diciembre")
            expect(page.locator("#quota-ledger tr[data-kind=incident]")).to_have_count(1)
            expect(page.locator("#quota-months tr[data-current]")).to_have_count(1)
            drawn = page.evaluate(
                "[...document.querySelectorAll('canvas[data-chart]')]"
                ".filter((canvas) => window.Chart.getChart(canvas)).length"
            )
            self.assertEqual(drawn, 1)
            screenshot(page, "consumption-term")

            page.click("#quota-settings-link")
            expect(page.locator("input[name=credentials_delivered_on]")).to_have_value(
                quota.read_settings().credentials_delivered_on.isoformat()
            )
            screenshot(page, "quota-settings")
            page.check("input[name=expiry][value=monthly]")
            page.click("#quota-settings-form button[type=submit]")
            expect(page.locator(".alert-success")).to_contain_text("El plazo va del")
            expect(page.locator("#quota-plan")).to_contain_text("vencen con su mes")
            self.assertEqual(problems, [])

    def test_it_fits_a_phone(self) -> None:
        with self.signed_in(ADMIN, width=375, height=812) as (page, problems):
            page.goto(self.live_server_url + "/informes/consumo/")
            page.wait_for_load_state("networkidle")
            self.assertTrue(fits_width(page))
            self.assertEqual(problems, [])
