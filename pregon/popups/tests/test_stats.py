from django.test import TestCase

from pregon.popups import stats
from pregon.popups.models import Popup, PopupEvent, PopupEventKind
from pregon.testing.popup_reports import ACTIVITY_PAGE, COURSE_PAGE, at, reported_popup


class StatsTestCase(TestCase):
    def setUp(self) -> None:
        self.popup = reported_popup()

    def test_it_counts_each_figure_of_people_only(self) -> None:
        self.assertEqual(
            stats.figures(self.popup),
            {
                "views": 5,
                "visitors": 4,
                "clicks": 2,
                "closes": 1,
                "submissions": 1,
                "conversions": 1,
                "click_rate": 40.0,
            },
        )

    def test_machine_events_change_no_figure(self) -> None:
        before = stats.figures(self.popup)
        for kind in PopupEventKind.values:
            PopupEvent.objects.create(popup=self.popup, kind=kind, visitor="zz", machine="bot")
        self.assertEqual(stats.figures(self.popup), before)

    def test_a_popup_without_views_has_no_click_rate(self) -> None:
        empty = Popup.objects.create(name="Vacía", title="Vacía")
        figures = stats.figures(empty)
        self.assertEqual(figures["views"], 0)
        self.assertIsNone(figures["click_rate"])
        self.assertEqual(stats.by_day(empty).labels, [])

    def test_figures_of_several_popups_agree_with_each_and_honour_the_period(self) -> None:
        other = reported_popup("Otra")
        empty = Popup.objects.create(name="Vacía", title="Vacía")
        together = stats.figures_of([self.popup, other, empty])
        self.assertEqual(together[self.popup.id], stats.figures(self.popup))
        self.assertEqual(together[other.id], stats.figures(other))
        self.assertEqual(together[empty.id]["views"], 0)
        self.assertIsNone(together[empty.id]["click_rate"])
        since_sunday = stats.figures_of([self.popup], since=at(2 * 24 * 60 - 3 * 60))
        self.assertEqual(since_sunday[self.popup.id]["views"], 1)
        self.assertEqual(since_sunday[self.popup.id]["click_rate"], 100.0)

    def test_days_are_lima_days_with_the_empty_ones_between(self) -> None:
        series = stats.by_day(self.popup)
        # v3's view at 23:30 in Lima is already the 21st in UTC: it counts on the 20th.
        self.assertEqual(series.labels, ["2026-11-20", "2026-11-21", "2026-11-22"])
        self.assertEqual(series.views, [4, 0, 1])
        self.assertEqual(series.clicks, [1, 0, 1])

    def test_hours_are_lima_hours(self) -> None:
        series = stats.by_hour(self.popup)
        self.assertEqual(len(series.labels), 24)
        self.assertEqual((series.views[10], series.views[23], series.views[8]), (3, 1, 1))
        self.assertEqual((series.clicks[10], series.clicks[8]), (1, 1))
        self.assertEqual((sum(series.views), sum(series.clicks)), (5, 2))

    def test_breakdowns_by_page_course_and_device(self) -> None:
        self.assertEqual(
            [(r.key, r.views, r.visitors, r.clicks) for r in stats.by_page(self.popup)],
            [(COURSE_PAGE, 3, 2, 1), (ACTIVITY_PAGE, 1, 1, 1), ("/my/", 1, 1, 0)],
        )
        self.assertEqual(
            [(r.key, r.views, r.clicks) for r in stats.by_course(self.popup)],
            [(12, 3, 1), (7, 1, 1), (None, 1, 0)],
        )
        devices = stats.by_device(self.popup)
        self.assertEqual(
            [(r.key, r.views, r.clicks) for r in devices], [("desktop", 3, 2), ("phone", 2, 0)]
        )
        self.assertAlmostEqual(devices[0].click_rate, 200 / 3)
