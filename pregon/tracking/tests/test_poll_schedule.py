"""The scheduler's tick checks each bounce mailbox once a minute, and a dead server neither
stops the tick nor is tried again before its minute is up."""

import datetime
import logging

import time_machine
from django.test import TestCase
from django.utils import timezone

from pregon import scheduler
from pregon.campaigns.models import CampaignStatus
from pregon.lib import vault
from pregon.sending.models import Security
from pregon.testing import mailservers
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.tracking.models import BounceMailbox, Protocol


class PollScheduleTestCase(TestCase):
    def setUp(self) -> None:
        self.dead = BounceMailbox.objects.create(
            protocol=Protocol.IMAP,
            host="127.0.0.1",
            port=mailservers.free_port(),
            security=Security.NONE,
            username="rebotes",
            password=vault.encrypt("clave"),
        )

    def test_a_dead_server_is_recorded_and_the_tick_goes_on(self) -> None:
        BounceMailbox.objects.create(host="127.0.0.1", username="apagado", is_active=False)
        campaign = campaign_to(contacts_on_a_list(1))
        with self.assertLogs("pregon.tracking.mailbox", logging.WARNING):
            scheduler.tick()
        self.dead.refresh_from_db()
        self.assertIn("No se pudo conectar con 127.0.0.1:", self.dead.last_error)
        self.assertIsNotNone(self.dead.last_checked_at)
        self.assertIsNone(BounceMailbox.objects.get(username="apagado").last_checked_at)
        # The other jobs of the same tick ran.
        campaign.refresh_from_db()
        self.assertNotEqual(campaign.status, CampaignStatus.SCHEDULED)

    def test_each_mailbox_is_checked_once_a_minute(self) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            with self.assertLogs("pregon.tracking.mailbox", logging.WARNING):
                scheduler.tick()
        with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
            with self.assertNoLogs("pregon.tracking.mailbox", logging.WARNING):
                scheduler.tick()
        with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
            with self.assertLogs("pregon.tracking.mailbox", logging.WARNING):
                scheduler.tick()
        self.dead.refresh_from_db()
        self.assertEqual(self.dead.last_checked_at, start + datetime.timedelta(seconds=61))
