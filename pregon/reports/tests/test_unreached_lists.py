"""The report's lists of every recipient, of the failed and of those not reached (with why),
beside the others, on the page and in the exports."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from pregon.campaigns.models import CampaignStatus
from pregon.sending.models import MailingStatus, Message, MessageStatus, SkipReason
from pregon.testing import BaseTestCase
from pregon.testing.reports import reported_campaign


class UnreachedListsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # 10 messages: persona0-7 sent, persona8 failed (no server answered), persona9 queued.
        self.campaign = reported_campaign(CampaignStatus.SENT_WITH_ERRORS)
        Message.objects.filter(email="persona8@example.pe").update(
            reply="127.0.0.1:2525 rechazó la conexión"
        )
        self.client.force_login(self.bob)

    def url(self, slug: str) -> str:
        return reverse("reports:campaign_people", args=[self.campaign.code, slug])

    def rows(self, slug: str) -> list[list[str]]:
        url = reverse("reports:campaign_export", args=[self.campaign.code, slug])
        body = b"".join(self.client.get(url, {"format": "csv"}).streaming_content)
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))

    def test_the_report_offers_the_new_lists_beside_the_others(self) -> None:
        report = self.client.get(reverse("reports:campaign", args=[self.campaign.code]))
        for slug in ("abrieron", "destinatarios", "fallidos", "no-recibieron"):
            self.assertContains(report, f'data-list="{slug}"')

    def test_every_recipient_with_the_status_of_their_message(self) -> None:
        Message.objects.filter(email="persona7@example.pe").update(
            status=MessageStatus.SKIPPED, skip_reason=SkipReason.FREQUENCY_CAP
        )
        page = self.client.get(self.url("destinatarios"))
        self.assertContains(page, 'data-count="10"')
        rows = self.rows("destinatarios")
        self.assertEqual(
            rows[0],
            [
                "Email address",
                "First name",
                "Last name",
                "Status",
                "Status (code)",
                "Why it was skipped",
                "Why it was skipped (code)",
                "Sent",
            ],
        )
        by_email = {row[0]: row for row in rows[1:]}
        self.assertEqual(len(by_email), 10)
        self.assertEqual(by_email["persona0@example.pe"][3:5], ["Sent", "sent"])
        self.assertEqual(by_email["persona7@example.pe"][5:7], ["Frequency cap", "frequency_cap"])
        self.assertEqual(by_email["persona9@example.pe"][3:5], ["Queued", "queued"])

    def test_the_failed_with_what_the_server_said(self) -> None:
        rows = self.rows("fallidos")
        self.assertEqual(rows[0][3:], ["Code", "What the server said"])
        self.assertEqual(
            rows[1:],
            [["persona8@example.pe", "Persona8", "", "", "127.0.0.1:2525 rechazó la conexión"]],
        )

    def test_those_not_reached_with_why_queued_ones_too_once_cancelled(self) -> None:
        page = self.client.get(self.url("no-recibieron"))
        self.assertContains(page, "The sending server could not be reached or took no message")
        self.assertEqual(
            [row[0] for row in self.rows("no-recibieron")[1:]], ["persona8@example.pe"]
        )

        self.campaign.mailing.status = MailingStatus.CANCELLED
        self.campaign.mailing.save()
        rows = self.rows("no-recibieron")
        self.assertEqual(rows[0][3:6], ["Why", "Why (code)", "What the server said"])
        self.assertEqual(
            [(row[0], row[4]) for row in rows[1:]],
            [("persona8@example.pe", "relay"), ("persona9@example.pe", "cancelled")],
        )

    def test_they_export_to_excel_in_spanish(self) -> None:
        self.use_spanish()
        url = reverse("reports:campaign_export", args=[self.campaign.code, "no-recibieron"])
        response = self.client.get(url, {"format": "xlsx"})
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        values = list(sheet.values)
        self.assertEqual(values[0][3], "Por qué")
        self.assertEqual(values[1][0], "persona8@example.pe")
        self.assertEqual(values[1][4], "relay")

    def test_analysts_cannot_see_who(self) -> None:
        self.client.force_login(self.charlie)
        for slug in ("destinatarios", "fallidos", "no-recibieron"):
            self.assertEqual(self.client.get(self.url(slug)).status_code, 403)
