import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.sending import quota, unreached
from pregon.sending.models import (
    Mailing,
    MailingStatus,
    Message,
    QuotaDebit,
    QuotaExpiry,
    QuotaGrant,
    QuotaSettings,
)
from pregon.testing import BaseTestCase, drafts
from pregon.testing.reports import reported_campaign

LIMA = ZoneInfo("America/Lima")


def cancelled_for_lack_of_messages() -> Campaign:
    """A campaign the quota paused, then cancelled: of its 5 messages 1 was sent, 1
    deferred until its retries ran out, 1 refused, and 2 never left."""
    campaign = drafts.draft(name="Webinar de compras")
    mailing = Mailing.objects.create(
        subject="Webinar",
        html="",
        text="",
        sender=campaign.sender,
        status=MailingStatus.CANCELLED,
        pause_reason="quota",
    )
    for n, (status, code) in enumerate(
        [("sent", 250), ("failed", 451), ("failed", 550), ("queued", None), ("queued", None)]
    ):
        Message.objects.create(
            mailing=mailing, email=f"webinar{n}@example.pe", status=status, smtp_code=code
        )
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.CANCELLED, mailing=mailing, finished_at=timezone.now()
    )
    QuotaDebit.objects.create(count=1, mailing=mailing)
    campaign.refresh_from_db()
    return campaign


