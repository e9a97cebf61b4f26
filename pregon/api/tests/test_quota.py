import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import override_settings

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.sending.models import QuotaDebit, QuotaExpiry, QuotaGrant, QuotaSettings
from pregon.testing.api import ApiTestCase

LIMA = ZoneInfo("America/Lima")


@override_settings(QUOTA_MONTHLY=50_000, QUOTA_MONTHS=12, QUOTA_START="2026-11-10")
class QuotaTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(
            time_machine.travel(datetime.datetime(2026, 12, 15, 12, tzinfo=LIMA), tick=False)
        )
        QuotaDebit.objects.create(count=1_200)
        QuotaDebit.objects.create(count=300, at=datetime.datetime(2026, 11, 20, tzinfo=LIMA))

    def test_it_shows_the_plan_the_period_and_the_balance(self) -> None:
        response = self.call("GET", "/quota")
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        # The tender's rule: the first month's 49,700 left carry over.
        self.assertEqual((body["balance"], body["used"]), (98_500, 1_200))
        self.assertEqual((body["expiry"], body["carried_forward"]), ("term", 49_700))
        # Lima is UTC-5: the month starts at 05:00 UTC.
        self.assertEqual(
            body["period"], {"start": "2026-12-10T05:00:00Z", "end": "2027-01-10T05:00:00Z"}
        )
        self.assertEqual(
            body["term"], {"start": "2026-11-10T05:00:00Z", "end": "2027-11-10T05:00:00Z"}
        )
        self.assertEqual(len(body["months"]), 12)
        first, second = body["months"][:2]
        self.assertEqual(
            first,
            {
                "start": "2026-11-10T05:00:00Z",
                "end": "2026-12-10T05:00:00Z",
                "amount": 50_000,
                "credited": 0,
                "used": 300,
                "granted": 50_000,
                "carried": 0,
                "left": 49_700,
                "expired": 0,
            },
        )
        self.assertEqual(
            (second["amount"], second["used"], second["left"]), (50_000, 1_200, 98_500)
        )
        self.assertEqual(body["months"][-1]["end"], "2027-11-10T05:00:00Z")

    def test_under_the_monthly_rule_each_month_s_messages_expire(self) -> None:
        QuotaSettings.objects.create(pk=1, expiry=QuotaExpiry.MONTHLY)
        body = self.call("GET", "/quota").json()
        self.assertEqual((body["balance"], body["used"]), (48_800, 1_200))
        self.assertEqual((body["expiry"], body["carried_forward"]), ("monthly", 0))
        self.assertEqual(body["balance_expires_at"], "2027-01-10T05:00:00Z")
        first = body["months"][0]
        self.assertEqual((first["carried"], first["left"], first["expired"]), (0, 49_700, 49_700))

    def test_analysts_may_read_it(self) -> None:
        response = self.call("GET", "/quota", token=self.token_for(self.charlie))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["balance"], 98_500)
        self.assertEqual(self.client.get("/api/v1/quota").status_code, 401)

    def test_an_administrator_credits_messages_back_with_a_reason(self) -> None:
        payload = {"amount": 300, "reason": "  Relé caído el 14 de diciembre "}
        response = self.call("POST", "/quota/credits", payload, token=self.token_for(self.alice))
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(
            response.json(),
            {
                "amount": 300,
                "reason": "Relé caído el 14 de diciembre",
                "starts_at": "2026-12-15T17:00:00Z",
                # Like the month's messages, usable until the term ends.
                "ends_at": "2027-11-10T05:00:00Z",
                "balance": 98_800,
            },
        )
        grant = QuotaGrant.objects.get(kind=QuotaGrant.CREDIT)
        self.assertEqual((grant.amount, grant.created_by), (300, self.alice))
        entry = AuditEntry.objects.get(action=AuditAction.QUOTA_CREDIT)
        self.assertEqual((entry.target, entry.actor), ("300", self.alice))
        self.assertEqual(entry.detail, {"reason": "Relé caído el 14 de diciembre", "messages": 300})
        months = self.call("GET", "/quota").json()["months"]
        self.assertEqual((months[1]["amount"], months[1]["credited"]), (50_000, 300))

    def test_a_credit_needs_an_amount_and_a_reason(self) -> None:
        token = self.token_for(self.alice)
        cases = [
            ({"amount": 0, "reason": "x"}, ["amount"]),
            ({"amount": "mucho", "reason": "x"}, ["amount"]),
            ({"amount": 10, "reason": "   "}, ["reason"]),
            ({"amount": 10}, ["reason"]),
            ({"reason": "x"}, ["amount"]),
        ]
        for payload, fields in cases:
            with self.subTest(payload=payload):
                response = self.call("POST", "/quota/credits", payload, token=token)
                self.assertEqual(response.status_code, 422)
                self.assertEqual(list(response.json()["errors"]), fields)
        self.assertFalse(QuotaGrant.objects.filter(kind=QuotaGrant.CREDIT).exists())

    def test_outside_the_plan_nothing_can_be_credited(self) -> None:
        token = self.token_for(self.alice)
        with time_machine.travel(datetime.datetime(2028, 1, 15, tzinfo=LIMA), tick=False):
            response = self.call(
                "POST", "/quota/credits", {"amount": 10, "reason": "x"}, token=token
            )
            self.assertEqual(response.status_code, 409)
            self.assertEqual(
                response.json()["detail"], "The plan has no current month: nothing can be credited."
            )
            body = self.call("GET", "/quota").json()
            self.assertEqual((body["period"], body["balance"], body["used"]), (None, 0, 0))
            self.assertEqual((body["days_left"], body["balance_expires_at"]), (0, None))
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.QUOTA_CREDIT).exists())

    def test_credits_need_an_administrator(self) -> None:
        for user in (self.bob, self.charlie):
            with self.subTest(user=user.email):
                response = self.call(
                    "POST",
                    "/quota/credits",
                    {"amount": 10, "reason": "x"},
                    token=self.token_for(user),
                )
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.post("/api/v1/quota/credits").status_code, 401)
        self.assertFalse(QuotaGrant.objects.filter(kind=QuotaGrant.CREDIT).exists())
