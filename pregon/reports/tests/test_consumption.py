import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import override_settings
from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.sending import quota
from pregon.sending.models import QuotaDebit, QuotaGrant
from pregon.testing import BaseTestCase
from pregon.testing.reports import reported_campaign

LIMA = ZoneInfo("America/Lima")


@override_settings(QUOTA_MONTHLY=50_000, QUOTA_MONTHS=12, QUOTA_START="2026-11-10")
class ConsumptionTestCase(BaseTestCase):
    """The plan from 10 November 2026, seen on 15 December: 800 messages of the campaign
    "Curso de diciembre" in November, 1,200 of it in December and 300 of a mailing since
    deleted; bob credited 500 back in November (November's plan grant has begun)."""

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(
            time_machine.travel(datetime.datetime(2026, 12, 15, 12, tzinfo=LIMA), tick=False)
        )
        campaign = reported_campaign()
        november = datetime.datetime(2026, 11, 20, 9, tzinfo=LIMA)
        with time_machine.travel(november, tick=False):
            quota.ensure_plan()
            quota.credit(500, "Relé caído el 19 de noviembre", self.bob)
        QuotaDebit.objects.create(count=800, at=november, mailing=campaign.mailing)
        QuotaDebit.objects.create(count=1_000, mailing=campaign.mailing)
        QuotaDebit.objects.create(count=200, mailing=campaign.mailing)
        QuotaDebit.objects.create(count=300, mailing=None)
        self.url = reverse("reports:consumption")
        self.client.force_login(self.alice)

    def test_the_old_address_leads_here(self) -> None:
        self.assertEqual(self.url, "/informes/consumo/")
        self.assertRedirects(self.client.get("/envio/cuota/"), self.url, status_code=301)

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        self.client.logout()
        self.assertIn("/cuenta/", self.client.get(self.url)["Location"])

    def test_everyone_sees_the_figures_and_only_administrators_the_credit_form(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            response = self.client.get(self.url)
            self.assertContains(response, 'data-balance="48500"')
            self.assertContains(response, 'id="quota-months"')
            self.assertContains(response, 'id="quota-ledger"')
            self.assertNotContains(response, 'id="credit-form"')
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(self.url), 'id="credit-form"')

    def test_the_month_the_term_and_the_balance(self) -> None:
        figures = self.client.get(self.url).context["figures"]
        self.assertEqual(figures.monthly, 50_000)
        self.assertEqual(figures.term_start, datetime.datetime(2026, 11, 10, tzinfo=LIMA))
        self.assertEqual(figures.term_end, datetime.datetime(2027, 11, 1, tzinfo=LIMA))
        self.assertEqual(figures.used_this_month, 1_500)
        self.assertEqual(figures.used_in_term, 2_300)
        self.assertEqual(figures.credited_in_term, 500)
        self.assertEqual(figures.granted_so_far, 100_500)
        self.assertEqual(figures.balance, 48_500)

    def test_administrators_see_the_plan_month_by_month(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'data-balance="48500"')
        months = response.context["figures"].months
        self.assertEqual(len(months), 12)
        current = [month for month in months if month.is_current]
        self.assertEqual(len(current), 1)
        self.assertEqual(current[0].start, datetime.datetime(2026, 12, 1, tzinfo=LIMA))
        self.assertEqual((current[0].used, current[0].left), (1_500, 48_500))
        self.assertEqual((months[0].plan, months[0].credited, months[0].used), (50_000, 500, 800))
        self.assertTrue(months[0].is_past)
        self.assertContains(response, "Dec. 1, 2026 – Dec. 31, 2026")  # noqa: RUF001
        self.assertContains(response, "at the end of Dec. 31, 2026.")
        self.assertContains(response, 'data-used="1500"')
        self.assertContains(response, 'data-left="48500"')

    def test_the_usage_chart_is_granted_against_used_per_month(self) -> None:
        response = self.client.get(self.url)
        chart = response.context["chart"]
        self.assertEqual(chart["labels"][:2], ["November 2026", "December 2026"])
        granted, used = chart["datasets"]
        self.assertEqual(granted["data"][:3], [50_500, 50_000, 50_000])
        # Months to come have no use yet, rather than a use of 0.
        self.assertEqual(used["data"], [800, 1_500])
        self.assertContains(response, 'id="usage-chart"')
        self.assertContains(response, "vendor/chartjs/chart.umd.min.js")

    def test_the_ledger_says_who_credited_and_what_used_the_messages(self) -> None:
        response = self.client.get(self.url)
        ledger = [(entry.kind, entry.amount) for entry in response.context["ledger"]]
        self.assertEqual(
            sorted(ledger),
            sorted(
                [
                    ("plan", 50_000),
                    ("plan", 50_000),
                    ("credit", 500),
                    ("usage", -800),
                    ("usage", -1_200),
                    ("usage", -300),
                ]
            ),
        )
        self.assertEqual(response.context["ledger"][0].kind, "usage")
        self.assertContains(response, "Relé caído el 19 de noviembre")
        self.assertContains(response, "granted by bob@example.org")
        self.assertContains(response, "Curso de diciembre")
        self.assertContains(response, "a mailing since deleted")

    def test_it_speaks_spanish(self) -> None:
        self.use_spanish()
        response = self.client.get(self.url)
        self.assertContains(response, "diciembre de 2026")
        self.assertContains(response, "Plan mensual")
        self.assertEqual(response.context["chart"]["labels"][1], "diciembre de 2026")

    def test_it_keeps_to_a_few_queries(self) -> None:
        # Session, user and two-factor device; the plan's existing grants; the months
        # (grants, one sum per month of debits); the balance (2); the ledger (grants, usage);
        # the SMS balance (grants, debits).
        with self.assertNumQueries(12):
            self.client.get(self.url)

    def test_an_administrator_credits_messages_back_with_a_reason(self) -> None:
        data = {"amount": "300", "reason": "Relé caído el 14 de diciembre"}
        response = self.client.post(self.url, data, follow=True)
        self.assertRedirects(response, "/informes/consumo/")
        self.assertContains(response, "300 messages credited back until the end of the month.")
        self.assertContains(response, 'data-balance="48800"')
        self.assertContains(response, "Relé caído el 14 de diciembre")
        grant = QuotaGrant.objects.get(kind=QuotaGrant.CREDIT, amount=300)
        self.assertEqual((grant.amount, grant.created_by), (300, self.alice))
        self.assertEqual(grant.ends_at, datetime.datetime(2027, 1, 1, tzinfo=LIMA))
        entry = AuditEntry.objects.get(action=AuditAction.QUOTA_CREDIT)
        self.assertEqual(entry.target, "300")
        self.assertEqual(entry.actor, self.alice)
        self.assertEqual(entry.detail, {"reason": "Relé caído el 14 de diciembre", "messages": 300})

    def test_bad_credits_are_refused_and_nothing_is_saved(self) -> None:
        for data, field, message in (
            ({"amount": "300", "reason": "  "}, "reason", "This field is required."),
            ({"amount": "0", "reason": "Incidente"}, "amount", "greater than or equal to 1"),
            ({"amount": "muchos", "reason": "Incidente"}, "amount", "Enter a whole number."),
        ):
            with self.subTest(data=data):
                response = self.client.post(self.url, data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.context["form"].errors[field][0])
        self.assertEqual(QuotaGrant.objects.filter(kind=QuotaGrant.CREDIT).count(), 1)
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.QUOTA_CREDIT).exists())

    def test_editors_and_analysts_may_not_credit(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            response = self.client.post(self.url, {"amount": "300", "reason": "Por si acaso"})
            self.assertEqual(response.status_code, 403)
        self.assertEqual(QuotaGrant.objects.filter(kind=QuotaGrant.CREDIT).count(), 1)

    def test_nothing_can_be_credited_after_the_plan(self) -> None:
        with time_machine.travel(datetime.datetime(2028, 1, 5, tzinfo=LIMA), tick=False):
            self.client.force_login(self.alice)  # The session of 2026 has expired.
            response = self.client.post(self.url, {"amount": "300", "reason": "Incidente"})
        self.assertContains(response, "The plan has no current month: nothing can be credited.")
        self.assertEqual(QuotaGrant.objects.filter(kind=QuotaGrant.CREDIT).count(), 1)
