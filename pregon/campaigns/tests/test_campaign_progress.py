from django.urls import reverse

from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.sending.models import Mailing, Message, MessageStatus
from pregon.testing import BaseTestCase, drafts

HTMX = {"HTTP_HX_REQUEST": "true"}


class CampaignProgressTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.campaign = drafts.draft()
        mailing = Mailing.objects.create(
            subject="Hola", html="<p>Hola</p>", text="Hola", sender=self.campaign.sender
        )
        statuses = [MessageStatus.SENT] * 5 + [MessageStatus.FAILED] + [MessageStatus.QUEUED] * 3
        statuses.append(MessageStatus.SENDING)
        Message.objects.bulk_create(
            Message(mailing=mailing, email=f"p{n}@example.pe", status=status)
            for n, status in enumerate(statuses)
        )
        self.set(status=CampaignStatus.SENDING, mailing=mailing)
        self.url = reverse("campaigns:progress", args=[self.campaign.code])
        self.client.force_login(self.bob)

    def set(self, **fields: object) -> None:
        Campaign.objects.filter(pk=self.campaign.pk).update(**fields)

    def test_analysts_may_not_see_it(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url, **HTMX).status_code, 403)

    def test_it_counts_messages_by_status_with_a_percentage(self) -> None:
        response = self.client.get(self.url, {"shown": "sending"}, **HTMX)
        self.assertTemplateUsed(response, "campaigns/progress.html")
        self.assertTemplateNotUsed(response, "base.html")
        for status, count in (("queued", 3), ("sending", 1), ("sent", 5), ("failed", 1)):
            self.assertContains(response, f'data-count="{status}">{count}<')
        self.assertContains(response, 'data-count="total">10<')
        self.assertContains(response, 'aria-valuenow="60"')
        self.assertContains(response, "width: 60%")

    def test_it_polls_every_two_seconds_while_sending(self) -> None:
        response = self.client.get(self.url, {"shown": "sending"}, **HTMX)
        self.assertContains(response, f'hx-get="{self.url}?shown=sending"')
        self.assertContains(response, 'hx-trigger="every 2s"')

    def test_it_stops_polling_when_the_status_is_final(self) -> None:
        for status in (CampaignStatus.SENT, CampaignStatus.CANCELLED, CampaignStatus.FAILED):
            with self.subTest(status=status):
                self.set(status=status)
                response = self.client.get(self.url, {"shown": status}, **HTMX)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "hx-trigger")

    def test_a_new_status_reloads_the_page_so_its_buttons_match(self) -> None:
        self.set(status=CampaignStatus.PAUSED)
        response = self.client.get(self.url, {"shown": "sending"}, **HTMX)
        self.assertEqual(response["HX-Refresh"], "true")

    def test_the_detail_page_shows_it(self) -> None:
        response = self.client.get(reverse("campaigns:detail", args=[self.campaign.code]))
        self.assertContains(response, 'id="campaign-progress"')
        self.assertContains(response, 'hx-trigger="every 2s"')
        self.assertContains(response, 'data-count="sent">5<')

    def test_a_campaign_without_messages_shows_nothing_sent(self) -> None:
        self.set(status=CampaignStatus.CANCELLED, mailing=None)
        response = self.client.get(self.url, **HTMX)
        self.assertContains(response, "Nothing was sent.")
        self.assertNotContains(response, "hx-trigger")