@override_settings(QUOTA_MONTHLY=50_000, QUOTA_MONTHS=12, QUOTA_START="2026-11-10")
class ConsumptionTestCase(BaseTestCase):
    """The plan from 10 November 2026, seen on 15 December under the tender's rule (the
    default): 800 messages of the campaign "Curso de diciembre" in the first month (10
    November to 9 December), 1,200 of it in the second and 300 of a mailing since deleted;
    bob credited 500 back in the first month. The first month's 49,700 left carry over: the
    balance is 49,700 + 50,000 - 1,500. One message of the campaign failed with no server's
    answer: an incident, never charged."""

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
            self.assertContains(response, 'data-balance="98200"')
            self.assertContains(response, 'id="quota-months"')
            self.assertContains(response, 'id="quota-ledger"')
            self.assertNotContains(response, 'id="credit-form"')
            self.assertNotContains(response, 'id="quota-settings-link"')
        self.client.force_login(self.alice)
        response = self.client.get(self.url)
        self.assertContains(response, 'id="credit-form"')
        self.assertContains(response, 'id="quota-settings-link"')

    def test_the_month_the_term_and_the_balance(self) -> None:
        figures = self.client.get(self.url).context["figures"]
        self.assertEqual(figures.monthly, 50_000)
        self.assertEqual(figures.expiry, QuotaExpiry.TERM)
        self.assertEqual(figures.term_start, datetime.datetime(2026, 11, 10, tzinfo=LIMA))
        self.assertEqual(figures.term_end, datetime.datetime(2027, 11, 10, tzinfo=LIMA))
        self.assertEqual(figures.used_this_month, 1_500)
        self.assertEqual(figures.used_in_term, 2_300)
        self.assertEqual(figures.credited_in_term, 500)
        begun = [month for month in figures.months if month.is_past or month.is_current]
        self.assertEqual(sum(month.granted for month in begun), 100_500)
        self.assertEqual(figures.carried_forward, 49_700)
        self.assertEqual(figures.balance, 98_200)
        self.assertEqual(figures.balance_last_day, datetime.datetime(2027, 11, 9, tzinfo=LIMA))
        self.assertFalse(figures.ends_soon)

    def test_each_month_granted_used_carried_and_left(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'data-balance="98200"')
        months = response.context["figures"].months
        self.assertEqual(len(months), 12)
        current = [month for month in months if month.is_current]
        self.assertEqual(len(current), 1)
        self.assertEqual(current[0].start, datetime.datetime(2026, 12, 10, tzinfo=LIMA))
        first, second = months[:2]
        self.assertEqual((first.plan, first.credited, first.used), (50_000, 500, 800))
        self.assertEqual((first.carried, first.left, first.expired), (0, 49_700, 0))
        self.assertTrue(first.is_past)
        self.assertEqual((second.carried, second.used, second.left), (49_700, 1_500, 98_200))
        self.assertContains(response, "Dec. 10, 2026 – Jan. 9, 2027")  # noqa: RUF001
        self.assertContains(response, "at the end of Jan. 9, 2027.")
        self.assertContains(response, "in a term from Nov. 10, 2026 to Nov. 9, 2027.")
        self.assertContains(response, "stay usable until the term ends")
        self.assertContains(response, "usable until Nov. 9, 2027")
        self.assertContains(response, 'data-carried="49700"')
        self.assertContains(response, 'data-used="1500"')
        self.assertContains(response, 'data-left="98200"')
        self.assertContains(response, "carried over")

    def test_under_the_monthly_rule_a_month_s_unused_messages_expire(self) -> None:
        QuotaSettings.objects.create(pk=1, expiry=QuotaExpiry.MONTHLY)
        response = self.client.get(self.url)
        figures = response.context["figures"]
        first, second = figures.months[:2]
        self.assertEqual((first.carried, first.left, first.expired), (0, 49_700, 49_700))
        self.assertEqual((second.carried, second.used, second.left), (0, 1_500, 48_500))
        self.assertEqual((figures.balance, figures.carried_forward), (48_500, 0))
        self.assertEqual(sum(month.expired for month in figures.months), 49_700)
        self.assertEqual(figures.balance_last_day, datetime.datetime(2027, 1, 9, tzinfo=LIMA))
        self.assertContains(response, 'data-balance="48500"')
        self.assertContains(response, "Unused messages expire with their month.")
        self.assertContains(response, "expired")
        self.assertNotContains(response, 'data-stat="carried"')
        self.assertEqual(len(response.context["chart"]["datasets"]), 2)

    def test_a_warning_from_30_days_before_the_term_ends(self) -> None:
        for day, days_left in (
            (datetime.datetime(2027, 10, 10, 12, tzinfo=LIMA), None),
            (datetime.datetime(2027, 10, 11, tzinfo=LIMA), 30),
            (datetime.datetime(2027, 11, 9, 18, tzinfo=LIMA), 0),
        ):
            with self.subTest(day=day), time_machine.travel(day, tick=False):
                self.client.force_login(self.alice)
                response = self.client.get(self.url)
                figures = response.context["figures"]
                if days_left is None:
                    self.assertFalse(figures.ends_soon)
                    self.assertNotContains(response, 'id="term-warning"')
                    continue
                self.assertTrue(figures.ends_soon)
                self.assertEqual(figures.days_left, days_left)
                self.assertContains(response, f'data-days-left="{days_left}"')
                self.assertContains(response, "The term ends on Nov. 9, 2027, in")
        with time_machine.travel(datetime.datetime(2027, 11, 10, tzinfo=LIMA), tick=False):
            self.client.force_login(self.alice)
            response = self.client.get(self.url)
        self.assertContains(response, "The term ended on Nov. 9, 2027: nothing more can be sent.")
        self.assertContains(response, 'data-balance="0"')

    def test_the_usage_chart_is_granted_used_and_carried_per_month(self) -> None:
        response = self.client.get(self.url)
        chart = response.context["chart"]
        self.assertEqual(chart["labels"][:2], ["11/10/2026", "12/10/2026"])
        granted, used, carried = chart["datasets"]
        self.assertEqual(granted["data"][:3], [50_500, 50_000, 50_000])
        # Months to come have no use yet, rather than a use of 0.
        self.assertEqual(used["data"], [800, 1_500])
        self.assertEqual(carried["data"], [0, 49_700])
        self.assertContains(response, 'id="usage-chart"')
        self.assertContains(response, "vendor/chartjs/chart.umd.min.js")

    def test_the_ledger_says_who_credited_what_used_the_messages_and_what_was_not_sent(
        self,
    ) -> None:
        response = self.client.get(self.url)
        ledger = [(entry.kind, entry.amount, entry.unsent) for entry in response.context["ledger"]]
        self.assertEqual(
            sorted(ledger),
            sorted(
                [
                    ("plan", 50_000, 0),
                    ("plan", 50_000, 0),
                    ("credit", 500, 0),
                    ("usage", -800, 0),
                    ("usage", -1_200, 0),
                    ("usage", -300, 0),
                    ("incident", 0, 1),
                ]
            ),
        )
        self.assertEqual(response.context["ledger"][0].kind, "usage")
        self.assertContains(response, "Relé caído el 19 de noviembre")
        self.assertContains(response, "granted by bob@example.org")
        self.assertContains(response, "Curso de diciembre")
        self.assertContains(response, "a mailing since deleted")
        self.assertContains(response, "Not sent because of an incident: not charged")
        self.assertContains(response, "1 message of “Curso de diciembre” not sent:")
        self.assertContains(response, "the sending server could not be reached")
        self.assertContains(response, 'data-unsent="1"')

    def test_incidents_of_several_campaigns_each_have_their_line_and_none_is_charged(
        self,
    ) -> None:
        cancelled = cancelled_for_lack_of_messages()
        lines = {
            (entry.campaign, entry.reason): entry.unsent
            for entry in self.client.get(self.url).context["ledger"]
            if entry.kind == "incident"
        }
        self.assertEqual(
            lines,
            {
                ("Curso de diciembre", "relay"): 1,
                ("Webinar de compras", "expired"): 1,
                ("Webinar de compras", "quota"): 2,
            },
        )
        counts = unreached.counts(cancelled.mailing_id)
        self.assertEqual(sum(counts[reason] for reason in unreached.INCIDENT), 3)
        # Only the message that went out was charged.
        self.assertEqual(QuotaDebit.objects.get(mailing_id=cancelled.mailing_id).count, 1)

    def test_it_speaks_spanish(self) -> None:
        self.use_spanish()
        response = self.client.get(self.url)
        self.assertContains(response, "10 de diciembre de 2026")
        self.assertContains(response, "Plan mensual")
        self.assertContains(response, "no cobrados")
        self.assertEqual(response.context["chart"]["labels"][1], "10/12/2026")

    def test_it_keeps_to_a_few_queries(self) -> None:
        # Session, user and two-factor device; the settings and the plan's existing grants;
        # the settings; the months (grants, one sum per month of debits); the balance (2);
        # the ledger (grants, usage, incidents); the SMS balance (grants, debits).
        with self.assertNumQueries(15):
            self.client.get(self.url)

    def test_an_administrator_credits_messages_back_with_a_reason(self) -> None:
        data = {"amount": "300", "reason": "Relé caído el 14 de diciembre"}
        response = self.client.post(self.url, data, follow=True)
        self.assertRedirects(response, "/informes/consumo/")
        self.assertContains(
            response, "300 messages credited back, usable until the end of Nov. 9, 2027."
        )
        self.assertContains(response, 'data-balance="98500"')
        self.assertContains(response, "Relé caído el 14 de diciembre")
        grant = QuotaGrant.objects.get(kind=QuotaGrant.CREDIT, amount=300)
        self.assertEqual((grant.amount, grant.created_by), (300, self.alice))
        self.assertEqual(grant.ends_at, datetime.datetime(2027, 1, 10, tzinfo=LIMA))
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
