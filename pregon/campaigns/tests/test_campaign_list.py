import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

from pregon.campaigns.models import CampaignStatus
from pregon.sending.models import Mailing, Message, MessageStatus
from pregon.testing import BaseTestCase, drafts


class CampaignListTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("campaigns:index")
        self.client.force_login(self.bob)

    def test_the_address_is_in_spanish(self) -> None:
        self.assertEqual(self.url, "/campanas/")

    def test_analysts_may_not_see_it(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_anonymous_users_go_to_login(self) -> None:
        self.client.logout()
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])

    def test_it_invites_to_create_the_first_one(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "No campaigns yet.")
        self.assertContains(response, 'href="/campanas/nueva/"')

    def test_it_lists_a_draft_with_its_audience(self) -> None:
        campaign = drafts.draft(to=drafts.mailing_list(count=3))
        response = self.client.get(self.url)
        self.assertContains(response, f'href="/campanas/{campaign.code}/"')
        self.assertContains(response, "Curso de diciembre")
        self.assertContains(response, 'data-status="draft"')
        self.assertContains(response, 'data-recipients="3"')

    def test_a_scheduled_time_is_shown_in_the_accounts_time_zone(self) -> None:
        at = datetime.datetime(2030, 3, 5, 23, 0, tzinfo=datetime.UTC)  # 18:00 in Lima.
        campaign = drafts.draft(to=drafts.mailing_list())
        campaign.schedule(at)
        response = self.client.get(self.url)
        self.assertContains(response, "Scheduled for 03/05/2030 6 p.m.")
        self.assertContains(response, "Times are in America/Lima.")
        self.assertEqual(ZoneInfo("America/Lima").utcoffset(at), datetime.timedelta(hours=-5))

    def test_a_started_campaign_counts_its_messages(self) -> None:
        campaign = drafts.draft()
        mailing = Mailing.objects.create(
            subject="Hola", html="<p>Hola</p>", text="Hola", sender=campaign.sender
        )
        for n, status in enumerate([MessageStatus.SENT, MessageStatus.SENT, MessageStatus.QUEUED]):
            Message.objects.create(mailing=mailing, email=f"p{n}@example.pe", status=status)
        campaign.mailing = mailing
        campaign.status = CampaignStatus.SENDING
        campaign.save()
        response = self.client.get(self.url)
        self.assertContains(response, 'data-status="sending"')
        self.assertContains(response, 'data-recipients="3"')
        self.assertContains(response, 'data-sent="2"')
