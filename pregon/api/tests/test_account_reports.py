import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import override_settings

from pregon.contacts.models import Contact
from pregon.sending import quota
from pregon.sending.models import QuotaDebit
from pregon.testing.api import ApiTestCase
from pregon.testing.reports import LINKS, reported_campaign

LIMA = ZoneInfo("America/Lima")


class ContactHistoryTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.campaign = reported_campaign()
        self.contact = Contact.objects.get(email="persona3@example.pe")
        self.path = f"/contacts/{self.contact.code}/history"

    def test_it_lists_the_history_newest_first(self) -> None:
        response = self.call("GET", self.path)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["count"], 5)
        kinds = [item["kind"] for item in body["items"]]
        self.assertEqual(kinds, ["unsubscribed", "clicked", "clicked", "opened", "message"])
        click = body["items"][1]
        self.assertEqual(click["at"], "2026-11-20T15:22:00Z")
        self.assertEqual(click["detail"], LINKS[1])
        self.assertEqual(click["campaign"], "Curso de diciembre")
        self.assertEqual(click["campaign_code"], str(self.campaign.code))
        self.assertEqual((click["is_machine"], click["client"]), (False, "Apple Mail"))
        self.assertEqual(body["items"][4]["status"], "sent")

    def test_machines_are_marked(self) -> None:
        contact = Contact.objects.get(email="persona4@example.pe")
        body = self.call("GET", f"/contacts/{contact.code}/history").json()
        opened = body["items"][0]
        self.assertEqual((opened["kind"], opened["is_machine"]), ("opened", True))
        self.assertEqual(opened["machine"], "apple_privacy")

    def test_it_pages(self) -> None:
        body = self.call("GET", self.path, {"page": 2, "page_size": 2}).json()
        self.assertEqual([item["kind"] for item in body["items"]], ["clicked", "opened"])

    def test_an_unknown_contact_is_a_404(self) -> None:
        for code in ("00000000-0000-0000-0000-000000000000", "nada"):
            response = self.call("GET", f"/contacts/{code}/history")
            self.assertEqual(response.status_code, 404)
            self.assertIn("detail", response.json())

    def test_analysts_may_not_read_personal_data(self) -> None:
        response = self.call("GET", self.path, token=self.token_for(self.charlie))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.get("/api/v1" + self.path).status_code, 401)


@override_settings(QUOTA_MONTHLY=50_000, QUOTA_MONTHS=12, QUOTA_START="2026-11-10")
class ConsumptionTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(
            time_machine.travel(datetime.datetime(2026, 12, 15, 12, tzinfo=LIMA), tick=False)
        )
        november = datetime.datetime(2026, 11, 20, 9, tzinfo=LIMA)
        with time_machine.travel(november, tick=False):
            quota.ensure_plan()
            quota.credit(500, "Relé caído", self.alice)
        self.mailing = reported_campaign().mailing
        QuotaDebit.objects.create(
            count=800, at=november + datetime.timedelta(hours=1), mailing=self.mailing
        )
        QuotaDebit.objects.create(count=1_200, mailing=self.mailing)

    def test_it_gives_the_plan_its_use_and_the_ledger(self) -> None:
        response = self.call("GET", "/consumption", token=self.token_for(self.charlie))
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["monthly"], 50_000)
        # The term: 365 days from 10 November, under the tender's rule (the default).
        self.assertEqual(
            body["term"], {"start": "2026-11-10T05:00:00Z", "end": "2027-11-10T05:00:00Z"}
        )
        self.assertEqual((body["expiry"], body["credentials_delivered_on"]), ("term", None))
        self.assertEqual((body["days_left"], body["ends_soon"]), (329, False))
        self.assertEqual(body["balance_expires_at"], "2027-11-10T05:00:00Z")
        self.assertEqual(body["period"]["start"], "2026-12-10T05:00:00Z")
        self.assertEqual(
            (body["balance"], body["used_this_month"], body["used_in_term"]),
            (98_500, 1_200, 2_000),
        )
        self.assertEqual((body["credited_in_term"], body["carried_forward"]), (500, 49_700))
        first, second = body["months"][:2]
        self.assertEqual(
            (first["amount"], first["credited"], first["granted"], first["used"], first["left"]),
            (50_000, 500, 50_500, 800, 49_700),
        )
        self.assertEqual((first["carried"], first["expired"]), (0, 0))
        self.assertEqual((second["carried"], second["left"]), (49_700, 98_500))
        self.assertTrue(second["is_current"])
        ledger = body["ledger"]
        self.assertEqual(
            [(entry["kind"], entry["amount"], entry["unsent"]) for entry in ledger],
            [
                ("usage", -1_200, 0),
                ("incident", 0, 1),
                ("plan", 50_000, 0),
                ("usage", -800, 0),
                ("credit", 500, 0),
                ("plan", 50_000, 0),
            ],
        )
        incident = ledger[1]
        self.assertEqual(
            (incident["campaign"], incident["reason"]), ("Curso de diciembre", "relay")
        )
        credit = ledger[4]
        self.assertEqual(
            (credit["reason"], credit["granted_by"]), ("Relé caído", "alice@example.org")
        )
        self.assertEqual(ledger[0]["campaign"], "Curso de diciembre")

    def test_the_quota_gives_the_same_months(self) -> None:
        quota_months = self.call("GET", "/quota").json()["months"]
        months = self.call("GET", "/consumption").json()["months"]
        keys = ("start", "end", "amount", "credited", "used", "carried", "left", "expired")
        self.assertEqual(
            [{key: month[key] for key in keys} for month in months],
            [{key: month[key] for key in keys} for month in quota_months],
        )

    def test_it_needs_a_token(self) -> None:
        self.assertEqual(self.client.get("/api/v1/consumption").status_code, 401)

    def test_it_is_in_the_openapi_document(self) -> None:
        paths = self.client.get("/api/v1/openapi.json").json()["paths"]
        self.assertIn("/api/v1/consumption", paths)
        self.assertIn("/api/v1/contacts/{code}/history", paths)
