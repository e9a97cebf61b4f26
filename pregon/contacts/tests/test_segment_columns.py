"""Segments over custom fields' columns and indexes: each custom field's column comes and
goes with the field (on PostgreSQL) and follows the contacts' values, and counts of rules on
text, numbers, lists, tags and the status are those of the contacts themselves, read in
Python, whatever the plan."""

import datetime
import json
import unittest
from itertools import product

from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone

from pregon.accounts.models import Role, User
from pregon.contacts.models import Contact, Field, FieldType, MailingList, Status, Tag
from pregon.contacts.segments.sql import fold
from pregon.testing import PASSWORD, BaseTestCase

COUNT = "/contactos/segmentos/contar/"
FIELDS = "/contactos/campos/"
CITIES = ["Lima", "LIMA", "lima", "Límá", "LÍMA", "Junín", "JUNIN", "junin", "Ñaña", "nana"]
CITIES += ["Zoë", "zoe", "Cusco", " Lima", "", None, 7]


def indexes() -> set[str]:
    """The names of the contacts table's indexes."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "contacts_contact")
    return {name for name, details in constraints.items() if details["index"]}


def columns() -> set[str]:
    """The names of the contacts table's columns."""
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, "contacts_contact")
    return {column.name for column in description}


def matches(operator: str, text: str, wanted: str) -> bool:
    """Whether the folded ``text`` passes the text ``operator`` with the folded ``wanted``."""
    if operator == "equals":
        return text == wanted
    if operator == "not_equals":
        return text != wanted
    if operator == "contains":
        return wanted in text
    return text.startswith(wanted)


def count(client: object, *conditions: dict) -> int:
    """The builder's count of contacts matching all ``conditions``."""
    rules = {"match": "all", "rules": list(conditions)}
    response = client.post(COUNT, {"rules": json.dumps(rules)})
    assert response.status_code == 200, response.content
    return response.json()["count"]


class FieldColumnTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)

    def test_a_field_s_column_and_index_come_and_go_with_it(self) -> None:
        for label, kind in (("Ciudad", "text"), ("Edad", "number"), ("Egreso", "date")):
            self.client.post(FIELDS, {"label": label, "type": kind})
        self.client.post(FIELDS, {"label": "Docente", "type": "bool"})
        fields = {field.key: field for field in Field.objects.all()}
        names = {key: f"field_{field.pk}" for key, field in fields.items()}
        made = {names[key] for key in ("ciudad", "edad", "egreso")}
        made_indexes = {f"contacts_{name}" for name in made}
        if connection.vendor == "postgresql":
            self.assertLessEqual(made, columns())
            self.assertLessEqual(made_indexes, indexes())
        self.assertNotIn(names["docente"], columns())
        self.client.post(f"{FIELDS}{fields['ciudad'].pk}/eliminar/")
        self.assertNotIn(names["ciudad"], columns())
        self.assertNotIn(f"contacts_{names['ciudad']}", indexes())
        if connection.vendor == "postgresql":
            self.assertIn(names["edad"], columns())
            self.assertIn(f"contacts_{names['edad']}", indexes())
        else:  # SQLite: none (see segments.columns).
            self.assertFalse(made & columns())
            self.assertFalse(made_indexes & indexes())

    def test_a_field_counts_values_stored_before_it_and_changed_after(self) -> None:
        before = Contact.objects.create(email="a@example.pe", attributes={"ciudad": "LIMA"})
        Contact.objects.create(email="b@example.pe", attributes={"ciudad": "Cusco", "edad": 70})
        Contact.objects.create(email="c@example.pe", attributes={"edad": "setenta"})
        self.client.post(FIELDS, {"label": "Ciudad", "type": "text"})
        self.client.post(FIELDS, {"label": "Edad", "type": "number"})
        self.client.post(FIELDS, {"label": "Egreso", "type": "date"})
        self.client.post(FIELDS, {"label": "Docente", "type": "bool"})
        lima = {"field": "field:ciudad", "operator": "equals", "value": "Lima"}
        old = {"field": "field:edad", "operator": "at_least", "value": 60}
        graduated = {"field": "field:egreso", "operator": "after", "value": "2020-01-01"}
        teacher = {"field": "field:docente", "operator": "is_yes", "value": None}
        self.assertEqual(count(self.client, lima), 1)
        self.assertEqual(count(self.client, old), 1)
        after = Contact.objects.create(
            email="d@example.pe",
            attributes={"ciudad": "Límá", "edad": 61, "egreso": "2021-03-01", "docente": True},
        )
        self.assertEqual(count(self.client, lima, old), 1)
        before.attributes = {"ciudad": "Arequipa", "egreso": "2019-12-31"}
        before.save()
        self.assertEqual(count(self.client, lima), 1)
        self.assertEqual(count(self.client, graduated), 1)
        self.assertEqual(count(self.client, teacher, lima, graduated), 1)
        # A new label changes nothing of the column (the key and type stay).
        city = Field.objects.get(key="ciudad")
        self.client.post(f"{FIELDS}{city.pk}/editar/", {"label": "Ciudad de residencia"})
        self.assertEqual(count(self.client, lima), 1)
        after.delete()
        self.assertEqual(count(self.client, lima), 0)
        self.client.post(f"{FIELDS}{city.pk}/eliminar/")
        response = self.client.post(COUNT, {"rules": json.dumps({"match": "all", "rules": [lima]})})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(count(self.client, old), 1)


