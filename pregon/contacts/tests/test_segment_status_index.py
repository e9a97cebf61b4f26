"""The status rule reads one of two partial indexes (``Contact.Meta``): the subscribed
contacts' ids alone (``contact_subscribed``), and the others' (status, id)
(``contact_other_status``); the counts are those of the contacts themselves."""

from unittest import skipUnless

from django.db import connection

from pregon.contacts.models import Contact, MailingList, Status, Tag
from pregon.contacts.segments import count_contacts, filter_contacts
from pregon.testing import BaseTestCase


def status_is(*statuses: str) -> dict:
    return {"field": "status", "operator": "is", "value": list(statuses)}


def rules(*conditions: dict) -> dict:
    return {"match": "all", "rules": list(conditions)}


def plan(rule_set: dict) -> str:
    """The database's plan of counting ``rule_set``; on PostgreSQL with table scans ruled
    out, as on a table too small for the planner to prefer an index otherwise."""
    sql, params = filter_contacts(rule_set).order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(f"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM ({sql})", params)  # noqa: S608
            return "\n".join(row[-1] for row in cursor.fetchall())
        cursor.execute("ANALYZE contacts_contact")
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        cursor.execute("SELECT set_config('enable_bitmapscan', 'off', true)")
        cursor.execute(f"EXPLAIN SELECT COUNT(*) FROM ({sql}) AS counted", params)  # noqa: S608
        return "\n".join(row[0] for row in cursor.fetchall())


class StatusIndexTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.course = MailingList.objects.create(name="Curso")
        self.graduate = Tag.objects.create(name="egresado")
        people = [
            ("ana", Status.SUBSCRIBED, True),
            ("luis", Status.SUBSCRIBED, False),
            ("rosa", Status.UNSUBSCRIBED, True),
            ("juan", Status.BOUNCED, True),
            ("eva", Status.PENDING, False),
        ]
        for name, status, graduated in people:
            contact = Contact.objects.create(email=f"{name}@example.pe", status=status)
            contact.lists.add(self.course)
            if graduated:
                contact.tags.add(self.graduate)

    def test_counts_are_the_contacts_own(self) -> None:
        in_course = {"field": "list", "operator": "is_in", "value": [self.course.pk]}
        graduate = {"field": "tag", "operator": "is_in", "value": [self.graduate.pk]}
        expected = [
            (rules(status_is("subscribed")), 2),
            (rules(status_is("subscribed"), in_course, graduate), 1),
            (rules(status_is("unsubscribed"), graduate), 1),
            (rules(status_is("subscribed", "bounced"), graduate), 2),
            (rules({"field": "status", "operator": "is_not", "value": ["subscribed"]}), 3),
            (rules(status_is("pending")), 1),
        ]
        for rule_set, count in expected:
            with self.subTest(rule_set):
                self.assertEqual(count_contacts(rule_set), count)

    def test_subscribed_contacts_come_from_their_own_index_alone(self) -> None:
        in_course = {"field": "list", "operator": "is_in", "value": [self.course.pk]}
        alone = (
            "Index Only Scan using contact_subscribed"
            if connection.vendor == "postgresql"
            else "COVERING INDEX contact_subscribed"
        )
        self.assertIn(alone, plan(rules(status_is("subscribed"), in_course)))

    @skipUnless(
        connection.vendor == "postgresql", "SQLite uses a partial index only for its own condition"
    )
    def test_other_statuses_come_from_theirs(self) -> None:
        self.assertIn(
            "Index Only Scan using contact_other_status", plan(rules(status_is("bounced")))
        )
