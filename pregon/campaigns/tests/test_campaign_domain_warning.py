"""Before sending, a campaign from a domain that is not verified says so."""

from django.urls import reverse

from pregon.domains.models import DomainStatus, SendingDomain
from pregon.testing import BaseTestCase
from pregon.testing.drafts import draft, mailing_list


class CampaignDomainWarningTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        self.campaign = draft(to=mailing_list())
        self.url = reverse("campaigns:detail", args=[self.campaign.code])

    def test_an_unverified_domain_is_warned_about_before_sending(self) -> None:
        response = self.client.get(self.url)

        self.assertContains(response, 'id="domain-warning"')
        self.assertContains(
            response, "The domain escuela.example.pe of capacitacion@escuela.example.pe is not"
        )
        domain = SendingDomain.objects.get(name="escuela.example.pe")
        self.assertContains(response, f'href="/dominios/{domain.code}/"')
        # A warning, not a blocker: the send form is there.
        self.assertContains(response, 'id="campaign-send"')

    def test_a_verified_domain_is_not(self) -> None:
        SendingDomain.objects.update(status=DomainStatus.VERIFIED)
        self.assertNotContains(self.client.get(self.url), 'id="domain-warning"')

    def test_a_scheduled_campaign_still_warns_until_it_starts(self) -> None:
        self.campaign.schedule(self.campaign.created_at)
        self.assertContains(self.client.get(self.url), 'id="domain-warning"')