@unittest.skipUnless(connection.vendor == "postgresql", "SQLite has no fields' columns")
class FieldColumnVacuumTestCase(TransactionTestCase):
    """Committed for real: the vacuum after a field's column runs outside transactions."""

    def visibility(self) -> tuple[int, int]:
        """The contacts' pages, and how many of them PostgreSQL knows all-visible."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'contacts_contact'"
            )
            return cursor.fetchone()

    def test_a_new_column_leaves_the_contacts_readable_from_their_indexes(self) -> None:
        for number in range(2000):
            Contact.objects.create(email=f"p{number}@example.pe", attributes={"city": "Lima"})
        with connection.cursor() as cursor:
            cursor.execute("VACUUM contacts_contact")
        pages, visible = self.visibility()
        self.assertGreater(pages, 1)
        self.assertEqual(visible, pages)
        bob = User.objects.create_user("bob@example.org", PASSWORD, role=Role.EDITOR)
        self.client.force_login(bob)
        self.client.post(FIELDS, {"label": "City", "type": "text"})
        # The table was rewritten with the column (its rows a little wider, so perhaps
        # on more pages, after whatever earlier tests left), and vacuumed after the commit.
        pages, visible = self.visibility()
        self.assertGreater(pages, 1)
        self.assertEqual(visible, pages)
        city = Field.objects.get()
        self.client.post(f"{FIELDS}{city.pk}/eliminar/")
        self.assertNotIn(f"field_{city.pk}", columns())


class IndexedCountsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        Field.objects.create(key="city", label="Ciudad", type=FieldType.TEXT)
        Field.objects.create(key="age", label="Edad", type=FieldType.NUMBER)
        course = MailingList.objects.create(name="Curso")
        graduate = Tag.objects.create(name="egresado")
        statuses = [Status.SUBSCRIBED, Status.UNSUBSCRIBED, Status.BOUNCED]
        self.people = []
        for number, (city, status) in enumerate(product(CITIES, statuses)):
            attributes = {} if city is None else {"city": city}
            if number % 4:
                attributes["age"] = 15 + number
            contact = Contact.objects.create(
                email=f"p{number}@example.pe", status=status, attributes=attributes
            )
            # Statuses take turns; lists and tags in other rhythms, so all mix.
            listed, tagged = (number // 3) % 2 == 1, number % 5 != 0
            if listed:
                contact.lists.add(course)
            if tagged:
                contact.tags.add(graduate)
            self.people.append((contact, city, status, listed, tagged))
        self.course = course
        self.client.force_login(self.bob)

    def count(self, *conditions: dict) -> int:
        return count(self.client, *conditions)

    def test_text_is_folded_the_same_in_the_database_as_in_python(self) -> None:
        for value, operator in product(
            ["Lima", "LÍMA", "junin", "Ñana", "zoe", "7"],
            ["equals", "not_equals", "contains", "starts_with"],
        ):
            with self.subTest(value=value, operator=operator):
                condition = {"field": "field:city", "operator": operator, "value": value}
                wanted = fold(value)
                expected = 0
                for _contact, city, *_ in self.people:
                    text = None if city is None else fold(str(city))  # 7 reads "7".
                    if text is None or text == "":
                        expected += operator == "not_equals"
                    else:
                        expected += matches(operator, text, wanted)
                self.assertEqual(self.count(condition), expected)

    def test_three_rules_count_what_the_contacts_hold(self) -> None:
        subscribed = {"field": "status", "operator": "is", "value": ["subscribed"]}
        in_course = {"field": "list", "operator": "is_in", "value": [self.course.pk]}
        not_in_course = {"field": "list", "operator": "is_not_in", "value": [self.course.pk]}
        graduate = {"field": "tag", "operator": "is_in", "value": ["egresado"]}
        lima = {"field": "field:city", "operator": "equals", "value": "lima"}
        adult = {"field": "field:age", "operator": "at_least", "value": 40}
        for conditions, test in (
            ((subscribed, in_course, lima), lambda s, c, li, t, a: s and li and c == "lima"),
            ((subscribed, in_course, graduate), lambda s, c, li, t, a: s and li and t),
            ((in_course, graduate, lima), lambda s, c, li, t, a: li and t and c == "lima"),
            ((subscribed, graduate, adult), lambda s, c, li, t, a: s and t and a),
            ((graduate, not_in_course, lima), lambda s, c, li, t, a: t and not li and c == "lima"),
        ):
            expected = sum(
                test(
                    status == Status.SUBSCRIBED,
                    fold(city) if isinstance(city, str) else None,
                    listed,
                    tagged,
                    (contact.attributes.get("age") or 0) >= 40,
                )
                for contact, city, status, listed, tagged in self.people
            )
            with self.subTest(rules=[condition["field"] for condition in conditions]):
                self.assertGreater(expected, 0)
                self.assertEqual(self.count(*conditions), expected)

    def test_a_field_with_the_creation_date_counts_the_dates_the_contacts_hold(self) -> None:
        # The fields' indexes carry the creation date: it must follow a contact's changes.
        now = timezone.now()
        for contact, *_ in self.people[::2]:
            contact.created_at = now - datetime.timedelta(days=400 + contact.pk % 100)
            contact.save()
        subscribed = {"field": "status", "operator": "is", "value": ["subscribed"]}
        lima = {"field": "field:city", "operator": "equals", "value": "lima"}
        adult = {"field": "field:age", "operator": "at_least", "value": 40}
        recent = {"field": "created_at", "operator": "in_last_days", "value": 365}
        for conditions, test in (
            ((subscribed, lima, recent), lambda c: c.status == Status.SUBSCRIBED and in_lima(c)),
            ((lima, recent), in_lima),
            ((adult, recent), lambda c: (c.attributes.get("age") or 0) >= 40),
        ):
            contacts = Contact.objects.filter(pk__in=[contact.pk for contact, *_ in self.people])
            expected = sum(
                test(contact) and contact.created_at >= now - datetime.timedelta(days=365)
                for contact in contacts
            )
            with self.subTest(rules=[condition["field"] for condition in conditions]):
                self.assertGreater(expected, 0)
                self.assertEqual(self.count(*conditions), expected)


def in_lima(contact: Contact) -> bool:
    """Whether ``contact``'s city folds to "lima"."""
    city = contact.attributes.get("city")
    return isinstance(city, str) and fold(city) == "lima"
