"""Campaigns against the quota's term, through the scheduler and the engine to a real SMTP
server: what a month leaves unused carries over under the tender's rule and expires under
the strict one, and nothing goes out once the term has ended."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.db.models import Sum
from django.test import TestCase, override_settings

from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.contacts.models import Contact, MailingList, Subscription
from pregon.scheduler import tick
from pregon.sending import quota
from pregon.sending.models import Message, MessageStatus, QuotaDebit, QuotaExpiry, QuotaSettings
from pregon.testing.campaigns import campaign_to, send_all
from pregon.testing.smtp import Mailbox, smtp_server

LIMA = ZoneInfo("America/Lima")


def on(*args: int) -> time_machine.travel:
    return time_machine.travel(datetime.datetime(*args, tzinfo=LIMA), tick=True)


def list_of(name: str, count: int, first: int) -> MailingList:
    mailing_list = MailingList.objects.create(name=name)
    contacts = Contact.objects.bulk_create(
        Contact(email=f"alumno{n:03d}@example.pe", first_name=f"Alumno{n}")
        for n in range(first, first + count)
    )
    Subscription.objects.bulk_create(
        Subscription(contact=contact, mailing_list=mailing_list) for contact in contacts
    )
    return mailing_list


def run(campaign: Campaign) -> Campaign:
    """A scheduler tick, the sender until nothing is due, and the tick that follows up."""
    tick()
    send_all(batch=7)
    tick()
    campaign.refresh_from_db()
    return campaign


def sent(campaign: Campaign) -> int:
    return Message.objects.filter(mailing=campaign.mailing, status=MessageStatus.SENT).count()


@override_settings(QUOTA_MONTHLY=30, QUOTA_MONTHS=12, QUOTA_START="2026-11-10")
class TermRuleCampaignTestCase(TestCase):
    """30 messages a month from 10 November 2026. A campaign of 20 in the first month; then,
    in the second, one of 50."""

    rule = QuotaExpiry.TERM
    # Under the tender's rule the second month has its 30 and the first month's 10 left.
    second_month_sends = 40

    def setUp(self) -> None:
        QuotaSettings.objects.create(pk=1, expiry=self.rule)
        self.mailbox = Mailbox()
        self.enterContext(smtp_server(self.mailbox))
        with on(2026, 11, 20, 10):
            self.first = run(campaign_to(list_of("Noviembre", 20, 0)))
        self.assertEqual((self.first.status, sent(self.first)), (CampaignStatus.SENT, 20))

    def test_across_a_month_s_end(self) -> None:
        with on(2026, 12, 12, 10):
            second = run(campaign_to(list_of("Diciembre", 50, 100)))
            self.assertEqual(sent(second), self.second_month_sends)
            self.assertEqual(second.status, CampaignStatus.PAUSED)
            self.assertEqual(quota.balance(), 0)
        # The third month's messages let it finish by itself.
        with on(2027, 1, 10, 0, 5):
            second = run(second)
        self.assertEqual((second.status, sent(second)), (CampaignStatus.SENT, 50))
        self.assertEqual(len(self.mailbox.received), 70)
        # The ledger is exact: one debit per message a relay accepted.
        self.assertEqual(QuotaDebit.objects.aggregate(total=Sum("count"))["total"], 70)

    def test_nothing_goes_out_once_the_term_has_ended(self) -> None:
        with on(2027, 11, 9, 23, 50):
            self.assertGreater(quota.balance(), 0)
        with on(2027, 11, 10, 0, 1):
            late = run(campaign_to(list_of("Fuera de plazo", 5, 200)))
            self.assertEqual(quota.balance(), 0)
        self.assertEqual((late.status, sent(late)), (CampaignStatus.PAUSED, 0))
        self.assertEqual(len(self.mailbox.received), 20)


class MonthlyRuleCampaignTestCase(TermRuleCampaignTestCase):
    rule = QuotaExpiry.MONTHLY
    # Under the strict rule the first month's 10 left expired with it.
    second_month_sends = 30
