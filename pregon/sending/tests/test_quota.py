"""The quota ledger: the 365-day term from the day after the credentials' delivery, its
monthly grants, debits and credits, under both expiry rules (the tender's: until the term
ends; the strict one: at the month's end)."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction
from django.test import TestCase, override_settings

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.scheduler import tick
from pregon.sending import quota, quota_settings
from pregon.sending.models import (
    Message,
    MessageStatus,
    QuotaDebit,
    QuotaExpiry,
    QuotaGrant,
    QuotaSettings,
    SmsQuotaDebit,
    SmsQuotaGrant,
)
from pregon.sending.sms import quota as sms_quota
from pregon.testing.campaigns import campaign_to, contacts_on_a_list

LIMA = ZoneInfo("America/Lima")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LIMA)


def in_flight(count: int) -> None:
    """``count`` messages a worker holds, which may be debited any moment."""
    campaign_to(contacts_on_a_list(count))
    tick()  # The campaign starts: its messages are queued.
    Message.objects.update(status=MessageStatus.SENDING)


def use_rule(expiry: str) -> None:
    QuotaSettings.objects.update_or_create(pk=1, defaults={"expiry": expiry})


@override_settings(QUOTA_MONTHLY=50_000, QUOTA_MONTHS=12, QUOTA_START="2026-11-10")
class TermTestCase(TestCase):
    """Where the term and its months lie."""

    def test_the_term_is_365_days_in_twelve_months_from_the_start_day_in_lima_time(self) -> None:
        quota.ensure_plan()
        grants = list(QuotaGrant.objects.filter(kind=QuotaGrant.PLAN))
        self.assertEqual(len(grants), 12)
        periods = [(grant.starts_at, grant.ends_at) for grant in grants]
        self.assertEqual(periods[0], (at(2026, 11, 10), at(2026, 12, 10)))
        self.assertEqual(periods[1], (at(2026, 12, 10), at(2027, 1, 10)))
        self.assertEqual(periods[-1], (at(2027, 10, 10), at(2027, 11, 10)))
        term = quota.term()
        self.assertEqual((term.start, term.end), (at(2026, 11, 10), at(2027, 11, 10)))
        self.assertEqual((term.end - term.start).days, 365)
        self.assertEqual(term.last_day, at(2027, 11, 9))
        quota.ensure_plan()
        self.assertEqual(QuotaGrant.objects.count(), 12)

    def test_the_delivery_date_starts_the_term_the_day_after_and_moves_the_grants(self) -> None:
        quota.ensure_plan()
        sms_quota.ensure_plan()
        quota_settings.deliver_credentials(datetime.date(2027, 1, 30))
        term = quota.term()
        # From the 31st: the shorter months start on their last day; 2028 is a leap year,
        # so twelve months would be 366 days, and the term's last month ends a day early.
        self.assertEqual((term.start, term.end), (at(2027, 1, 31), at(2028, 1, 31)))
        self.assertEqual(
            [start.date() for start, end in term.months[:4]],
            [
                datetime.date(2027, 1, 31),
                *[datetime.date(2027, m, d) for m, d in ((2, 28), (3, 31), (4, 30))],
            ],
        )
        for grants in (QuotaGrant.objects, SmsQuotaGrant.objects):
            rows = list(grants.filter(kind=QuotaGrant.PLAN).values_list("starts_at", "ends_at"))
            self.assertEqual(rows, term.months)
        entry = AuditEntry.objects.get(action=AuditAction.QUOTA_SETTINGS)
        self.assertEqual(entry.target, "2027-01-31")
        self.assertEqual(
            entry.detail,
            {
                "before": {"expiry": "term", "delivered_on": None},
                "after": {"expiry": "term", "delivered_on": "2027-01-30"},
                "term_ends": "2028-01-30",
            },
        )
        # Saving the same again changes nothing and records nothing.
        quota_settings.deliver_credentials(datetime.date(2027, 1, 30))
        self.assertEqual(AuditEntry.objects.filter(action=AuditAction.QUOTA_SETTINGS).count(), 1)

    def test_a_leap_day_in_the_term_still_makes_365_days(self) -> None:
        quota_settings.deliver_credentials(datetime.date(2027, 11, 9))
        term = quota.term()
        self.assertEqual((term.start, term.end), (at(2027, 11, 10), at(2028, 11, 9)))
        self.assertEqual(term.months[-1], (at(2028, 10, 10), at(2028, 11, 9)))


@override_settings(QUOTA_MONTHLY=50_000, QUOTA_MONTHS=12, QUOTA_START="2026-11-10")
class TermRuleTestCase(TestCase):
    """The tender's rule (the default): each month's messages stay until the term ends."""

    rule = QuotaExpiry.TERM
    # What the grants of the term's first two months give on 15 December.
    granted_by_now = 100_000

    def setUp(self) -> None:
        use_rule(self.rule)
        quota.ensure_plan()

    def test_the_rule_is_the_tender_s_by_default(self) -> None:
        QuotaSettings.objects.all().delete()
        self.assertEqual(quota.term().expiry, QuotaExpiry.TERM)

    def test_across_a_month_s_end_the_unused_messages_carry_over(self) -> None:
        with time_machine.travel(at(2026, 12, 9, 23, 59), tick=False):
            QuotaDebit.objects.create(count=1_200)
            self.assertEqual(quota.EMAIL.month(), (48_800, 1_200))
        with time_machine.travel(at(2026, 12, 10), tick=False):
            self.assertEqual(quota.EMAIL.month(), (98_800, 0))
            QuotaDebit.objects.create(count=60_000)
            self.assertEqual(quota.EMAIL.month(), (38_800, 60_000))

    def test_at_the_term_s_end_everything_left_expires(self) -> None:
        QuotaDebit.objects.create(count=100_000, at=at(2027, 3, 1))
        with time_machine.travel(at(2027, 11, 9, 23, 59), tick=False):
            self.assertEqual(quota.balance(), 500_000)
        with time_machine.travel(at(2027, 11, 10), tick=False):
            self.assertEqual(quota.balance(), 0)
            self.assertEqual(quota.available_for_claim(), 0)
        with time_machine.travel(at(2026, 11, 9), tick=False):
            self.assertEqual(quota.balance(), 0)

    def test_a_credit_follows_the_rule_of_its_month(self) -> None:
        with time_machine.travel(at(2026, 12, 15), tick=False):
            QuotaDebit.objects.create(count=100_000)
            self.assertEqual(quota.balance(), 0)
            grant = quota.credit(300, "Caída del relé el 14 de diciembre", None)
            self.assertEqual(quota.balance(), 300)
            self.assertEqual(grant.ends_at, at(2027, 1, 10))  # The month it belongs to.
            self.assertEqual(quota.expires_at(quota.term(), grant.starts_at), at(2027, 11, 10))
        with time_machine.travel(at(2027, 1, 12), tick=False):
            self.assertEqual(quota.balance(), 50_300)

    def test_what_is_in_flight_is_held_back_from_a_claim(self) -> None:
        with time_machine.travel(at(2026, 12, 15), tick=False):
            in_flight(3)
            debit = QuotaDebit.objects.create(count=self.granted_by_now - 1)
            with transaction.atomic():
                self.assertEqual(quota.available_for_claim(), 0)  # 3 in flight, 1 left.
            QuotaDebit.objects.filter(pk=debit.pk).update(count=self.granted_by_now - 10)
            with transaction.atomic():
                self.assertEqual(quota.available_for_claim(), 7)

    def test_the_sms_ledger_follows_the_same_rule(self) -> None:
        with override_settings(SMS_QUOTA_MONTHLY=2_000):
            sms_quota.ensure_plan()
            SmsQuotaDebit.objects.create(count=40, at=at(2026, 11, 20))
            with time_machine.travel(at(2026, 12, 15), tick=False):
                SmsQuotaDebit.objects.create(count=150)
                expected = (3_810, 150) if self.rule == QuotaExpiry.TERM else (1_850, 150)
                self.assertEqual(sms_quota.month(), expected)

    def test_a_credit_needs_a_positive_amount_within_the_term(self) -> None:
        with time_machine.travel(at(2026, 12, 15), tick=False), self.assertRaises(ValueError):
            quota.credit(0, "x", None)
        with time_machine.travel(at(2027, 11, 10), tick=False), self.assertRaises(ValueError):
            quota.credit(10, "x", None)


class MonthlyRuleTestCase(TermRuleTestCase):
    """The strict rule: each month's messages, and a credit given in it, expire at its end."""

    rule = QuotaExpiry.MONTHLY
    granted_by_now = 50_000

    def test_across_a_month_s_end_the_unused_messages_carry_over(self) -> None:
        """Under this rule, they expire instead."""
        with time_machine.travel(at(2026, 12, 9, 23, 59), tick=False):
            QuotaDebit.objects.create(count=1_200)
            self.assertEqual(quota.EMAIL.month(), (48_800, 1_200))
        with time_machine.travel(at(2026, 12, 10), tick=False):
            self.assertEqual(quota.EMAIL.month(), (50_000, 0))

    def test_at_the_term_s_end_everything_left_expires(self) -> None:
        QuotaDebit.objects.create(count=100, at=at(2027, 11, 1))
        with time_machine.travel(at(2027, 11, 9, 23, 59), tick=False):
            self.assertEqual(quota.balance(), 49_900)
        with time_machine.travel(at(2027, 11, 10), tick=False):
            self.assertEqual(quota.balance(), 0)
            self.assertEqual(quota.available_for_claim(), 0)

    def test_a_credit_follows_the_rule_of_its_month(self) -> None:
        with time_machine.travel(at(2026, 12, 15), tick=False):
            QuotaDebit.objects.create(count=50_000)
            self.assertEqual(quota.balance(), 0)
            grant = quota.credit(300, "Caída del relé el 14 de diciembre", None)
            self.assertEqual(quota.balance(), 300)
            self.assertEqual(quota.expires_at(quota.term(), grant.starts_at), at(2027, 1, 10))
        with time_machine.travel(at(2027, 1, 12), tick=False):
            self.assertEqual(quota.balance(), 50_000)
