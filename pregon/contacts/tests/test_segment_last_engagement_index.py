"""The rules on the last open and the last click ("opened/clicked in the last N days",
"ever"), with the status, are answered on PostgreSQL from the index of contacts' last opens
or last clicks alone (``Contact.Meta``'s ``contact_last_opened``, ``contact_last_clicked``),
without reading the contacts' rows; and the counts are those of the contacts themselves,
on both engines."""

import datetime
from itertools import product
from unittest import skipUnless

from django.db import connection
from django.utils import timezone

from pregon.contacts.models import Contact, Status
from pregon.contacts.segments import count_contacts
from pregon.testing import BaseTestCase
from pregon.testing.segments import count_plan

SUBSCRIBED = {"field": "status", "operator": "is", "value": ["subscribed"]}
FACTS = {"opened": "last_opened_at", "clicked": "last_clicked_at"}


def recently(fact: str) -> dict:
    return {"field": fact, "operator": "any_in_last_days", "value": 30}


def ever(fact: str) -> dict:
    return {"field": fact, "operator": "ever", "value": None}


def rules(*conditions: dict) -> dict:
    return {"match": "all", "rules": list(conditions)}


class LastEngagementIndexTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        now = timezone.now()
        engaged = [
            ("ana", Status.SUBSCRIBED, now - datetime.timedelta(days=2)),
            ("luis", Status.SUBSCRIBED, now - datetime.timedelta(days=60)),
            ("rosa", Status.UNSUBSCRIBED, now - datetime.timedelta(days=1)),
            ("eva", Status.SUBSCRIBED, None),
            ("juan", Status.BOUNCED, None),
        ]
        # Each fact on its own contacts: a rule on one never counts the other's.
        for fact, column in FACTS.items():
            for name, status, at in engaged:
                Contact.objects.create(
                    email=f"{name}.{fact}@example.pe", status=status, **{column: at}
                )

    def test_counts_are_the_contacts_own(self) -> None:
        for fact in FACTS:
            with self.subTest(fact):
                self.assertEqual(count_contacts(rules(SUBSCRIBED, recently(fact))), 1)
                self.assertEqual(count_contacts(rules(recently(fact))), 2)
                self.assertEqual(count_contacts(rules(SUBSCRIBED, ever(fact))), 2)
                self.assertEqual(count_contacts(rules(ever(fact))), 3)

    @skipUnless(connection.vendor == "postgresql", "PostgreSQL's plans")
    def test_the_rules_with_the_status_read_the_index_alone(self) -> None:
        for (fact, column), rule in product(FACTS.items(), (recently, ever)):
            with self.subTest(fact=fact, rule=rule.__name__):
                index = f"contact_{column.removesuffix('_at')}"
                self.assertIn(
                    f"Index Only Scan using {index}", count_plan(rules(SUBSCRIBED, rule(fact)))
                )
