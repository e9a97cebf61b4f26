"""The pop-up's report screen: its figures, breakdowns and known people (people's events
only), and the people's CSV export, by role."""

import csv
import io

from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Contact
from pregon.popups.models import Popup, PopupEvent, PopupEventKind
from pregon.testing import BaseTestCase
from pregon.testing.popup_reports import reported_popup


class PopupReportTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.popup = reported_popup()
        self.url = reverse("popups:report", args=[self.popup.code])
        self.export_url = reverse("popups:report_export", args=[self.popup.code])
        self.client.force_login(self.bob)

    def csv_rows(self, response: object) -> list[list[str]]:
        body = b"".join(response.streaming_content)
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"))
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))

    def test_it_shows_each_figure_of_people_only(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        cards = {key: value for key, _label, value in response.context["cards"]}
        self.assertEqual(
            cards,
            {
                "views": 5,
                "visitors": 4,
                "clicks": 2,
                "click_rate": 40.0,
                "closes": 1,
                "submissions": 1,
                "conversions": 1,
            },
        )
        self.assertContains(response, "40.0 %")

    def test_it_charts_lima_days_and_hours(self) -> None:
        response = self.client.get(self.url)
        days = response.context["days_chart"]
        self.assertEqual(days["labels"], ["2026-11-20", "2026-11-21", "2026-11-22"])
        self.assertEqual([d["data"] for d in days["datasets"]], [[4, 0, 1], [1, 0, 1]])
        self.assertContains(response, 'id="chart-days"')
        self.assertContains(response, 'data-chart="chart-hours"')
        self.assertContains(response, "js/account-charts.js")

    def test_it_breaks_views_down_by_page_course_and_device(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "/course/view.php")
        self.assertContains(response, "Course 12")
        self.assertContains(response, "Outside any course")
        devices = [(label, row.views, row.clicks) for label, row in response.context["devices"]]
        self.assertEqual(devices, [("Computer", 3, 2), ("Phone", 2, 0)])

    def test_people_are_the_known_contacts_a_person_was(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'data-count="2"')
        self.assertContains(response, "ana@example.pe")
        self.assertContains(response, "beto@example.pe")
        # carla met it only through a bot.
        self.assertNotContains(response, "carla@example.pe")

    def test_the_export_lists_people_with_when_and_what(self) -> None:
        rows = self.csv_rows(self.client.get(self.export_url))
        self.assertEqual(
            rows[0],
            [
                "Email address",
                "First name",
                "Last name",
                "First time",
                "Last time",
                "Views",
                "Clicks",
                "Forms sent",
                "Conversions",
            ],
        )
        # beto's last event (Sunday) is the newest; times in Lima.
        self.assertEqual(
            rows[1:],
            [
                [
                    "beto@example.pe",
                    "Beto",
                    "",
                    "2026-11-22 08:00:00",
                    "2026-11-22 09:00:00",
                    "1",
                    "1",
                    "0",
                    "1",
                ],
                [
                    "ana@example.pe",
                    "Ana",
                    "",
                    "2026-11-20 23:30:00",
                    "2026-11-20 23:31:00",
                    "1",
                    "0",
                    "1",
                    "0",
                ],
            ],
        )
        entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
        self.assertEqual((entry.target, entry.detail["rows"]), (f"pop-up {self.popup.code}", 2))

    def test_the_export_cannot_carry_a_formula(self) -> None:
        mallory = Contact.objects.create(email="mallory@example.pe", first_name="=HYPERLINK(1)")
        PopupEvent.objects.create(popup=self.popup, kind=PopupEventKind.VIEWED, contact=mallory)
        rows = self.csv_rows(self.client.get(self.export_url))
        names = [row[1] for row in rows if row[0] == "mallory@example.pe"]
        self.assertEqual(names, ["'=HYPERLINK(1)"])

    def test_a_popup_nobody_saw_says_so(self) -> None:
        empty = Popup.objects.create(name="Vacía", title="Vacía")
        response = self.client.get(reverse("popups:report", args=[empty.code]))
        self.assertContains(response, 'id="report-nothing"')
        self.assertContains(response, 'id="people-empty"')
        self.assertNotContains(response, "chart.umd")

    def test_analysts_see_the_figures_but_not_who(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(self.url)
        self.assertContains(response, 'data-figure="views"')
        self.assertNotContains(response, "ana@example.pe")
        self.assertEqual(self.client.get(self.export_url).status_code, 403)

    def test_anonymous_visitors_go_to_the_login(self) -> None:
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)
        self.assertEqual(self.client.get(self.export_url).status_code, 302)

    def test_an_unknown_popup_is_not_found(self) -> None:
        url = reverse("popups:report", args=["00000000-0000-0000-0000-000000000000"])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_is_in_spanish_by_default(self) -> None:
        self.use_spanish()
        response = self.client.get(self.url)
        self.assertContains(response, "Visitantes únicos")
        self.assertContains(response, "40,0 %")
