"""Scheduled campaigns start on the scheduler's tick; the status machine refuses wrong moves."""

import datetime

import time_machine
from django.test import TestCase
from django.utils import timezone, translation

from pregon.campaigns import scheduling
from pregon.campaigns.models import CampaignStatus, IllegalTransition
from pregon.scheduler import tick
from pregon.sending.models import MailingStatus, Message
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server


class SchedulingTestCase(TestCase):
    def setUp(self) -> None:
        self.mailing_list = contacts_on_a_list(5)
        self.campaign = campaign_to(self.mailing_list)
        self.campaign.unschedule()

    def test_a_campaign_scheduled_later_waits_for_its_time(self) -> None:
        at = timezone.now() + datetime.timedelta(hours=2)
        self.campaign.schedule(at)
        tick()
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, CampaignStatus.SCHEDULED)
        with time_machine.travel(at + datetime.timedelta(seconds=5)):
            tick()
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, CampaignStatus.SENDING)
        self.assertEqual(self.campaign.mailing.messages.count(), 5)

    def test_a_campaign_whose_time_passed_while_down_starts_at_the_next_tick(self) -> None:
        self.campaign.schedule(timezone.now() - datetime.timedelta(days=1))
        tick()
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, CampaignStatus.SENDING)

    def test_a_campaign_that_lost_its_template_fails_and_the_others_still_start(self) -> None:
        self.campaign.schedule(timezone.now())
        other = campaign_to(self.mailing_list)
        self.campaign.template.delete()
        tick()
        self.campaign.refresh_from_db()
        other.refresh_from_db()
        self.assertEqual(self.campaign.status, CampaignStatus.FAILED)
        self.assertFalse(self.campaign.mailing_id)
        self.assertEqual(other.status, CampaignStatus.SENDING)

    def test_a_cancelled_campaign_never_sends(self) -> None:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            self.campaign.schedule(timezone.now() - datetime.timedelta(minutes=1))
            self.campaign.cancel()
            tick()
            send_all()
        self.assertEqual(mailbox.received, [])
        self.assertFalse(Message.objects.exists())

    def test_cancelling_while_sending_stops_the_rest(self) -> None:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            self.campaign.schedule(timezone.now())
            tick()
            self.campaign.refresh_from_db()
            self.campaign.cancel()
            send_all()
        self.assertEqual(mailbox.received, [])
        self.assertEqual(self.campaign.mailing.status, MailingStatus.CANCELLED)

    def test_pause_and_resume(self) -> None:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            self.campaign.schedule(timezone.now())
            tick()
            self.campaign.refresh_from_db()
            self.campaign.pause()
            send_all()
            self.assertEqual(mailbox.received, [])
            self.campaign.resume()
            send_all()
            tick()
        self.assertEqual(len(mailbox.received), 5)
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, CampaignStatus.SENT)

    def test_illegal_moves_are_refused(self) -> None:
        with self.assertRaises(IllegalTransition):
            self.campaign.pause()  # A draft is not sending.
        with self.assertRaises(IllegalTransition):
            self.campaign.resume()  # Nor paused: only the scheduler starts a campaign.
        self.campaign.schedule(timezone.now())
        stale = type(self.campaign).objects.get(pk=self.campaign.pk)
        scheduling.start_due_campaigns()
        with self.assertRaises(IllegalTransition):
            stale.unschedule()  # It started meanwhile: the stored status wins.
        self.campaign.refresh_from_db()
        self.campaign.cancel()
        with self.assertRaises(IllegalTransition):
            self.campaign.resume()

    def test_a_duplicate_is_a_new_draft_with_the_same_audience(self) -> None:
        with translation.override("es"):
            copy = self.campaign.duplicate(None)
        self.assertEqual(copy.status, CampaignStatus.DRAFT)
        self.assertEqual(copy.name, "Copia de Curso de diciembre")
        self.assertEqual(list(copy.include_lists.all()), [self.mailing_list])
        self.assertEqual(copy.audience().count(), 5)
