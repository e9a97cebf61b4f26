"""The account's report screens in real Chromium: the overview, the consumption of the plan
and a contact's history (loaded into the contact's page by htmx), with their charts drawn,
on a desktop and at a phone's width.

Saves the screenshots the manual shows (docs/screenshots/overview.png, consumption.png,
contact-history.png and their -phone versions).
"""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from pregon.accounts import audit
from pregon.accounts.models import AuditAction, Role, User
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.contacts.models import ConsentSource, Contact
from pregon.content.models import BrandKit
from pregon.sending import quota
from pregon.sending.models import Backend, BackendKind, Mailing, Message, QuotaDebit
from pregon.testing import drafts
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    fits_width,
    screenshot,
)
from pregon.testing.reports import at, reported_campaign
from pregon.tracking.models import Event, EventKind

ADMIN = "admin@example.pe"


def months_ago(months: int) -> datetime.date:
    today = timezone.localdate()
    month = today.month - 1 - months
    return datetime.date(today.year + month // 12, month % 12 + 1, 1)


@pytest.mark.browser
@override_settings(QUOTA_MONTHLY=20_000, QUOTA_MONTHS=12, QUOTA_START=str(months_ago(3)))
class AccountReportsBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.admin = User.objects.create_user(ADMIN, PASSWORD, role=Role.ADMIN, name="Rosa")
        self.campaign = reported_campaign()
        self.earlier_campaigns()
        self.audience()
        quota.ensure_plan()
        now = timezone.now()
        for months, used in ((3, 14_200), (2, 18_900), (1, 20_000)):
            day = months_ago(months) + datetime.timedelta(days=12)
            when = datetime.datetime.combine(day, datetime.time(10), tzinfo=now.tzinfo)
            QuotaDebit.objects.create(count=used, at=when, mailing=self.campaign.mailing)
        QuotaDebit.objects.create(count=6_350, mailing=self.campaign.mailing)
        quota.credit(1_500, "Corte del relé el lunes: 1.500 mensajes sin enviar", self.admin)
        self.set_up_the_rest()

    def set_up_the_rest(self) -> None:
        """What the first-run checklist asks of an account in use, so that the dashboard
        shows its figures alone: a brand kit, a relay, a test send and a template."""
        BrandKit.objects.update_or_create(
            pk=1,
            defaults={
                "name": "Escuela Nacional de Control",
                "website_url": "https://escuela.example.gob.pe",
                "address": "Av. Arequipa 123, Lima",
            },
        )
        Backend.objects.create(
            name="Relé de la entidad", kind=BackendKind.SMTP, host="127.0.0.1", port=2525
        )
        Campaign.objects.filter(pk=self.campaign.pk).update(tested_at=timezone.now())
        drafts.template()

    def earlier_campaigns(self) -> None:
        """Three campaigns before the reported one, with fewer and fewer opens."""
        sender = self.campaign.sender
        for n, (name, opened) in enumerate(
            [("Boletín de setiembre", 6), ("Boletín de octubre", 5), ("Webinar de compras", 3)]
        ):
            mailing = Mailing.objects.create(subject=name, html="", text="", sender=sender)
            started = at(0) - datetime.timedelta(days=30 - 7 * n)
            Campaign.objects.create(
                name=name,
                subject=name,
                status=CampaignStatus.SENT,
                mailing=mailing,
                started_at=started,
            )
            for person in range(8):
                contact = Contact.objects.get(email=f"persona{person}@example.pe")
                message = Message.objects.create(
                    mailing=mailing,
                    contact=contact,
                    email=contact.email,
                    status="sent",
                    sent_at=started,
                )
                later = started + datetime.timedelta(hours=2)
                if person < opened:
                    Event.objects.create(kind=EventKind.OPENED, message=message, at=later)
                if person < opened // 2:
                    Event.objects.create(kind=EventKind.CLICKED, message=message, at=later, link=0)

    def audience(self) -> None:
        """People joining over the last weeks, some leaving."""
        now = timezone.now()
        sources = [ConsentSource.FORM, ConsentSource.IMPORT, ConsentSource.API]
        for n in range(60):
            Contact.objects.create(
                email=f"alumno{n}@example.pe",
                consent_source=sources[n % 3],
                created_at=now - datetime.timedelta(days=(n * 7) % 80, hours=n % 5),
            )
        for n in range(9):
            entry = audit.record(None, AuditAction.UNSUBSCRIBE, f"alumno{n}@example.pe")
            type(entry).objects.filter(pk=entry.pk).update(at=now - datetime.timedelta(days=n * 6))

    def test_the_three_screens(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(ADMIN) as (page, problems):
            page.goto(base + "/")
            expect(page.locator("#campaigns-compared tbody tr")).to_have_count(4)
            expect(page.locator("#getting-started")).to_have_count(0)
            self.assert_charts_drawn(page, 2)
            screenshot(page, "overview")

            page.goto(base + "/informes/consumo/")
            expect(page.locator("#quota-ledger")).to_contain_text("Corte del relé")
            self.assert_charts_drawn(page, 1)
            screenshot(page, "consumption")

            contact = Contact.objects.get(email="persona3@example.pe")
            page.goto(f"{base}/contactos/{contact.code}/")
            expect(page.locator("#history-table tbody tr")).to_have_count(10)
            page.locator("#history-title").scroll_into_view_if_needed()
            screenshot(page, "contact-history")
            self.assertEqual(problems, [])

    def test_they_fit_a_phone(self) -> None:
        base = self.live_server_url
        contact = Contact.objects.get(email="persona3@example.pe")
        with self.signed_in(ADMIN, width=375, height=812) as (page, problems):
            for path, name in [
                ("/", "overview-phone"),
                ("/informes/consumo/", "consumption-phone"),
                (f"/contactos/{contact.code}/", "contact-history-phone"),
            ]:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                self.assertTrue(fits_width(page), path)
                screenshot(page, name, full_page=False)
            self.assertEqual(problems, [])

    def assert_charts_drawn(self, page: object, count: int) -> None:
        drawn = page.evaluate(
            "[...document.querySelectorAll('canvas[data-chart]')]"
            ".filter((canvas) => window.Chart.getChart(canvas)).length"
        )
        self.assertEqual(drawn, count)
