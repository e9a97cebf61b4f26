"""The A/B test report: the variants side by side, with the difference from the leader and
a two-proportion test said in words."""

from django.urls import reverse

from pregon.campaigns.ab_forms import AbTestForm
from pregon.reports.ab import two_proportion_p_value
from pregon.testing import BaseTestCase, drafts
from pregon.testing.ab import ab_draft, opened, sent_portion, started
from pregon.tracking.models import EventKind

SETTINGS = {"kind": "subject", "portion": 20, "wait_hours": 4, "metric": "opens"}


class AbReportTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # 200 contacts, half in the test: 50 get A and 50 get B.
        self.campaign = started(ab_draft(contacts=200, portion=50))
        self.by_variant = sent_portion(self.campaign)
        self.url = reverse("reports:ab", args=[self.campaign.code])
        self.client.force_login(self.charlie)

    def row(self, response: object, letter: str) -> str:
        content = response.content.decode()
        start = content.index(f'<tr data-variant="{letter}"')
        return content[start : content.index("</tr>", start)]

    def test_a_clear_difference_is_larger_than_chance(self) -> None:
        # A: 25 of 50 people opened (50 %); B: 10 of 50 (20 %), plus 20 machine opens and
        # 5 clicks among its openers, one of whom converted.
        opened(self.by_variant[1][:25])
        opened(self.by_variant[2][:10])
        opened(self.by_variant[2][10:30], machine="apple_mpp")
        opened(self.by_variant[2][:5], kind=EventKind.CLICKED)
        opened(self.by_variant[2][:1], kind=EventKind.CONVERTED)
        self.use_spanish()
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        a, b = self.row(response, "A"), self.row(response, "B")
        self.assertIn("Va adelante", a)
        self.assertIn('data-opens="25"', a)
        self.assertIn("50,0 %", a)
        self.assertIn('data-opens="10"', b)
        self.assertIn('data-clicks="5"', b)
        self.assertIn('data-conversions="1"', b)
        self.assertIn("\N{MINUS SIGN}30,0", b)
        self.assertIn("La diferencia es mayor que la que daría el azar (95 % de confianza).", b)
        self.assertIn("data-significant", b)
        self.assertContains(response, 'id="ab-chart"')

    def test_a_small_difference_could_be_chance(self) -> None:
        opened(self.by_variant[1][:12])
        opened(self.by_variant[2][:10])
        self.use_spanish()
        b = self.row(self.client.get(self.url), "B")
        self.assertIn("\N{MINUS SIGN}4,0", b)
        self.assertIn("La diferencia podría deberse al azar", b)
        self.assertNotIn("data-significant", b)

    def test_the_test_matches_the_textbook(self) -> None:
        # 25/50 against 10/50: z = 3.15, two-sided p = 0.0016.
        self.assertAlmostEqual(two_proportion_p_value(25, 50, 10, 50), 0.00164, places=4)
        self.assertEqual(two_proportion_p_value(0, 50, 0, 50), 1.0)
        self.assertIsNone(two_proportion_p_value(3, 0, 1, 10))

    def test_the_campaign_report_links_to_it(self) -> None:
        report = self.client.get(reverse("reports:campaign", args=[self.campaign.code]))
        self.assertContains(report, f'href="{self.url}" id="report-ab"')

    def test_a_campaign_without_a_test_or_not_started_has_none(self) -> None:
        plain = drafts.draft()
        self.assertEqual(self.client.get(reverse("reports:ab", args=[plain.code])).status_code, 404)
        form = AbTestForm(plain, {**SETTINGS, "subject_1": "Uno", "subject_2": "Dos"})
        form.is_valid()
        form.save()  # Set up, not started.
        self.assertEqual(self.client.get(reverse("reports:ab", args=[plain.code])).status_code, 404)
        report = self.client.get(reverse("reports:campaign", args=[plain.code]))
        self.assertNotContains(report, 'id="report-ab"')

    def test_anonymous_users_go_to_login(self) -> None:
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)
