"""A campaign's A/B test through the API: set up, read with its results, removed, and the
winner a person chose."""

import datetime

import time_machine

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns.models import AbTest
from pregon.sending.models import Message
from pregon.testing import drafts
from pregon.testing.ab import SUBJECTS, ab_draft, opened, sent_portion, started
from pregon.testing.api import ApiTestCase

BODY = {
    "kind": "subject",
    "variants": [{"subject": SUBJECTS[0]}, {"subject": SUBJECTS[1]}],
    "portion": 30,
    "wait_hours": 2,
    "metric": "opens",
    "automatic": False,
}


class AbApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.campaign = drafts.draft(drafts.mailing_list("Docentes", count=10))
        self.path = f"/campaigns/{self.campaign.code}/ab-test"

    def test_a_draft_gets_a_test_checked_like_the_screen(self) -> None:
        response = self.call("PUT", self.path, BODY)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["kind"], "subject")
        self.assertEqual([v["letter"] for v in body["variants"]], ["A", "B"])
        self.assertEqual(body["variants"][1]["subject"], SUBJECTS[1])
        self.assertIsNone(body["decide_at"])
        self.assertFalse(body["automatic"])
        self.assertEqual(self.call("GET", self.path).json()["portion"], 30)

    def test_mistakes_are_422_by_variant(self) -> None:
        variants = [{"subject": SUBJECTS[0]}, {"subject": SUBJECTS[0]}, {"template": "nada"}]
        response = self.call("PUT", self.path, {**BODY, "variants": variants, "portion": 90})
        self.assertEqual(response.status_code, 422)
        errors = response.json()["errors"]
        self.assertEqual(
            errors["variants.1.subject"],
            ["Variant B is the same as another: each variant must differ."],
        )
        self.assertIn("portion", errors)
        self.assertIn("variants.2.template", errors)
        response = self.call("PUT", self.path, {**BODY, "variants": [{"subject": "Solo"}]})
        self.assertEqual(response.status_code, 422)
        self.assertFalse(AbTest.objects.exists())

    def test_content_variants_name_templates_by_code(self) -> None:
        other = drafts.template("Otra")
        variants = [{"template": str(self.campaign.template.code)}, {"template": str(other.code)}]
        response = self.call("PUT", self.path, {**BODY, "kind": "content", "variants": variants})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["variants"][1]["template"], str(other.code))

    def test_only_a_draft_and_only_editors(self) -> None:
        charlie = self.token_for(self.charlie)
        self.assertEqual(self.call("PUT", self.path, BODY, token=charlie).status_code, 403)
        self.assertEqual(self.call("GET", self.path, token=charlie).status_code, 404)
        self.call("PUT", self.path, BODY)
        self.assertEqual(self.call("GET", self.path, token=charlie).status_code, 200)
        self.campaign.schedule(self.campaign.created_at)
        self.assertEqual(self.call("PUT", self.path, BODY).status_code, 409)
        self.assertEqual(self.call("DELETE", self.path).status_code, 409)
        self.campaign.unschedule()
        self.assertEqual(self.call("DELETE", self.path).status_code, 204)
        self.assertFalse(AbTest.objects.exists())
        self.assertEqual(self.call("GET", "/campaigns/nada/ab-test").status_code, 404)

    def test_results_and_a_winner_chosen_by_a_person(self) -> None:
        campaign = started(ab_draft(contacts=40, portion=50, automatic=False))
        path = f"/campaigns/{campaign.code}/ab-test"
        by_variant = sent_portion(campaign)
        opened(by_variant[2][:6])
        body = self.call("GET", path).json()
        a, b = body["variants"]
        self.assertEqual((a["sent"], a["opens"], b["sent"], b["opens"]), (10, 0, 10, 6))
        self.assertTrue(b["is_leader"])
        self.assertAlmostEqual(a["difference"], -0.6)
        self.assertTrue(a["significant"])
        self.assertEqual(
            a["verdict"], "The difference is larger than chance would give (95 % confidence)."
        )
        self.assertEqual(self.call("POST", path + "/winner", {"variant": "A"}).status_code, 409)
        with time_machine.travel(campaign.ab_test.decide_at + datetime.timedelta(minutes=1)):
            response = self.call("POST", path + "/winner", {"variant": "C"})
            self.assertEqual(response.status_code, 422)
            response = self.call("POST", path + "/winner", {"variant": "A"})
            self.assertEqual(response.status_code, 200, response.content)
            self.assertEqual(response.json()["winner"], "A")
            self.assertEqual(self.call("POST", path + "/winner", {"variant": "B"}).status_code, 409)
        self.assertEqual(Message.objects.filter(mailing=campaign.mailing, variant=1).count(), 30)
        self.assertEqual(AuditEntry.objects.get(action=AuditAction.AB_WINNER).actor, self.bob)
