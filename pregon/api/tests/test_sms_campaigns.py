"""SMS campaigns through the API: created with ``channel: "sms"``, checked like the SMS
campaign form, scheduled and started by the scheduler like an email campaign, handed to a
real HTTP SMS gateway on 127.0.0.1, cancelled; and in the OpenAPI document."""

from django.test import override_settings

from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.campaigns.scheduling import follow_mailings, start_due_campaigns
from pregon.sending.models import SmsGateway, SmsMessage, SmsStatus
from pregon.sending.sms import sender
from pregon.testing.api import ApiTestCase
from pregon.testing.providers import FakeProvider
from pregon.testing.sms import http_gateway
from pregon.testing.sms_campaigns import REACHED, TEXT, sms_draft, sms_segment


@override_settings(SMS_QUOTA_MONTHLY=1000)
class SmsCampaignsTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.provider = FakeProvider()
        self.addCleanup(self.provider.stop)
        http_gateway(self.provider.url + "/api/sms")
        self.segment = sms_segment()

    def create(self, **changes: object) -> dict:
        payload = {
            "name": "Aviso por SMS",
            "channel": "sms",
            "sms_text": TEXT,
            "include_segments": [str(self.segment.code)],
            **changes,
        }
        response = self.call("POST", "/campaigns", payload)
        self.assertEqual(response.status_code, 201, response.content)
        return response.json()

    def test_it_creates_an_sms_campaign(self) -> None:
        body = self.create(subject="Ignorado")
        self.assertEqual(
            (body["channel"], body["sms_text"], body["subject"], body["recipient_count"]),
            ("sms", TEXT, "", 3),
        )
        campaign = Campaign.objects.get(code=body["code"])
        self.assertTrue(campaign.is_sms)
        response = self.call("PATCH", f"/campaigns/{body['code']}", {"sms_text": "Hola"})
        self.assertEqual(response.json()["sms_text"], "Hola")
        email = self.call("POST", "/campaigns", {"name": "Correo", "subject": "Hola"})
        self.assertEqual(email.json()["channel"], "email")

    def test_it_is_checked_like_the_sms_form(self) -> None:
        for payload, field in [
            ({"sms_text": "Hola {{ apodo }}"}, "sms_text"),
            ({"sms_text": "x" * 481}, "sms_text"),
            ({"channel": "fax"}, "channel"),
            ({"include_segments": ["nope"]}, "include_segments"),
        ]:
            with self.subTest(payload=payload):
                response = self.call(
                    "POST", "/campaigns", {"name": "X", "channel": "sms", **payload}
                )
                self.assertEqual(response.status_code, 422)
                self.assertEqual(list(response.json()["errors"]), [field])
        self.assertFalse(Campaign.objects.exists())

    def test_scheduling_says_what_is_missing_in_spanish(self) -> None:
        SmsGateway.objects.all().delete()
        bare = sms_draft(text="")
        self.client.cookies["pregon_language"] = "es"
        response = self.call("POST", f"/campaigns/{bare.code}/schedule", {})
        self.assertEqual(response.status_code, 422)
        errors = response.json()["errors"]
        self.assertEqual(errors["sms_text"], ["Escriba el texto del SMS."])
        self.assertTrue(errors["gateway"][0].startswith("No hay ninguna pasarela SMS en uso"))
        self.assertTrue(errors["audience"][0].startswith("Nadie la recibiría"))
        bare.refresh_from_db()
        self.assertEqual(bare.status, CampaignStatus.DRAFT)

    def test_sent_now_it_reaches_the_reachable_contacts_once_each(self) -> None:
        code = self.create()["code"]
        response = self.call("POST", f"/campaigns/{code}/schedule", {})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(start_due_campaigns(), 1)
        self.assertEqual(start_due_campaigns(), 0)
        progress = self.call("GET", f"/campaigns/{code}/progress").json()
        self.assertEqual((progress["counts"]["queued"], progress["total"]), (3, 3))
        pause = self.call("POST", f"/campaigns/{code}/pause")
        self.assertEqual(pause.status_code, 409)
        self.assertEqual(
            pause.json()["detail"], "An SMS campaign cannot be paused; cancel it to stop it."
        )
        for n in range(3):
            self.provider.answer(200, {"id": f"gw-{n}"})
        while sender.send_due():
            pass
        follow_mailings()
        phones = sorted(request.json()["to"] for request in self.provider.received)
        self.assertEqual(phones, sorted(REACHED))
        progress = self.call("GET", f"/campaigns/{code}/progress").json()
        self.assertEqual(
            (progress["status"], progress["counts"]["sent"], progress["percent"]), ("sent", 3, 100)
        )

    def test_cancelled_its_queued_sms_are_skipped(self) -> None:
        code = self.create()["code"]
        self.call("POST", f"/campaigns/{code}/schedule", {})
        start_due_campaigns()
        response = self.call("POST", f"/campaigns/{code}/cancel")
        self.assertEqual(response.json()["status"], "cancelled")
        while sender.send_due():
            pass
        self.assertEqual(self.provider.received, [])
        statuses = set(SmsMessage.objects.values_list("status", flat=True))
        self.assertEqual(statuses, {SmsStatus.SKIPPED})

    def test_its_email_report_says_where_its_figures_are(self) -> None:
        code = self.create()["code"]
        self.call("POST", f"/campaigns/{code}/schedule", {})
        start_due_campaigns()
        for path in ("report", "events"):
            response = self.call("GET", f"/campaigns/{code}/{path}")
            self.assertEqual(response.status_code, 409)
            self.assertEqual(
                response.json()["detail"],
                "An SMS campaign has no email report: its SMS by status are in "
                "GET /campaigns/{code}/progress.",
            )

    def test_an_email_test_send_is_refused(self) -> None:
        code = self.create()["code"]
        response = self.call(
            "POST", f"/campaigns/{code}/send-test", {"addresses": ["ana@example.org"]}
        )
        self.assertEqual(response.status_code, 409)

    def test_it_is_in_the_openapi_document(self) -> None:
        schemas = self.client.get("/api/v1/openapi.json").json()["components"]["schemas"]
        self.assertEqual(schemas["CampaignIn"]["properties"]["channel"]["enum"], ["email", "sms"])
        self.assertIn("sms_text", schemas["CampaignIn"]["properties"])
        self.assertIn("sms_text", schemas["CampaignPatch"]["properties"])
        self.assertIn("channel", schemas["CampaignOut"]["properties"])
