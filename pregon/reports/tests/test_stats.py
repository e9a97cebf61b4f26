from django.test import TestCase

from pregon.reports import stats
from pregon.sending.models import Mailing
from pregon.testing.reports import LINKS, reported_campaign


class StatsTestCase(TestCase):
    def setUp(self) -> None:
        self.mailing = reported_campaign().mailing

    def test_it_counts_messages_and_bounces(self) -> None:
        figures = stats.figures(self.mailing)
        self.assertEqual(figures.recipients, 10)
        self.assertEqual(figures.sent, 8)
        self.assertEqual(figures.delivered, 6)
        self.assertEqual((figures.bounced_hard, figures.bounced_soft), (2, 1))
        self.assertEqual(figures.complaints, 1)
        self.assertEqual(figures.unsubscribed, 1)
        self.assertEqual(figures.conversions, 1)
        self.assertAlmostEqual(figures.conversion_rate, 1 / 6)

    def test_human_figures_leave_machines_out_and_count_a_click_as_an_open(self) -> None:
        human = stats.figures(self.mailing).human
        self.assertEqual(human.opened_unique, 4)
        self.assertEqual(human.opened_total, 4)
        self.assertEqual(human.not_opened, 2)
        self.assertEqual(human.clicked_unique, 3)
        self.assertEqual(human.clicked_total, 4)
        self.assertAlmostEqual(human.click_through_rate, 3 / 6)
        self.assertAlmostEqual(human.click_to_open_rate, 3 / 4)
        self.assertAlmostEqual(human.open_rate, 4 / 6)

    def test_raw_figures_count_every_event(self) -> None:
        raw = stats.figures(self.mailing).raw
        self.assertEqual((raw.opened_unique, raw.opened_total), (6, 5))
        self.assertEqual((raw.clicked_unique, raw.clicked_total), (4, 5))
        self.assertEqual(raw.not_opened, 0)
        self.assertAlmostEqual(raw.click_to_open_rate, 4 / 6)

    def test_a_mailing_with_nothing_yet_has_no_rates(self) -> None:
        empty = Mailing.objects.create(subject="Nada", html="", text="", sender=self.mailing.sender)
        figures = stats.figures(empty)
        self.assertEqual((figures.sent, figures.delivered, figures.human.opened_unique), (0, 0, 0))
        self.assertIsNone(figures.human.click_through_rate)
        self.assertIsNone(figures.conversion_rate)
        self.assertEqual(stats.over_time(empty).labels, [])

    def test_it_counts_clicks_per_link_with_their_share(self) -> None:
        human = stats.clicks_per_link(self.mailing)
        self.assertEqual([link.url for link in human], LINKS)
        self.assertEqual([(link.unique, link.total) for link in human], [(2, 2), (1, 2)])
        self.assertEqual([link.share for link in human], [0.5, 0.5])
        raw = stats.clicks_per_link(self.mailing, human=False)
        self.assertEqual([(link.unique, link.total) for link in raw], [(3, 3), (1, 2)])
        self.assertAlmostEqual(raw[0].share, 3 / 5)

    def test_hours_of_the_day_are_in_the_account_time_zone(self) -> None:
        series = stats.by_hour_of_day(self.mailing)
        self.assertEqual(len(series.labels), 24)
        self.assertEqual((series.opens[10], series.opens[21]), (3, 1))
        self.assertEqual(series.clicks[10], 4)
        self.assertEqual(sum(series.opens) + sum(series.clicks), 8)
        raw = stats.by_hour_of_day(self.mailing, human=False)
        self.assertEqual((raw.opens[10], raw.clicks[10]), (4, 5))

    def test_over_time_has_every_hour_from_the_first_event_to_the_last(self) -> None:
        series = stats.over_time(self.mailing)
        self.assertEqual(series.labels[0], "2026-11-20 10:00")
        self.assertEqual(series.labels[-1], "2026-11-20 21:00")
        self.assertEqual(len(series.labels), 12)
        self.assertEqual((series.opens[0], series.clicks[0], series.opens[-1]), (3, 4, 1))
        self.assertEqual(sum(series.opens[1:-1]) + sum(series.clicks[1:]), 0)

    def test_it_tallies_people_by_mail_client_and_device(self) -> None:
        self.assertEqual(
            stats.mail_clients(self.mailing), [("Gmail", 2), ("Apple Mail", 1), ("Outlook", 1)]
        )
        self.assertEqual(stats.devices(self.mailing), [("desktop", 2), ("mobile", 2)])
        raw_devices = dict(stats.devices(self.mailing, human=False))
        self.assertEqual((raw_devices["other"], raw_devices[""]), (1, 1))
