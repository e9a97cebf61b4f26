"""A new custom field's column on a table of many contacts comes from a background task
(``segments.columns``, on PostgreSQL): the field's rules count the same before and after
it, the task gives way to a transaction that holds the contacts and comes again later, and
a field deleted before its task leaves no column."""

import json
import unittest

from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pregon.contacts.models import Contact, Field
from pregon.contacts.tasks import build_field_column
from pregon.testing import BaseTestCase

COUNT = "/contactos/segmentos/contar/"
FIELDS = "/contactos/campos/"
LIMA = {"field": "field:ciudad", "operator": "equals", "value": "lima"}


def columns() -> set[str]:
    """The names of the contacts table's columns and indexes."""
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, "contacts_contact")
        constraints = connection.introspection.get_constraints(cursor, "contacts_contact")
    return {column.name for column in description} | set(constraints)


def builds() -> list[tuple[list, object]]:
    """The queued builds of a field's column: (arguments, run after)."""
    tasks = DBTaskResult.objects.filter(task_path__endswith=".build_field_column")
    return [
        (task.args_kwargs["args"], task.task_result.task.run_after)
        for task in tasks.order_by("enqueued_at")
    ]


@unittest.skipUnless(connection.vendor == "postgresql", "SQLite has no fields' columns")
@override_settings(FIELD_COLUMN_INLINE_CONTACTS=2)
class FieldColumnTaskTestCase(BaseTestCase):
    def setUp(self) -> None:
        for number, city in enumerate(["Lima", "LIMA", "Cusco", "Piura"]):
            Contact.objects.create(email=f"p{number}@example.pe", attributes={"ciudad": city})
        super().setUp()
        self.client.force_login(self.bob)

    def count(self) -> int:
        rules = {"match": "all", "rules": [LIMA]}
        response = self.client.post(COUNT, {"rules": json.dumps(rules)})
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()["count"]

    def new_field(self) -> Field:
        response = self.client.post(FIELDS, {"label": "Ciudad", "type": "text"})
        self.assertEqual(response.status_code, 302)
        return Field.objects.get(key="ciudad")

    def test_a_field_counts_the_same_before_and_after_its_column(self) -> None:
        field = self.new_field()
        column = f"field_{field.pk}"
        self.assertFalse(field.column_ready)
        self.assertNotIn(column, columns())
        self.assertEqual(builds(), [([field.pk], None)])
        self.assertEqual(self.count(), 2)

        build_field_column.call(field.pk)  # What the worker does.
        field.refresh_from_db()
        self.assertTrue(field.column_ready)
        self.assertLessEqual({column, f"contacts_{column}"}, columns())
        self.assertEqual(self.count(), 2)
        Contact.objects.create(email="nuevo@example.pe", attributes={"ciudad": "Lîma"})
        self.assertEqual(self.count(), 3)
        build_field_column.call(field.pk)  # A second run finds it ready.
        self.assertEqual(self.count(), 3)

    def test_the_task_gives_way_to_busy_contacts_and_comes_again(self) -> None:
        field = self.new_field()
        other = connections.create_connection("default")
        try:
            other.set_autocommit(False)
            with other.cursor() as cursor:  # An import's transaction, say.
                cursor.execute("LOCK TABLE contacts_contact IN ROW EXCLUSIVE MODE")
            build_field_column.call(field.pk)
            field.refresh_from_db()
            self.assertFalse(field.column_ready)
            self.assertNotIn(f"field_{field.pk}", columns())
            [_first, (args, run_after)] = builds()
            self.assertEqual(args, [field.pk])
            self.assertGreater(run_after, timezone.now())
            self.assertEqual(self.count(), 2)
        finally:
            other.rollback()
            other.close()
        build_field_column.call(field.pk)
        field.refresh_from_db()
        self.assertTrue(field.column_ready)
        self.assertEqual(self.count(), 2)

    def test_a_field_deleted_before_its_task_leaves_no_column(self) -> None:
        field = self.new_field()
        self.client.post(f"{FIELDS}{field.pk}/eliminar/")
        build_field_column.call(field.pk)
        self.assertFalse(Field.objects.exists())
        self.assertNotIn(f"field_{field.pk}", columns())

    @override_settings(FIELD_COLUMN_INLINE_CONTACTS=4)
    def test_a_field_on_few_contacts_has_its_column_at_once(self) -> None:
        field = self.new_field()
        self.assertTrue(field.column_ready)
        self.assertIn(f"field_{field.pk}", columns())
        self.assertEqual(builds(), [])
        self.assertEqual(self.count(), 2)


@unittest.skipUnless(connection.vendor == "postgresql", "SQLite has no fields' columns")
class ColumnLimitTestCase(BaseTestCase):
    """PostgreSQL allows a table 1,600 columns, dropped ones included: past them a new
    field has no column, and works from the contacts' attributes."""

    def test_a_field_beyond_the_column_limit_is_made_and_counts_without_a_column(self) -> None:
        Contact.objects.create(email="ana@example.pe", attributes={"ciudad": "Lima"})
        Contact.objects.create(email="luis@example.pe", attributes={"ciudad": "Cusco"})
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_attribute"
                " WHERE attrelid = 'contacts_contact'::regclass AND attnum > 0"
            )
            [used] = cursor.fetchone()
            # Rolled back with the test's transaction.
            for number in range(1600 - used):
                cursor.execute(f"ALTER TABLE contacts_contact ADD COLUMN filler_{number} int")
        self.client.force_login(self.bob)
        with self.assertLogs("pregon.contacts.segments.columns", "WARNING") as logs:
            response = self.client.post(FIELDS, {"label": "Ciudad", "type": "text"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("no room for another column", logs.output[0])
        field = Field.objects.get(key="ciudad")
        self.assertFalse(field.column_ready)
        self.assertNotIn(f"field_{field.pk}", columns())
        self.assertEqual(builds(), [])
        rules = {"match": "all", "rules": [LIMA]}
        response = self.client.post(COUNT, {"rules": json.dumps(rules)})
        self.assertEqual(response.json()["count"], 1)
