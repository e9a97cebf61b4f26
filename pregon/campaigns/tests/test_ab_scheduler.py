"""An A/B test from start to end through the scheduler, a real SMTP server and the open
pixel: the test portion split evenly and at random, the winner picked by people's opens,
and the rest of the audience mailed once with the winner's subject."""

import datetime
import re
from collections import Counter

import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns import ab
from pregon.campaigns.models import CampaignStatus
from pregon.scheduler import tick
from pregon.sending.models import Message
from pregon.testing import BaseTestCase
from pregon.testing.ab import SUBJECTS, ab_draft, started
from pregon.testing.campaigns import send_all
from pregon.testing.smtp import Mailbox, Received, smtp_server

OUTLOOK = "Mozilla/5.0 (Windows NT 10.0; Microsoft Outlook 16.0.5200; ms-office)"


def pixel(received: Received) -> str:
    """The path of the open pixel in a message as received."""
    html = received.parsed().get_body(("html",)).get_content()
    site = re.escape(settings.SITE_URL)
    return re.findall(rf'src="{site}(/t/o/[^"]+)"', html)[0]


def subjects(mailbox: Mailbox) -> dict[str, str]:
    return {message.recipient: str(message.parsed()["Subject"]) for message in mailbox.received}


class AbSchedulerTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.mailbox = Mailbox()
        self.enterContext(smtp_server(self.mailbox))
        self.reader = Client(HTTP_USER_AGENT=OUTLOOK)

    def open_some(self, subject: str, count: int) -> None:
        """``count`` of the people who got ``subject`` open it, as their mail program
        would: by loading its pixel."""
        got = [mail for mail in self.mailbox.received if mail.parsed()["Subject"] == subject]
        for message in got[:count]:
            self.assertEqual(self.reader.get(pixel(message)).status_code, 200)

    def test_the_scheduler_picks_the_winner_and_sends_it_to_the_rest(self) -> None:
        campaign = started(ab_draft(contacts=20, portion=50))
        test = campaign.ab_test
        portion = Message.objects.filter(mailing=campaign.mailing)
        # 10 of 20 in the test portion, 5 and 5, each contact once.
        self.assertEqual(Counter(portion.values_list("variant", flat=True)), {1: 5, 2: 5})
        tested = set(portion.values_list("contact", flat=True))
        self.assertEqual(len(tested), 10)
        self.assertIsNotNone(test.decide_at)
        send_all()
        self.assertEqual(Counter(subjects(self.mailbox).values()), {SUBJECTS[0]: 5, SUBJECTS[1]: 5})
        Message.objects.update(sent_at=timezone.now() - datetime.timedelta(minutes=1))
        self.open_some(SUBJECTS[1], 3)
        self.open_some(SUBJECTS[0], 1)
        tick()  # The opens go in; the test is not over: nothing more is sent, nor finished.
        campaign.refresh_from_db()
        self.assertEqual(campaign.status, CampaignStatus.SENDING)
        self.assertIsNone(campaign.ab_test.winner)
        with time_machine.travel(test.decide_at + datetime.timedelta(seconds=5)):
            tick()
            send_all()
            tick()
        campaign.refresh_from_db()
        test.refresh_from_db()
        self.assertEqual(test.winner, 2)
        self.assertIsNone(test.decided_by)
        self.assertEqual(campaign.status, CampaignStatus.SENT)
        # Everyone mailed once; the ten outside the test portion got B's subject.
        received = subjects(self.mailbox)
        self.assertEqual(len(self.mailbox.received), 20)
        self.assertEqual(len(received), 20)
        rest = Message.objects.filter(mailing=campaign.mailing, pk__gt=test.portion_end)
        self.assertEqual(rest.count(), 10)
        self.assertEqual({received[message.email] for message in rest}, {SUBJECTS[1]})
        self.assertFalse(rest.filter(contact__in=tested).exists())
        entry = AuditEntry.objects.get(action=AuditAction.AB_WINNER)
        self.assertEqual(entry.detail, {"variant": "B", "by": "scheduler", "messages": 10})
        # Its figures are the test portion's only.
        self.assertEqual([(t.sent, t.opens) for t in ab.tallies(test)], [(5, 1), (5, 3)])

    def test_a_tie_goes_to_variant_a(self) -> None:
        campaign = started(ab_draft(contacts=8, portion=50))
        send_all()
        with time_machine.travel(campaign.ab_test.decide_at + datetime.timedelta(seconds=5)):
            tick()
            send_all()
        campaign.ab_test.refresh_from_db()
        self.assertEqual(campaign.ab_test.winner, 1)
        self.assertEqual(Counter(subjects(self.mailbox).values()), {SUBJECTS[0]: 6, SUBJECTS[1]: 2})

    def test_a_confirmed_test_waits_for_a_person(self) -> None:
        campaign = started(ab_draft(contacts=10, portion=40, automatic=False))
        send_all()
        Message.objects.update(sent_at=timezone.now() - datetime.timedelta(minutes=1))
        self.open_some(SUBJECTS[1], 2)
        decide_at = campaign.ab_test.decide_at
        url = reverse("campaigns:ab_winner", args=[campaign.code])
        self.client.force_login(self.bob)
        # Before its time, the winner cannot be sent.
        self.client.post(url, {"variant": 1})
        self.assertEqual(len(self.mailbox.received), 4)
        with time_machine.travel(decide_at + datetime.timedelta(hours=1)):
            for _ in range(2):
                tick()
            send_all()
            campaign.refresh_from_db()
            self.assertEqual(campaign.status, CampaignStatus.SENDING)
            self.assertEqual(len(self.mailbox.received), 4)
            page = self.client.get(reverse("campaigns:detail", args=[campaign.code]))
            self.assertContains(page, 'id="ab-confirm"')
            self.assertContains(page, 'value="2" id="ab-variant-2" checked')
            # The person sends A, not the leader.
            response = self.client.post(url, {"variant": 1})
            self.assertRedirects(response, reverse("campaigns:detail", args=[campaign.code]))
            send_all()
            tick()
            # A second choice changes nothing.
            self.client.post(url, {"variant": 2})
            send_all()
        campaign.refresh_from_db()
        self.assertEqual(campaign.status, CampaignStatus.SENT)
        self.assertEqual(campaign.ab_test.winner, 1)
        self.assertEqual(campaign.ab_test.decided_by, self.bob)
        self.assertEqual(Counter(subjects(self.mailbox).values()), {SUBJECTS[0]: 8, SUBJECTS[1]: 2})
        entry = AuditEntry.objects.get(action=AuditAction.AB_WINNER)
        self.assertEqual(entry.actor, self.bob)
        self.assertEqual(entry.detail["variant"], "A")

    def test_a_cancelled_campaign_is_never_decided(self) -> None:
        campaign = started(ab_draft(contacts=10, portion=20))
        campaign.cancel()
        with time_machine.travel(campaign.ab_test.decide_at + datetime.timedelta(seconds=5)):
            tick()
        campaign.ab_test.refresh_from_db()
        self.assertIsNone(campaign.ab_test.winner)
        self.assertEqual(Message.objects.count(), 2)
