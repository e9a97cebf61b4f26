"""Migration contacts/0014 gives each custom field's index the contacts' creation date, and
leaves alone an index that has it already (0013 makes them with ``segments.columns`` as it
is now): an upgrade builds each field's index once."""

import unittest

from django.db import connection

from pregon.testing.migrations import MigrationTestCase


def field_indexes() -> dict[str, tuple[int, str]]:
    """Each custom field's index: its object id and its definition, by name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexname::regclass::oid, indexdef FROM pg_indexes"
            " WHERE tablename = 'contacts_contact' AND indexname LIKE 'contacts_field_%%'"
        )
        return {name: (oid, definition) for name, oid, definition in cursor.fetchall()}


@unittest.skipUnless(connection.vendor == "postgresql", "SQLite has no fields' columns")
class FieldIndexMigrationTestCase(MigrationTestCase):
    def test_each_field_index_is_built_once_with_the_creation_date(self) -> None:
        apps = self.migrate(self.leaves({"contacts": "0012_contact_last_opened_index"}))
        Field = apps.get_model("contacts", "Field")
        apps.get_model("contacts", "Contact").objects.create(
            email="ana@example.pe", attributes={"ciudad": "Lima", "edad": 30}
        )
        city = f"contacts_field_{Field.objects.create(key='ciudad', type='text').pk}"
        age_id = Field.objects.create(key="edad", type="number").pk
        age = f"contacts_field_{age_id}"
        self.migrate(self.leaves({"contacts": "0013_field_columns"}))
        with connection.cursor() as cursor:  # As 0013 made them in the fifth round.
            cursor.execute(f"DROP INDEX {age}")
            cursor.execute(f"CREATE INDEX {age} ON contacts_contact (field_{age_id}, id, status)")
        before = field_indexes()

        self.migrate(self.leaves())
        after = field_indexes()
        self.assertEqual(after[city], before[city])
        self.assertNotEqual(after[age][0], before[age][0])
        for name in (city, age):
            self.assertTrue(after[name][1].endswith("INCLUDE (created_at)"), after[name])
