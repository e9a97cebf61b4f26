"""The status rule reads one of two partial indexes (``Contact.Meta``): the subscribed
contacts' ids alone (``contact_subscribed``), and the others' (status, id)
(``contact_other_status``); the counts are those of the contacts themselves."""

from unittest import skipUnless

from django.db import connection

from pregon.contacts.models import Contact, MailingList, Status, Tag
from pregon.contacts.segments import count_contacts
from pregon.testing import BaseTestCase
from pregon.testing.segments import count_plan


def status_is(*statuses: str) -> dict:
    return {"field": "status", "operator": "is", "value": list(statuses)}


def rules(*conditions: dict) -> dict:
    return {"match": "all", "rules": list(conditions)}


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
        self.assertIn(alone, count_plan(rules(status_is("subscribed"), in_course)))

    @skipUnless(
        connection.vendor == "postgresql", "SQLite uses a partial index only for its own condition"
    )
    def test_other_statuses_come_from_theirs(self) -> None:
        self.assertIn(
            "Index Only Scan using contact_other_status", count_plan(rules(status_is("bounced")))
        )
