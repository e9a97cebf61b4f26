"""The rules on the last open, "opened in the last N days" and "ever", with the status, are
answered on PostgreSQL from the index of contacts' last opens alone (``Contact.Meta``'s
``contact_last_opened``), without reading the contacts' rows; and the counts are those of
the contacts themselves, on both engines."""

import datetime
from unittest import skipUnless

from django.db import connection
from django.utils import timezone

from pregon.contacts.models import Contact, Status
from pregon.contacts.segments import count_contacts, filter_contacts
from pregon.testing import BaseTestCase

SUBSCRIBED = {"field": "status", "operator": "is", "value": ["subscribed"]}
RECENTLY = {"field": "opened", "operator": "any_in_last_days", "value": 30}
EVER = {"field": "opened", "operator": "ever", "value": None}


def rules(*conditions: dict) -> dict:
    return {"match": "all", "rules": list(conditions)}


def plan(rule_set: dict) -> str:
    """PostgreSQL's plan of counting ``rule_set``, table scans ruled out: what an index can
    answer on a table too small for the planner to prefer an index otherwise."""
    sql, params = filter_contacts(rule_set).order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE contacts_contact")
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        cursor.execute("SELECT set_config('enable_bitmapscan', 'off', true)")
        cursor.execute(f"EXPLAIN SELECT COUNT(*) FROM ({sql}) AS counted", params)  # noqa: S608
        return "\n".join(row[0] for row in cursor.fetchall())


class LastOpenIndexTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        now = timezone.now()
        opened = [
            ("ana", Status.SUBSCRIBED, now - datetime.timedelta(days=2)),
            ("luis", Status.SUBSCRIBED, now - datetime.timedelta(days=60)),
            ("rosa", Status.UNSUBSCRIBED, now - datetime.timedelta(days=1)),
            ("eva", Status.SUBSCRIBED, None),
            ("juan", Status.BOUNCED, None),
        ]
        for name, status, at in opened:
            Contact.objects.create(email=f"{name}@example.pe", status=status, last_opened_at=at)

    def test_counts_are_the_contacts_own(self) -> None:
        self.assertEqual(count_contacts(rules(SUBSCRIBED, RECENTLY)), 1)
        self.assertEqual(count_contacts(rules(RECENTLY)), 2)
        self.assertEqual(count_contacts(rules(SUBSCRIBED, EVER)), 2)
        self.assertEqual(count_contacts(rules(EVER)), 3)

    @skipUnless(connection.vendor == "postgresql", "PostgreSQL's plans")
    def test_the_rules_with_the_status_read_the_index_alone(self) -> None:
        for rule in (RECENTLY, EVER):
            with self.subTest(rule["operator"]):
                self.assertIn(
                    "Index Only Scan using contact_last_opened", plan(rules(SUBSCRIBED, rule))
                )
