import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import override_settings
from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.sending.models import QuotaDebit, QuotaGrant
from pregon.test import BaseTestCase

LIMA = ZoneInfo("America/Lima")


@override_settings(QUOTA_MONTHLY=50_000, QUOTA_MONTHS=12, QUOTA_START="2026-11-10")
class QuotaPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(
            time_machine.travel(datetime.datetime(2026, 12, 15, 12, tzinfo=LIMA), tick=False)
        )
        QuotaDebit.objects.create(count=1_200)
        self.url = reverse("sending:quota")
        self.client.force_login(self.alice)

    def test_the_address_is_in_spanish(self) -> None:
        self.assertEqual(self.url, "/envio/cuota/")

    def test_everyone_sees_the_balance_and_only_administrators_the_months(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            response = self.client.get(self.url)
            self.assertContains(response, 'data-balance="48800"')
            self.assertNotContains(response, 'id="quota-months"')
            self.assertNotContains(response, 'id="credit-form"')

    def test_administrators_see_the_plan_month_by_month(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'data-balance="48800"')
        months = response.context["months"]
        self.assertEqual(len(months), 12)
        current = [month for month in months if month["is_current"]]
        self.assertEqual(len(current), 1)
        self.assertEqual(current[0]["start"], datetime.datetime(2026, 12, 1, tzinfo=LIMA))
        self.assertEqual((current[0]["used"], current[0]["left"]), (1_200, 48_800))
        self.assertTrue(months[0]["is_past"])
        self.assertContains(response, "Dec. 1, 2026 – Dec. 31, 2026")  # noqa: RUF001
        self.assertContains(response, "at the end of Dec. 31, 2026.")
        self.assertContains(response, 'data-used="1200"')
        self.assertContains(response, 'data-left="48800"')

    def test_an_administrator_credits_messages_back_with_a_reason(self) -> None:
        data = {"amount": "300", "reason": "Relé caído el 14 de diciembre"}
        response = self.client.post(self.url, data, follow=True)
        self.assertRedirects(response, "/envio/cuota/")
        self.assertContains(response, "300 messages credited back until the end of the month.")
        self.assertContains(response, 'data-balance="49100"')
        self.assertContains(response, "Relé caído el 14 de diciembre")
        grant = QuotaGrant.objects.get(kind=QuotaGrant.CREDIT)
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
        self.assertFalse(QuotaGrant.objects.filter(kind=QuotaGrant.CREDIT).exists())
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.QUOTA_CREDIT).exists())

    def test_editors_and_analysts_may_not_credit(self) -> None:
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            response = self.client.post(self.url, {"amount": "300", "reason": "Por si acaso"})
            self.assertEqual(response.status_code, 403)
        self.assertFalse(QuotaGrant.objects.filter(kind=QuotaGrant.CREDIT).exists())

    def test_nothing_can_be_credited_after_the_plan(self) -> None:
        with time_machine.travel(datetime.datetime(2028, 1, 5, tzinfo=LIMA), tick=False):
            self.client.force_login(self.alice)  # The session of 2026 has expired.
            response = self.client.post(self.url, {"amount": "300", "reason": "Incidente"})
        self.assertContains(response, "The plan has no current month: nothing can be credited.")
        self.assertFalse(QuotaGrant.objects.filter(kind=QuotaGrant.CREDIT).exists())
