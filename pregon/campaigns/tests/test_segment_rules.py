"""Engagement rules (segment_rules.py): opened or clicked some campaigns, recently, ever, or
never; people's events only (not privacy proxies' or link scanners'). On SQLite and
PostgreSQL."""

import json

from django.test import TestCase
from django.urls import reverse

from pregon.campaigns.models import Campaign
from pregon.contacts.segments import catalogue, filter_contacts, validate_rules
from pregon.testing import BaseTestCase
from pregon.testing.api import ApiTestCase
from pregon.testing.engagement import EngagementData
from pregon.tracking.models import EventKind


def rule(field: str, operator: str, value: object = None) -> dict:
    return {"match": "all", "rules": [{"field": field, "operator": operator, "value": value}]}


class SegmentEngagementTestCase(EngagementData, TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make()

    def who(self, rules: dict) -> list[str]:
        return sorted(c.email.split("@")[0] for c in filter_contacts(rules))

    def test_opened_or_clicked_some_campaigns(self) -> None:
        self.assertEqual(
            self.who(rule("opened", "in_campaigns", [self.a.pk])), ["persona0000", "persona0002"]
        )
        self.assertEqual(
            self.who(rule("opened", "in_campaigns", [self.a.pk, str(self.b.code)])),
            ["persona0000", "persona0002", "persona0003"],
        )
        self.assertEqual(self.who(rule("clicked", "in_campaigns", [self.a.pk])), ["persona0002"])

    def test_did_not_open_a_campaign_it_received(self) -> None:
        # The proxy's open is no person's; the contact who never got A is not in it.
        self.assertEqual(
            self.who(rule("opened", "not_in_campaigns", [self.a.pk])),
            ["persona0001", "persona0003"],
        )
        self.assertEqual(self.who(rule("opened", "not_in_campaigns", [self.b.pk])), [])

    def test_a_click_counts_as_an_open(self) -> None:
        # As in the campaign's report: the mail program blocked the pixel, the person read it.
        self.event("persona0001", self.a, EventKind.CLICKED)
        opened_a = rule("opened", "in_campaigns", [self.a.pk])
        self.assertEqual(self.who(opened_a), ["persona0000", "persona0001", "persona0002"])
        self.assertEqual(self.who(rule("opened", "not_in_campaigns", [self.a.pk])), ["persona0003"])
        self.assertEqual(self.who(rule("opened", "never")), [])

    def test_in_the_last_days(self) -> None:
        self.assertEqual(
            self.who(rule("opened", "any_in_last_days", 7)), ["persona0000", "persona0002"]
        )
        self.assertEqual(
            self.who(rule("opened", "any_in_last_days", "31")),
            ["persona0000", "persona0002", "persona0003"],
        )
        self.assertEqual(
            self.who(rule("clicked", "none_in_last_days", 7)),
            ["nueva", "persona0000", "persona0001", "persona0003"],
        )

    def test_ever_and_never(self) -> None:
        self.assertEqual(
            self.who(rule("opened", "ever")), ["persona0000", "persona0002", "persona0003"]
        )
        # Never opened, though messages were sent to them: not the contact who got none.
        self.assertEqual(self.who(rule("opened", "never")), ["persona0001"])
        self.assertEqual(
            self.who(rule("clicked", "never")), ["persona0000", "persona0001", "persona0003"]
        )

    def test_rules_combine_with_the_others(self) -> None:
        rules = {
            "match": "any",
            "rules": [
                {"field": "clicked", "operator": "ever"},
                {"field": "email", "operator": "starts_with", "value": "nueva"},
            ],
        }
        self.assertEqual(self.who(rules), ["nueva", "persona0002"])

    def test_campaigns_are_named_by_id_or_code_and_must_have_started(self) -> None:
        normalised = validate_rules(rule("opened", "in_campaigns", [str(self.a.code)]))
        self.assertEqual(normalised["rules"][0]["value"], [self.a.pk])
        draft = Campaign.objects.create(name="Borrador", subject="Hola")
        for value in ([draft.pk], ["nope"], []):
            with self.subTest(value), self.assertRaises(ValueError):
                validate_rules(rule("opened", "in_campaigns", value))
        with self.assertRaises(ValueError):
            validate_rules(rule("clicked", "any_in_last_days", 0))

    def test_the_builder_offers_started_campaigns_newest_first(self) -> None:
        Campaign.objects.create(name="Borrador", subject="Hola")
        group = next(
            g
            for g in catalogue()["groups"]
            if g["fields"][:1] and g["fields"][0]["name"] == "opened"
        )
        self.assertEqual([field["name"] for field in group["fields"]], ["opened", "clicked"])
        labels = [choice["label"] for choice in group["fields"][0]["choices"]]
        self.assertEqual(labels, ["B", "A"])
        operators = [operator["name"] for operator in group["fields"][1]["operators"]]
        self.assertIn("never", operators)


class SegmentEngagementPagesTestCase(EngagementData, BaseTestCase):
    def test_the_count_endpoint_and_the_builder_page_know_the_rules(self) -> None:
        self.make()
        self.client.force_login(self.bob)
        response = self.client.get(reverse("contacts:segment_create"))
        self.assertContains(response, '"kind": "engagement"')
        rules = rule("clicked", "in_campaigns", [self.a.pk])
        response = self.client.post(reverse("contacts:segment_count"), {"rules": json.dumps(rules)})
        self.assertEqual(response.json()["count"], 1)


class SegmentEngagementApiTestCase(EngagementData, ApiTestCase):
    def test_the_api_counts_and_saves_them(self) -> None:
        self.make()
        rules = rule("opened", "not_in_campaigns", [str(self.a.code)])
        response = self.call("POST", "/segments/count", {"rules": rules})
        self.assertEqual(response.json(), {"count": 2})
        response = self.call("POST", "/segments", {"name": "No abrieron A", "rules": rules})
        self.assertEqual(response.status_code, 201, response.content)
        response = self.call("POST", "/segments/count", {"rules": rule("opened", "soon")})
        self.assertEqual(response.status_code, 422)
