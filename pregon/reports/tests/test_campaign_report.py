from django.urls import reverse

from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.sending.models import Message
from pregon.testing import BaseTestCase, drafts
from pregon.testing.reports import LINKS, refuse, reported_campaign

HTMX = {"HTTP_HX_REQUEST": "true"}


class CampaignReportTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.campaign = reported_campaign()
        self.url = reverse("reports:campaign", args=[self.campaign.code])
        self.live_url = reverse("reports:campaign_live", args=[self.campaign.code])
        self.client.force_login(self.charlie)

    def assertFigure(self, response: object, key: str, value: str) -> None:
        content = response.content.decode()
        start = content.index(f'data-figure="{key}"')
        self.assertIn(
            f'<div class="display-6" data-value>{value}</div>', content[start : start + 300]
        )

    def test_anonymous_users_go_to_login(self) -> None:
        self.client.logout()
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])

    def test_an_unknown_campaign_is_not_found(self) -> None:
        url = reverse("reports:campaign", args=["00000000-0000-0000-0000-000000000000"])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_analysts_see_people_figures_by_default(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertFigure(response, "sent", "8")
        self.assertFigure(response, "delivered", "6")
        self.assertFigure(response, "opened", "4")
        self.assertFigure(response, "not_opened", "2")
        self.assertFigure(response, "clicked", "3")
        self.assertFigure(response, "click_through_rate", "50.0 %")
        self.assertFigure(response, "click_to_open_rate", "75.0 %")
        self.assertFigure(response, "bounced_hard", "2")
        self.assertFigure(response, "bounced_soft", "1")
        self.assertFigure(response, "complaints", "1")
        self.assertFigure(response, "unsubscribed", "1")
        self.assertFigure(response, "conversions", "1")
        self.assertContains(response, "With Apple and antivirus: 6")
        self.assertContains(response, 'id="report-chart-data"')
        self.assertContains(
            response, reverse("reports:campaign_heatmap", args=[self.campaign.code])
        )

    def test_a_sending_side_rejection_is_undelivered_but_neither_hard_nor_soft(self) -> None:
        refuse(Message.objects.get(email="persona4@example.pe"))
        response = self.client.get(self.url)
        self.assertFigure(response, "delivered", "5")
        self.assertFigure(response, "not_opened", "1")
        self.assertFigure(response, "bounced_hard", "2")
        self.assertFigure(response, "bounced_soft", "1")
        self.assertFigure(response, "sending_side_rejections", "1")
        self.use_spanish()
        self.assertContains(self.client.get(self.url), "Rechazados por el lado del envío")

    def test_the_toggle_shows_every_event(self) -> None:
        response = self.client.get(self.url, {"eventos": "todos"})
        self.assertFigure(response, "opened", "6")
        self.assertFigure(response, "clicked", "4")
        self.assertContains(response, "People only (Gmail included): 4")

    def test_the_toggle_says_what_each_side_counts(self) -> None:
        self.use_spanish()
        response = self.client.get(self.url)
        self.assertContains(response, "Personas (incluye Gmail)")
        self.assertContains(response, "Todo, con aperturas y clics automáticos (Apple, antivirus)")
        self.assertContains(response, "Con Apple y antivirus: 6")
        self.client.force_login(self.bob)
        people = reverse("reports:campaign_people", args=[self.campaign.code, "no-abrieron"])
        self.assertContains(self.client.get(people), "Solo personas (incluye Gmail)")

    def test_it_lists_clicks_per_link(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'id="report-links" data-clicks="4"')
        for url in LINKS:
            self.assertContains(response, f'href="{url}"')
        self.assertContains(response, 'data-unique="2"')

    def test_it_speaks_spanish(self) -> None:
        self.use_spanish()
        response = self.client.get(self.url, {"eventos": "todos"})
        self.assertContains(response, '<html lang="es">')
        self.assertContains(response, "Las horas están en la zona horaria America/Lima.")
        self.assertFigure(response, "click_through_rate", "66,7 %")
        self.assertFigure(response, "conversions", "1")
        self.assertContains(response, "16,7 %")

    def test_the_live_part_polls_while_sending_and_stops_after(self) -> None:
        response = self.client.get(self.url)
        self.assertNotContains(response, "hx-trigger")
        Campaign.objects.filter(pk=self.campaign.pk).update(status=CampaignStatus.SENDING)
        response = self.client.get(self.live_url, **HTMX)
        self.assertTemplateNotUsed(response, "base.html")
        self.assertContains(response, 'hx-trigger="every 3s"')
        self.assertContains(response, f'hx-get="{self.live_url}?mailing=1"')
        self.assertFigure(response, "opened", "4")

    def test_a_campaign_that_starts_reloads_the_page(self) -> None:
        response = self.client.get(self.live_url, {"mailing": "0"}, **HTMX)
        self.assertEqual(response["HX-Refresh"], "true")

    def test_a_campaign_not_started_shows_nothing_yet(self) -> None:
        draft = drafts.draft(name="Otra")
        Campaign.objects.filter(pk=draft.pk).update(status=CampaignStatus.SCHEDULED)
        response = self.client.get(reverse("reports:campaign", args=[draft.code]))
        self.assertContains(response, 'id="report-nothing"')
        self.assertContains(response, "mailing=0")
        heatmap = reverse("reports:campaign_heatmap", args=[draft.code])
        self.assertEqual(self.client.get(heatmap).status_code, 404)

    def test_the_heatmap_marks_each_link_in_a_sandbox(self) -> None:
        url = reverse("reports:campaign_heatmap", args=[self.campaign.code])
        response = self.client.get(url)
        self.assertIn("sandbox", response["Content-Security-Policy"])
        self.assertContains(response, 'href="#" data-pregon-link="0"')
        self.assertContains(response, 'href="#" data-pregon-link="1"')
        self.assertContains(response, '"2 clicks · 50 %"')
        self.assertNotContains(response, "tracking_link")
        raw = self.client.get(url, {"eventos": "todos"})
        self.assertContains(raw, '"3 clicks · 60 %"')

    def test_campaign_pages_link_to_it(self) -> None:
        self.client.force_login(self.bob)
        detail = self.client.get(reverse("campaigns:detail", args=[self.campaign.code]))
        self.assertContains(detail, f'href="{self.url}" id="campaign-report"')
        index = self.client.get(reverse("campaigns:index"))
        self.assertContains(index, f'href="{self.url}"')
