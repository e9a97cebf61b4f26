import datetime

from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.testing import BaseTestCase, drafts

CHANGED = "The campaign already changed; reload to see its state."


class CampaignDeleteTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.campaign = drafts.draft(to=drafts.mailing_list(count=2))
        self.url = reverse("campaigns:delete", args=[self.campaign.code])
        self.detail = f"/campanas/{self.campaign.code}/"
        self.client.force_login(self.bob)

    def test_the_address_is_in_spanish(self) -> None:
        self.assertEqual(self.url, f"/campanas/{self.campaign.code}/eliminar/")

    def test_analysts_may_not_delete(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertTrue(Campaign.objects.exists())

    def test_an_unknown_campaign_is_not_found(self) -> None:
        url = reverse("campaigns:delete", args=["00000000-0000-0000-0000-000000000000"])
        self.assertEqual(self.client.post(url).status_code, 404)

    def test_a_draft_offers_delete(self) -> None:
        response = self.client.get(self.detail)
        self.assertContains(response, f'href="{self.url}"')

    def test_other_statuses_do_not_offer_it(self) -> None:
        self.campaign.schedule(datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC))
        response = self.client.get(self.detail)
        self.assertNotContains(response, f'href="{self.url}"')

    def test_it_asks_first(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "Delete the draft “Curso de diciembre”?")
        self.assertContains(response, f'href="{self.detail}"')
        self.assertTrue(Campaign.objects.exists())

    def test_it_deletes_and_audits(self) -> None:
        response = self.client.post(self.url, follow=True)
        self.assertRedirects(response, "/campanas/")
        self.assertContains(response, "Campaign “Curso de diciembre” deleted.")
        self.assertFalse(Campaign.objects.exists())
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual(entry.target, "Curso de diciembre")
        self.assertEqual(entry.actor, self.bob)
        self.assertEqual(entry.detail, {"kind": "campaign"})

    def test_a_campaign_scheduled_meanwhile_is_kept(self) -> None:
        page = self.client.get(self.url)
        self.assertEqual(page.status_code, 200)
        self.campaign.schedule(datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC))
        response = self.client.post(self.url, follow=True)
        self.assertRedirects(response, self.detail)
        self.assertContains(response, CHANGED)
        self.assertEqual(Campaign.objects.get().status, CampaignStatus.SCHEDULED)
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.DELETION).exists())

    def test_a_started_campaign_is_not_even_asked_about(self) -> None:
        Campaign.objects.filter(pk=self.campaign.pk).update(status=CampaignStatus.SENT)
        response = self.client.get(self.url, follow=True)
        self.assertRedirects(response, self.detail)
        self.assertContains(response, CHANGED)
        self.assertTrue(Campaign.objects.exists())

    def test_it_rejects_other_methods(self) -> None:
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertTrue(Campaign.objects.exists())
