"""A campaign with no relay or provider set up goes to the local test mailbox: its page says
so before it is sent, and afterwards counts those messages apart, never as sent, delivered
or billed."""

import tempfile
from pathlib import Path

from django.test import override_settings
from django.urls import reverse

from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.reports import stats
from pregon.sending import quota
from pregon.testing import BaseTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server

WARNING = (
    "No sending server is set up: the messages will go to the local test mailbox and reach nobody."
)


class CampaignTestMailboxTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        folder = self.enterContext(tempfile.TemporaryDirectory())
        self.enterContext(override_settings(VAR_DIR=Path(folder)))
        self.campaign = campaign_to(contacts_on_a_list(3))
        self.campaign.unschedule()
        self.url = reverse("campaigns:detail", args=[self.campaign.code])
        self.client.force_login(self.bob)

    def test_the_page_warns_before_sending_that_nothing_will_reach_anybody(self) -> None:
        response = self.client.get(self.url)
        # Beside the audience, and again beside the "send now" button.
        self.assertContains(response, WARNING, count=2)
        self.assertContains(response, 'id="send-test-mailbox-warning"')
        self.use_spanish()
        self.assertContains(
            self.client.get(self.url),
            "No hay servidor de envío configurado: los mensajes irán al buzón de prueba local "
            "y no llegarán a nadie",
        )

    def test_with_a_relay_in_use_there_is_no_warning(self) -> None:
        with smtp_server(Mailbox()):
            self.assertNotContains(self.client.get(self.url), WARNING)

    def test_messages_kept_there_are_counted_apart_not_as_sent_nor_billed(self) -> None:
        balance = quota.balance()
        self.campaign.schedule(self.campaign.created_at)
        scheduling.start_due_campaigns()
        send_all()
        scheduling.follow_mailings()
        campaign = Campaign.objects.get(pk=self.campaign.pk)
        self.assertEqual(campaign.status, CampaignStatus.SENT)

        response = self.client.get(self.url)
        self.assertContains(response, 'data-count="outbox">3<')
        self.assertContains(response, 'data-count="sent">0<')
        self.assertContains(response, "3 in the test mailbox: no sending server was set up")
        self.use_spanish()
        self.assertContains(self.client.get(self.url), "3 en el buzón de prueba")

        figures = stats.figures(campaign.mailing)
        self.assertEqual((figures.recipients, figures.sent, figures.delivered), (3, 0, 0))
        self.assertEqual(quota.balance(), balance)
