from pregon.testing import drafts
from pregon.testing.api import ApiTestCase
from pregon.testing.reports import BLOCKED, LINKS, refuse, reported_campaign

UNKNOWN = "6f1c1f0e-0000-4000-8000-000000000000"


class ReportsTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.campaign = reported_campaign()
        self.url = f"/campaigns/{self.campaign.code}"
        self.analyst = self.token_for(self.charlie)

    def test_analysts_read_the_report(self) -> None:
        response = self.call("GET", self.url + "/report", token=self.analyst)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["campaign"], str(self.campaign.code))
        self.assertEqual(body["time_zone"], "America/Lima")
        figures = body["figures"]
        self.assertEqual(
            (figures["sent"], figures["delivered"], figures["bounced_hard"]), (8, 6, 2)
        )
        self.assertEqual((figures["complaints"], figures["unsubscribed"]), (1, 1))
        self.assertEqual(figures["human"]["opened_unique"], 4)
        self.assertEqual(figures["raw"]["opened_unique"], 6)
        self.assertEqual(figures["human"]["click_to_open_rate"], 0.75)
        self.assertEqual(
            [(link["url"], link["unique"], link["total"]) for link in body["links"]],
            [(LINKS[0], 2, 2), (LINKS[1], 1, 2)],
        )
        self.assertEqual(body["by_hour"]["opens"][10], 3)
        self.assertEqual(body["over_time"]["labels"][0], "2026-11-20 10:00")
        self.assertEqual(body["clients"][0], {"name": "Gmail", "people": 2})
        self.assertEqual({item["name"] for item in body["devices"]}, {"desktop", "mobile"})

    def test_it_needs_a_token(self) -> None:
        response = self.client.get(f"/api/v1{self.url}/report")
        self.assertEqual(response.status_code, 401)

    def test_unknown_and_unstarted_campaigns(self) -> None:
        self.assertEqual(self.call("GET", f"/campaigns/{UNKNOWN}/report").status_code, 404)
        draft = drafts.draft(name="Borrador")
        response = self.call("GET", f"/campaigns/{draft.code}/events")
        self.assertEqual(response.status_code, 409)
        self.assertIn("has not started", response.json()["detail"])

    def test_it_exports_events_and_bounces_oldest_first(self) -> None:
        analyst = self.call("GET", self.url + "/events", token=self.analyst)
        self.assertEqual(analyst.status_code, 403)  # Events name people: editors only.
        response = self.call("GET", self.url + "/events", token=self.token)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["count"], 16)
        items = body["items"]
        self.assertEqual([item["at"] for item in items], sorted(item["at"] for item in items))
        kinds = [item["kind"] for item in items]
        self.assertEqual(kinds.count("hard"), 2)
        self.assertEqual(kinds.count("clicked"), 5)
        scanner = next(item for item in items if item["machine"] == "scanner")
        self.assertEqual((scanner["email"], scanner["url"]), ("persona5@example.pe", LINKS[0]))
        mailbox = next(item for item in items if item["kind"] == "soft")
        self.assertEqual((mailbox["detail"], mailbox["source"]), ("4.2.2 Mailbox full", "mailbox"))

    def test_it_filters_by_kind_and_pages(self) -> None:
        response = self.call("GET", self.url + "/events", {"kind": "clicked", "page_size": 2})
        body = response.json()
        self.assertEqual(body["count"], 5)
        self.assertEqual(len(body["items"]), 2)
        self.assertEqual(body["items"][0]["link"], 0)
        response = self.call("GET", self.url + "/events", {"kind": "complaint"})
        self.assertEqual(
            [item["email"] for item in response.json()["items"]], ["persona2@example.pe"]
        )
        response = self.call("GET", self.url + "/events", {"kind": "delivered"})
        self.assertEqual(response.status_code, 422)

    def test_sending_side_rejections_are_counted_apart_and_listed_with_their_cause(self) -> None:
        refuse(self.campaign.mailing.messages.get(email="persona4@example.pe"))
        figures = self.call("GET", self.url + "/report", token=self.analyst).json()["figures"]
        self.assertEqual(
            (figures["delivered"], figures["bounced_hard"], figures["bounced_soft"]), (5, 2, 1)
        )
        self.assertEqual(figures["sending_side_rejections"], 1)
        response = self.call("GET", self.url + "/events", {"kind": "sender"})
        self.assertEqual(response.status_code, 200, response.content)
        [item] = response.json()["items"]
        self.assertEqual(
            (item["email"], item["cause"], item["detail"]),
            ("persona4@example.pe", "blocked", BLOCKED),
        )
        everything = self.call("GET", self.url + "/events").json()["items"]
        self.assertEqual({item["cause"] for item in everything if item["kind"] == "opened"}, {""})

    def test_the_openapi_document_describes_the_report(self) -> None:
        document = self.client.get("/api/v1/openapi.json").json()
        self.assertIn("/api/v1/campaigns/{code}/report", document["paths"])
        self.assertIn("/api/v1/campaigns/{code}/events", document["paths"])
        schemas = document["components"]["schemas"]
        self.assertIn("click_to_open_rate", schemas["EngagementOut"]["properties"])
        self.assertIn("machine", schemas["EventOut"]["properties"])
