"""An SMS campaign's report page, which analysts read (they may not open the campaign's
own page): its SMS by status, not the email report's "nothing was sent yet"."""

from django.test import override_settings
from django.urls import reverse

from pregon.campaigns import scheduling
from pregon.campaigns.models import CampaignStatus
from pregon.sending.sms import sender
from pregon.testing import BaseTestCase
from pregon.testing.providers import FakeProvider
from pregon.testing.sms import http_gateway
from pregon.testing.sms_campaigns import sms_draft, sms_segment


@override_settings(SMS_QUOTA_MONTHLY=1000)
class SmsCampaignReportTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.provider = FakeProvider()
        self.addCleanup(self.provider.stop)
        http_gateway(self.provider.url + "/api/sms")
        self.campaign = sms_draft(sms_segment())
        self.url = reverse("reports:campaign", args=[self.campaign.code])
        self.client.force_login(self.charlie)

    def test_analysts_read_what_its_sms_did(self) -> None:
        self.campaign.move(CampaignStatus.SCHEDULED, scheduled_at=self.campaign.created_at)
        self.assertEqual(scheduling.start_due_campaigns(), 1)
        self.provider.answer(200, {"id": "gw-1", "status": "accepted"})
        self.provider.answer(500, {"error": "down"})
        self.provider.answer(400, {"error": "invalid number"})
        while sender.send_due():
            pass
        page = self.client.get(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'id="report-nothing"')
        self.assertContains(page, 'data-count="total">3<')
        self.assertContains(page, 'data-count="left-out">3<')
        self.assertContains(page, 'data-channel="sms"')
        # Not polled: the card's own address is the campaign page's, for editors only.
        self.assertNotContains(page, reverse("campaigns:progress", args=[self.campaign.code]))

    def test_before_it_starts_it_says_nothing_was_sent(self) -> None:
        page = self.client.get(self.url)
        self.assertContains(page, "Nothing was sent.")
        self.assertNotContains(page, 'data-count="total"')
