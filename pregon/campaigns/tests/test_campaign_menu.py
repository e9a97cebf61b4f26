from django.urls import reverse

from pregon.testing import BaseTestCase

QUOTA_LINK = '<a class="nav-link" href="/informes/consumo/">Consumption</a>'
QUOTA_ITEM = '<a class="dropdown-item" href="/informes/consumo/">Consumption</a>'


class CampaignMenuTestCase(BaseTestCase):
    """The navigation's way to the campaign screens, by role (templates/base.html)."""

    def test_analysts_get_a_quota_link_and_no_campaigns_menu(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("home"))
        self.assertContains(response, QUOTA_LINK, count=1)
        self.assertNotContains(response, QUOTA_ITEM)
        self.assertNotContains(response, 'href="/campanas/"')
        self.assertEqual(self.client.get("/informes/consumo/").status_code, 200)

    def test_editors_find_the_quota_in_the_campaigns_menu(self) -> None:
        for user in (self.bob, self.alice):
            self.client.force_login(user)
            response = self.client.get(reverse("home"))
            self.assertContains(response, QUOTA_ITEM, count=1)
            self.assertNotContains(response, QUOTA_LINK)
            self.assertContains(response, 'href="/campanas/"')
