"""An import into a list with tags on PostgreSQL: its memberships' foreign keys checked once
(``imports.keys``) when the database role may, per row otherwise, with the same result."""

import unittest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection

from pregon.contacts import imports
from pregon.contacts.models import Contact, ImportStatus, MailingList, Subscription, Tag
from pregon.testing import BaseTestCase

CSV = b"Correo,Nombres\nana@example.pe,Ana\nrosa@example.pe,Rosa\nluis@example.pe,Luis\n"
ROLE = "pregon_import_keys_test"


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's key triggers")
class ImportKeysTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_temporary_media()
        self.courses = MailingList.objects.create(name="Cursos virtuales")
        # Already on the list and tagged: the import leaves these memberships alone.
        self.ana = Contact.objects.create(email="ana@example.pe", first_name="Ana")
        self.ana.lists.add(self.courses)
        self.ana.tags.add(Tag.objects.create(name="Docentes"))

    def run_import(self, content: bytes = CSV) -> None:
        imp = imports.create_import(
            SimpleUploadedFile("alumnos.csv", content), user=self.bob, language="es"
        )
        with self.captureOnCommitCallbacks(execute=False):
            imports.start_import(
                imp,
                {"0": "email", "1": "first_name"},
                update_existing=True,
                mailing_list=self.courses,
                tags=["Docentes", "Importado"],
            )
        imports.run_import(imp.pk, 1)
        imp.refresh_from_db()
        self.assertEqual((imp.status, imp.error), (ImportStatus.DONE, ""))

    def test_an_error_while_the_triggers_are_off_turns_them_back_on(self) -> None:
        table = Subscription._meta.db_table

        def membership_fails(execute: object, sql: str, *args: object) -> object:
            if sql.lstrip().startswith(f"INSERT INTO {table}"):
                raise DatabaseError("the disk is full")
            return execute(sql, *args)

        imp = imports.create_import(
            SimpleUploadedFile("alumnos.csv", CSV), user=self.bob, language="es"
        )
        with self.captureOnCommitCallbacks(execute=False):
            imports.start_import(
                imp, {"0": "email"}, update_existing=True, mailing_list=self.courses, tags=[]
            )
        with connection.execute_wrapper(membership_fails), self.assertLogs("pregon.contacts"):
            imports.run_import(imp.pk, 1)
        imp.refresh_from_db()
        self.assertEqual(imp.status, ImportStatus.FAILED)
        # The connection goes on to other work with the key triggers on.
        self.assertEqual(self.sql("SHOW session_replication_role"), [("origin",)])
        self.assertEqual(Subscription.objects.filter(mailing_list=self.courses).count(), 1)

    def assertEveryoneIsOnTheListWithBothTags(self) -> None:
        emails = ["ana@example.pe", "luis@example.pe", "rosa@example.pe"]
        members = Subscription.objects.filter(mailing_list=self.courses)
        self.assertEqual(sorted(members.values_list("contact__email", flat=True)), emails)
        for name in ["Docentes", "Importado"]:
            tagged = Tag.objects.get(name=name).contacts.order_by("email")
            self.assertEqual(list(tagged.values_list("email", flat=True)), emails)

    def sql(self, statement: str) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def test_with_the_setting_allowed_the_memberships_are_made(self) -> None:
        self.run_import()
        self.assertEveryoneIsOnTheListWithBothTags()
        # The setting went back as the apply ended.
        self.assertEqual(self.sql("SHOW session_replication_role"), [("origin",)])

    def test_a_role_that_may_not_skip_the_triggers_gets_the_same_memberships(self) -> None:
        # Roles are transactional: the test's rollback drops this one.
        self.sql(f"CREATE ROLE {ROLE} NOLOGIN")
        self.sql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {ROLE}")
        self.sql(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {ROLE}")
        self.sql(f"SET ROLE {ROLE}")
        try:
            self.run_import()
        finally:
            self.sql("RESET ROLE")
        self.assertEveryoneIsOnTheListWithBothTags()

    def test_a_trigger_of_the_administrators_own_still_fires(self) -> None:
        """Replica mode would silence it, so the import checks the keys per row instead."""
        # The test's rollback drops the table, the function and the trigger.
        self.sql("CREATE TABLE joined (contact_id bigint)")
        self.sql(
            "CREATE FUNCTION note_member() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN INSERT INTO joined VALUES (NEW.contact_id); RETURN NEW; END $$"
        )
        table = Subscription._meta.db_table
        self.sql(
            f"CREATE TRIGGER note_member AFTER INSERT ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION note_member()"
        )
        self.run_import()
        self.assertEveryoneIsOnTheListWithBothTags()
        noted = {contact_id for (contact_id,) in self.sql("SELECT contact_id FROM joined")}
        joined = Contact.objects.filter(email__in=["luis@example.pe", "rosa@example.pe"])
        self.assertEqual(noted, set(joined.values_list("pk", flat=True)))

    def test_a_trigger_of_the_administrators_own_fires_for_a_file_of_new_people(self) -> None:
        """Their memberships and tags are copied in (``COPY``), which fires row triggers
        as an ``INSERT`` does."""
        self.sql("CREATE TABLE tagged (contact_id bigint)")
        self.sql(
            "CREATE FUNCTION note_tagged() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN INSERT INTO tagged VALUES (NEW.contact_id); RETURN NEW; END $$"
        )
        table = Contact.tags.through._meta.db_table
        self.sql(
            f"CREATE TRIGGER note_tagged AFTER INSERT ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION note_tagged()"
        )
        self.run_import(b"Correo,Nombres\nrosa@example.pe,Rosa\nluis@example.pe,Luis\n")
        noted = sorted(contact_id for (contact_id,) in self.sql("SELECT contact_id FROM tagged"))
        new = Contact.objects.filter(email__in=["luis@example.pe", "rosa@example.pe"])
        ids = sorted(new.values_list("pk", flat=True))
        self.assertEqual(noted, sorted(ids + ids))  # Two tags each.
        members = Subscription.objects.filter(mailing_list=self.courses, contact__in=new)
        self.assertEqual(members.count(), 2)
