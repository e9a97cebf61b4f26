"""The quota ledger: monthly grants that expire, debits, credits."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import TestCase, override_settings

from pregon.sending import quota
from pregon.sending.models import QuotaDebit, QuotaGrant

LIMA = ZoneInfo("America/Lima")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LIMA)


@override_settings(QUOTA_MONTHLY=50_000, QUOTA_MONTHS=12, QUOTA_START="2026-11-10")
class QuotaTestCase(TestCase):
    def setUp(self) -> None:
        quota.ensure_plan()

    def test_the_plan_is_twelve_monthly_grants_in_lima_time(self) -> None:
        grants = list(QuotaGrant.objects.filter(kind=QuotaGrant.PLAN))
        self.assertEqual(len(grants), 12)
        self.assertEqual(
            (grants[0].starts_at, grants[0].ends_at), (at(2026, 11, 10), at(2026, 12, 1))
        )
        self.assertEqual(
            (grants[1].starts_at, grants[1].ends_at), (at(2026, 12, 1), at(2027, 1, 1))
        )
        self.assertEqual(grants[-1].ends_at, at(2027, 11, 1))
        quota.ensure_plan()
        self.assertEqual(QuotaGrant.objects.count(), 12)

    def test_debits_lower_the_balance_of_their_month_only(self) -> None:
        with time_machine.travel(at(2026, 11, 20, 12), tick=False):
            QuotaDebit.objects.create(count=1_200)
            self.assertEqual(quota.balance(), 48_800)
        with time_machine.travel(at(2026, 12, 2), tick=False):
            self.assertEqual(quota.balance(), 50_000)  # Unused messages expired.

    def test_nothing_outside_the_plan(self) -> None:
        with time_machine.travel(at(2027, 11, 1, 0, 1), tick=False):
            self.assertEqual(quota.balance(), 0)
        with time_machine.travel(at(2026, 11, 9), tick=False):
            self.assertEqual(quota.balance(), 0)

    def test_a_credit_adds_to_this_month_and_expires_with_it(self) -> None:
        with time_machine.travel(at(2026, 12, 15), tick=False):
            QuotaDebit.objects.create(count=50_000)
            self.assertEqual(quota.balance(), 0)
            quota.credit(300, "Caída del relé el 14 de diciembre", None)
            self.assertEqual(quota.balance(), 300)
        with time_machine.travel(at(2027, 1, 2), tick=False):
            self.assertEqual(quota.balance(), 50_000)

    def test_a_credit_needs_a_positive_amount_within_the_plan(self) -> None:
        with time_machine.travel(at(2026, 12, 15), tick=False), self.assertRaises(ValueError):
            quota.credit(0, "x", None)
        with time_machine.travel(at(2028, 1, 1), tick=False), self.assertRaises(ValueError):
            quota.credit(10, "x", None)
