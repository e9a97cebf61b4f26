"""Resends and the unreached in the API: the same rules and words as the screens, a draft
to schedule, 409 when the campaign cannot be resent so now, 422 for wrong values."""

import datetime

from pregon.campaigns.models import Campaign, CampaignStatus, ResendKind
from pregon.testing.api import ApiTestCase
from pregon.testing.reports import MORNING, reported_campaign


class ResendApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        # 10 messages: 8 sent, persona8 failed with no server's answer (the relay), persona9
        # still queued. People did not open 4 (only Apple's proxy did) and 5 (only a scanner
        # clicked); 0 and 1 bounced.
        self.campaign = reported_campaign(CampaignStatus.SENT_WITH_ERRORS)
        self.base = f"/campaigns/{self.campaign.code}"

    def test_the_unreached_are_listed_with_their_reason_and_counted(self) -> None:
        body = self.call("GET", f"{self.base}/unreached").json()
        self.assertEqual(body["count"], 1)
        item = body["items"][0]
        self.assertEqual((item["email"], item["reason"]), ("persona8@example.pe", "relay"))
        self.assertEqual(
            item["reason_text"], "The sending server could not be reached or took no message"
        )
        summary = self.call("GET", f"{self.base}/unreached/summary").json()
        self.assertEqual(
            (summary["total"], summary["incident_count"], summary["can_resend"]), (1, 1, True)
        )
        self.assertEqual(summary["reasons"]["relay"], 1)
        self.assertEqual(summary["reasons"]["refused"], 0)

    def test_a_resend_to_the_unreached_is_a_draft_and_a_second_one_is_refused(self) -> None:
        response = self.call("POST", f"{self.base}/resends", {"kind": "unreached"})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            (body["kind"], body["status"], body["resend_of"], body["recipient_count"]),
            ("unreached", "draft", str(self.campaign.code), 1),
        )
        self.assertIsNone(body["planned_at"])
        again = self.call("POST", f"{self.base}/resends", {"kind": "unreached"})
        self.assertEqual(again.status_code, 409)
        self.assertIn("It already has this resend, not yet sent", again.json()["detail"])
        summary = self.call("GET", f"{self.base}/unreached/summary").json()
        self.assertFalse(summary["can_resend"])

    def test_a_resend_to_non_openers_is_planned_days_after_the_start(self) -> None:
        response = self.call(
            "POST",
            f"{self.base}/resends",
            {"kind": "non_openers", "days": 2, "subject": "Última llamada"},
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            datetime.datetime.fromisoformat(body["planned_at"]),
            MORNING + datetime.timedelta(days=2),
        )
        self.assertEqual(
            (body["days"], body["scheduled_at"], body["subject"], body["machines_count_as_opens"]),
            (2, None, "Última llamada", False),
        )
        resend = Campaign.objects.get(code=body["code"])
        self.assertEqual(resend.resend_kind, ResendKind.NON_OPENERS)
        self.assertEqual(
            set(resend.chosen().values_list("email", flat=True)),
            {"persona4@example.pe", "persona5@example.pe"},
        )
        listed = self.call("GET", f"{self.base}/resends").json()
        self.assertEqual([item["code"] for item in listed], [body["code"]])

    def test_counting_machines_leaves_nobody_here(self) -> None:
        body = self.call(
            "POST",
            f"{self.base}/resends",
            {"kind": "non_openers", "days": 0, "machines_count_as_opens": True},
        ).json()
        self.assertTrue(body["machines_count_as_opens"])
        self.assertEqual(Campaign.objects.get(code=body["code"]).chosen().count(), 0)

    def test_wrong_values_are_a_422_by_field(self) -> None:
        response = self.call(
            "POST",
            f"{self.base}/resends",
            {"kind": "non_openers", "days": 31, "subject": "Hola {{ nombre"},
        )
        self.assertEqual(response.status_code, 422)
        errors = response.json()["errors"]
        self.assertEqual(set(errors), {"days", "subject"})
        self.assertEqual(
            self.call("POST", f"{self.base}/resends", {"kind": "todos"}).status_code, 422
        )
        self.assertFalse(Campaign.objects.filter(resend_of=self.campaign).exists())

    def test_a_campaign_not_ended_cannot_be_sent_again_to_the_unreached(self) -> None:
        Campaign.objects.filter(pk=self.campaign.pk).update(status=CampaignStatus.SENDING)
        response = self.call("POST", f"{self.base}/resends", {"kind": "unreached"})
        self.assertEqual(response.status_code, 409)
        self.assertIn("once it has ended", response.json()["detail"])

    def test_analysts_and_unknown_campaigns_get_errors(self) -> None:
        analyst = self.token_for(self.charlie)
        for method, path in (
            ("POST", "/resends"),
            ("GET", "/unreached"),
            ("GET", "/unreached/summary"),
        ):
            data = {"kind": "unreached"} if method == "POST" else None
            self.assertEqual(
                self.call(method, self.base + path, data, token=analyst).status_code, 403
            )
        missing = self.call("POST", "/campaigns/nada/resends", {"kind": "unreached"})
        self.assertEqual(missing.status_code, 404)
        self.assertFalse(Campaign.objects.filter(resend_of=self.campaign).exists())
