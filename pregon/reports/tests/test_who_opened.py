"""Who opened, alike everywhere: the report's figures, its lists and their CSV, the segment
rules (and so a resend to those who did not open) and the API.

Events arrive as in production, through the tracking addresses and the spool's flush. A
Gmail reader's open comes through Google's image proxy, which fetches only when a person
opens the message: it counts as that person's. Apple Mail Privacy Protection's open and a
link scanner's click stay machines'. A click without a recorded open counts as an open.
"""

import csv
import datetime
import io
from urllib.parse import urlsplit

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pregon.campaigns import scheduling
from pregon.contacts.segments import filter_contacts
from pregon.reports import stats
from pregon.sending import links
from pregon.sending.models import Message, MessageStatus
from pregon.testing.api import ApiTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.tracking import spool

GMAIL_PROXY = (
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
)
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
GMAIL, APPLE, SCANNED, CLICKER, NOBODY = (f"persona{n:04d}@example.pe" for n in range(5))
# People: Gmail's reader, and the person who clicked without loading the pixel.
OPENED = [GMAIL, CLICKER]
NOT_OPENED = [APPLE, SCANNED, NOBODY]


class WhoOpenedTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.campaign = campaign_to(contacts_on_a_list(5))
        scheduling.start_due_campaigns()
        self.campaign.refresh_from_db()
        self.mailing = self.campaign.mailing
        self.mailing.links = ["https://aula.example.gob.pe/a", "https://aula.example.gob.pe/b"]
        self.mailing.save()
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        Message.objects.update(status=MessageStatus.SENT, sent_at=an_hour_ago)
        self.reader = Client()
        self.open(GMAIL, GMAIL_PROXY, "66.249.84.12")
        self.open(APPLE, "Mozilla/5.0", "17.58.101.4")
        self.click(SCANNED, "Mimecast URL Protect/1.0")
        self.click(CLICKER, IPHONE)
        spool.flush()
        self.client.force_login(self.bob)

    def message(self, email: str) -> Message:
        return Message.objects.get(email=email)

    def open(self, email: str, user_agent: str, ip: str) -> None:
        token = links.open_token(self.message(email).pk)
        response = self.reader.get(f"/t/o/{token}.gif", HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
        self.assertEqual(response.status_code, 200)

    def click(self, email: str, user_agent: str) -> None:
        address = links.context(self.message(email).pk, 2)["tracking_link_0"]
        response = self.reader.get(urlsplit(address).path, HTTP_USER_AGENT=user_agent)
        self.assertEqual(response.status_code, 302)

    def exported(self, slug: str, **params: str) -> list[str]:
        url = reverse("reports:campaign_export", args=[self.campaign.code, slug])
        response = self.client.get(url, {"format": "csv", **params})
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        return sorted(row[0] for row in list(csv.reader(io.StringIO(body)))[1:])

    def segment(self, operator: str, value: object = None) -> list[str]:
        rules = {
            "match": "all",
            "rules": [{"field": "opened", "operator": operator, "value": value}],
        }
        return sorted(contact.email for contact in filter_contacts(rules))

    def test_the_figures_count_gmail_and_the_clicker_as_openers(self) -> None:
        figures = stats.figures(self.mailing)
        human, raw = figures.human, figures.raw
        self.assertEqual((human.opened_unique, human.opened_total, human.not_opened), (2, 1, 3))
        self.assertEqual((raw.opened_unique, raw.opened_total, raw.not_opened), (4, 2, 1))
        self.assertEqual(human.open_rate, 2 / 5)

    def test_the_lists_and_their_csv_say_the_same(self) -> None:
        page = self.client.get(
            reverse("reports:campaign_people", args=[self.campaign.code, "no-abrieron"])
        )
        self.assertContains(page, 'data-count="3"')
        self.assertNotContains(page, GMAIL)
        self.assertNotContains(page, CLICKER)
        self.assertEqual(self.exported("abrieron"), OPENED)
        self.assertEqual(self.exported("no-abrieron"), NOT_OPENED)
        self.assertEqual(self.exported("no-abrieron", eventos="todos"), [NOBODY])

    def test_a_resend_to_those_who_did_not_open_skips_them(self) -> None:
        self.assertEqual(self.segment("in_campaigns", [self.campaign.pk]), OPENED)
        self.assertEqual(self.segment("not_in_campaigns", [self.campaign.pk]), NOT_OPENED)
        self.assertEqual(self.segment("ever"), OPENED)
        self.assertEqual(self.segment("never"), NOT_OPENED)
        self.assertEqual(self.segment("any_in_last_days", 7), OPENED)

    def test_the_api_says_the_same(self) -> None:
        report = self.call("GET", f"/campaigns/{self.campaign.code}/report").json()
        self.assertEqual(report["figures"]["human"]["opened_unique"], 2)
        self.assertEqual(report["figures"]["human"]["not_opened"], 3)
        self.assertEqual(dict((t["name"], t["people"]) for t in report["clients"])["Gmail"], 1)
        rules = {
            "match": "all",
            "rules": [
                {"field": "opened", "operator": "not_in_campaigns", "value": [self.campaign.pk]}
            ],
        }
        self.assertEqual(self.call("POST", "/segments/count", {"rules": rules}).json()["count"], 3)
        events = self.call("GET", f"/campaigns/{self.campaign.code}/events").json()["items"]
        machines = {(event["email"], event["kind"]): event["machine"] for event in events}
        self.assertEqual(machines[(GMAIL, "opened")], "")
        self.assertEqual(machines[(APPLE, "opened")], "apple_privacy")
        self.assertEqual(machines[(SCANNED, "clicked")], "scanner")
        self.assertEqual(machines[(CLICKER, "clicked")], "")
