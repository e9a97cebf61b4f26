"""The campaign report, its list of conversions, its export and its PDF say which method
measured each conversion: the Moodle sync, the script's pixel, the API, or none recorded
(conversions from before the method was kept)."""

import csv
import datetime
import io

from django.db import transaction
from django.urls import reverse

from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact
from pregon.lib import events
from pregon.moodle.models import Connection, Course, Enrolment
from pregon.sending.models import Message
from pregon.testing.api import ApiTestCase
from pregon.testing.pdf import read
from pregon.testing.reports import MORNING, reported_campaign
from pregon.tracking import conversions
from pregon.tracking.models import Event, EventKind


def rows_of(html: str, table_id: str) -> list[tuple[str, str]]:
    """(data-method, data-count) of each row of the table ``table_id``, in order."""
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    rows = []
    for part in table.split('<tr data-method="')[1:]:
        method = part[: part.index('"')]
        count = part[part.index('data-count="') + len('data-count="') :]
        rows.append((method, count[: count.index('"')]))
    return rows


class ConversionMethodsReportTestCase(ApiTestCase):
    """reported_campaign's persona2 converted before methods were kept; here persona3's
    enrolment is reported by the pixel, persona7's by the API, and persona6's (who clicked)
    found by a Moodle sync."""

    def setUp(self) -> None:
        super().setUp()
        self.campaign = reported_campaign()
        course = Course.objects.create(moodle_id=12, fullname="Contrataciones", shortname="CE")
        Campaign.objects.filter(pk=self.campaign.pk).update(course=course)
        Connection.objects.create(url="https://aula.example.gob.pe")
        message = {m.email: m for m in Message.objects.filter(mailing=self.campaign.mailing)}
        pixel = self.client.get(f"/t/v/{conversions.token(message['persona3@example.pe'].pk)}.gif")
        self.assertEqual(pixel.status_code, 200)
        token = conversions.token(message["persona7@example.pe"].pk)
        self.assertEqual(self.call("POST", "/conversions", {"token": token}).status_code, 201)
        enrolled = message["persona6@example.pe"]
        at = MORNING + datetime.timedelta(days=1)
        with transaction.atomic():
            Enrolment.objects.create(course=course, contact=enrolled.contact, enrolled_at=at)
            payload = {"contact": enrolled.contact_id, "course": course.pk, "at": at.isoformat()}
            events.emit(events.MOODLE_ENROLLED, [payload])
        self.client.force_login(self.charlie)

    def test_the_report_counts_conversions_by_method_the_sync_first(self) -> None:
        response = self.client.get(reverse("reports:campaign", args=[self.campaign.code]))
        html = response.content.decode()
        self.assertEqual(
            rows_of(html, "report-conversion-methods"),
            [("moodle", "1"), ("script", "1"), ("api", "1"), ("unknown", "1")],
        )
        self.assertContains(response, "Moodle sync")
        self.assertContains(response, "Not recorded (a conversion from before Pregón kept")
        # The polled part says the same, from the snapshot the page left.
        live = self.client.get(reverse("reports:campaign_live", args=[self.campaign.code]))
        self.assertEqual(
            rows_of(live.content.decode(), "report-conversion-methods"),
            rows_of(html, "report-conversion-methods"),
        )

    def test_the_list_and_its_export_say_which_method_measured_each(self) -> None:
        self.client.force_login(self.bob)
        url = reverse("reports:campaign_people", args=[self.campaign.code, "conversiones"])
        html = self.client.get(url).content.decode()
        cells = [
            cell.split(">", 1)[1].split("</td>", 1)[0]
            for cell in html.split('data-column="measured_by"')[1:]
        ]
        self.assertEqual(
            sorted(cells),
            sorted(
                [
                    "Moodle sync",
                    "Script in the classroom&#x27;s page",
                    "The classroom&#x27;s server, through the API",
                    "Not recorded (a conversion from before Pregón kept the method)",
                ]
            ),
        )
        export = reverse("reports:campaign_export", args=[self.campaign.code, "conversiones"])
        body = b"".join(self.client.get(export, {"format": "csv"}).streaming_content)
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        codes = {row[0]: row[-1] for row in rows[1:]}
        self.assertEqual(rows[0][-2:], ["Measured by", "Measured by (code)"])
        self.assertEqual(
            codes,
            {
                "persona2@example.pe": "unknown",
                "persona3@example.pe": "script",
                "persona6@example.pe": "moodle",
                "persona7@example.pe": "api",
            },
        )

    def test_the_pdf_lists_the_methods(self) -> None:
        response = self.client.get(reverse("reports:campaign_pdf", args=[self.campaign.code]))
        text = read(response.content).text
        self.assertIn("4 conversions: 66.7 % of the messages delivered.", text)
        self.assertIn("How the conversions were measured", text)
        methods = ["Moodle sync", "Script in the classroom's page"]
        methods += ["The classroom's server, through the API", "Not recorded (a conversion"]
        positions = [text.index(method) for method in methods]
        self.assertEqual(positions, sorted(positions))

    def test_a_campaign_with_no_conversion_shows_no_methods(self) -> None:
        Event.objects.filter(kind=EventKind.CONVERTED).delete()
        response = self.client.get(reverse("reports:campaign", args=[self.campaign.code]))
        self.assertNotContains(response, "report-conversion-methods")
        text = read(
            self.client.get(reverse("reports:campaign_pdf", args=[self.campaign.code])).content
        ).text
        self.assertNotIn("How the conversions were measured", text)

    def test_the_api_gives_the_counts_and_each_conversions_method(self) -> None:
        url = f"/campaigns/{self.campaign.code}"
        figures = self.call("GET", url + "/report").json()["figures"]
        self.assertEqual(
            figures["conversions_by_method"], {"moodle": 1, "script": 1, "api": 1, "": 1}
        )
        items = self.call("GET", url + "/events", {"kind": "converted"}).json()["items"]
        self.assertEqual(
            {item["email"]: item["method"] for item in items},
            {
                "persona2@example.pe": "",
                "persona3@example.pe": "script",
                "persona6@example.pe": "moodle",
                "persona7@example.pe": "api",
            },
        )
        clicks = self.call("GET", url + "/events", {"kind": "clicked"}).json()["items"]
        self.assertEqual({item["method"] for item in clicks}, {""})

    def test_a_contacts_history_says_how_each_conversion_was_measured(self) -> None:
        self.client.force_login(self.bob)
        for email, words in (
            ("persona6@example.pe", "matricula · measured by: Moodle sync"),
            ("persona2@example.pe", "matricula · measured by: Not recorded (a conversion"),
        ):
            with self.subTest(email):
                contact = Contact.objects.get(email=email)
                url = reverse("reports:contact_history", args=[contact.code])
                self.assertContains(self.client.get(url), words)
