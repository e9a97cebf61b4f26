import csv
import datetime
import io
import itertools
import unittest
from pathlib import Path
from unittest import mock

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation
from openpyxl import Workbook

from pregon.contacts import imports
from pregon.contacts.models import (
    ConsentSource,
    Contact,
    Field,
    FieldType,
    Import,
    ImportStatus,
    MailingList,
    Status,
    Subscription,
    Tag,
)
from pregon.testing import BaseTestCase

NOW = datetime.datetime(2025, 3, 10, 15, 0, tzinfo=datetime.UTC)
DUPLICATE = "The same email address is on an earlier row of the file."


class ImportRunTestCase(BaseTestCase):
    """start_import and run_import, called as the view and then the worker do."""

    def setUp(self) -> None:
        super().setUp()
        self.media = self.use_temporary_media()
        self.enterContext(translation.override("en"))
        self.courses = MailingList.objects.create(name="Cursos virtuales")
        self.ana = Contact.objects.create(
            email="ana@example.pe",
            first_name="Ana",
            last_name="Quispe",
            phone="+51987654321",
            attributes={"region": "Cusco", "hours": 3},
            consent_source=ConsentSource.FORM,
            consent_text="Formulario web",
        )
        self.luis = Contact.objects.create(
            email="luis@example.pe", first_name="Luis", status=Status.UNSUBSCRIBED
        )

    def upload(self, content: str | bytes, name: str = "alumnos.csv") -> Import:
        if isinstance(content, str):
            content = content.encode()
        return imports.create_import(
            SimpleUploadedFile(name, content), user=self.bob, language="en"
        )

    def start(self, imp: Import, mapping: dict[str, str], **options: object) -> None:
        options.setdefault("update_existing", True)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            imports.start_import(imp, mapping, **options)
        self.assertEqual(len(callbacks), 1)  # The task, which these tests run themselves.

    def run_import(
        self, content: str | bytes, mapping: dict[str, str], **options: object
    ) -> Import:
        imp = self.upload(content)
        self.start(imp, mapping, **options)
        imports.run_import(imp.id, 1)  # What the worker does.
        imp.refresh_from_db()
        return imp

    def report(self, imp: Import) -> list[list[str]]:
        with open(imp.report.path, encoding="utf-8-sig", newline="") as file:
            return list(csv.reader(file, delimiter=imp.delimiter or ","))

    def counts(self, imp: Import) -> tuple[int, int, int, int]:
        return imp.created_count, imp.updated_count, imp.skipped_count, imp.rejected_count

    def test_good_rows_become_contacts_with_normalised_values(self) -> None:
        content = (
            "Correo;Nombres;Apellido paterno;Apellido materno;Celular\r\n"
            " Rosa.Huaman@Example.PE ;Rosa;Huamán;Mamani;987 654 322\r\n"
            "pedro@example.pe;Pedro;Peña;;+51 912-345-678\r\n"
            "carmen@example.pe;Carmen;;;(01) 411-1111\r\n"
            "jordi@example.es;Jordi;;;+34 612 345 678\r\n"
            "sara@example.pe;Sara;;;\r\n"
        )
        mapping = {
            "0": "email",
            "1": "first_name",
            "2": "last_name",
            "3": "last_name",
            "4": "phone",
        }
        with time_machine.travel(NOW, tick=False):
            imp = self.run_import(content, mapping, consent_text="  Acepto recibir novedades  ")

        self.assertEqual(imp.status, ImportStatus.DONE)
        self.assertEqual(self.counts(imp), (5, 0, 0, 0))
        self.assertEqual((imp.total_rows, imp.processed_rows, imp.percent), (5, 5, 100))
        self.assertEqual((imp.error, imp.report.name, imp.leased_until), ("", "", None))
        self.assertEqual(imp.finished_at, NOW)
        self.assertFalse((self.media / "imports" / "reports" / f"{imp.code}-1.csv").exists())
        new = Contact.objects.exclude(pk__in=[self.ana.pk, self.luis.pk]).order_by("email")
        self.assertEqual(
            [(c.email, c.first_name, c.last_name, c.phone, c.status) for c in new],
            [
                ("carmen@example.pe", "Carmen", "", "+5114111111", Status.SUBSCRIBED),
                ("jordi@example.es", "Jordi", "", "+34612345678", Status.SUBSCRIBED),
                ("pedro@example.pe", "Pedro", "Peña", "+51912345678", Status.SUBSCRIBED),
                (
                    "rosa.huaman@example.pe",
                    "Rosa",
                    "Huamán Mamani",
                    "+51987654322",
                    Status.SUBSCRIBED,
                ),
                ("sara@example.pe", "Sara", "", "", Status.SUBSCRIBED),
            ],
        )
        for contact in new:
            self.assertEqual(
                (contact.consent_source, contact.consent_at, contact.consent_text),
                (ConsentSource.IMPORT, NOW, "Acepto recibir novedades"),
            )
            self.assertEqual((contact.consent_form, contact.consent_ip_hash), ("", ""))
            self.assertEqual(
                (contact.attributes, contact.created_at, contact.updated_at), ({}, NOW, NOW)
            )
        self.assertEqual(len({c.code for c in new}), 5)

    def test_exactly_the_bad_rows_are_rejected_and_reported(self) -> None:
        rows = [[f"persona{i}@example.pe", f"Persona {i}", f"9{i:08d}"] for i in range(200)]
        bad = {
            10: (["no-es-correo", "Rosa", ""], "“no-es-correo” is not a valid email address."),
            40: (["p40@example.pe", "Luis", "12345"], "“12345” is not a valid phone number."),
            70: (["", "Sin correo", "987654321"], "The email address is missing."),
            100: (["PERSONA5@Example.pe", "Otra vez", ""], DUPLICATE),
            120: (
                ["ana@@example.pe", "Ana", ""],
                "“ana@@example.pe” is not a valid email address.",
            ),
            150: (["p150@example.pe", "Pedro", "abc"], "“abc” is not a valid phone number."),
            170: (["persona3@example.pe", "Repetida", ""], DUPLICATE),
            180: (
                ["p180@example", "Sin dominio", ""],
                "“p180@example” is not a valid email address.",
            ),
            190: (["   ", "Blanco", ""], "The email address is missing."),
            199: (
                ['=HYPERLINK("x")', "Fórmula", ""],
                '“=HYPERLINK("x")” is not a valid email address.',
            ),
        }
        for i, (cells, _reason) in bad.items():
            rows[i] = cells
        content = io.StringIO()
        csv.writer(content).writerows([["Correo", "Nombre", "Celular"], *rows])
        imp = self.run_import(content.getvalue(), {"0": "email", "1": "first_name", "2": "phone"})

        self.assertEqual(imp.status, ImportStatus.DONE)
        self.assertEqual(self.counts(imp), (190, 0, 0, 10))
        self.assertEqual((imp.total_rows, imp.processed_rows), (200, 200))
        self.assertEqual(Contact.objects.count(), 2 + 190)
        self.assertFalse(Contact.objects.filter(email="p40@example.pe").exists())
        self.assertEqual(Contact.objects.get(email="persona5@example.pe").first_name, "Persona 5")
        self.assertEqual(imp.report.name, f"imports/reports/{imp.code}-1.csv")
        expected = [[str(i + 2), *cells, reason] for i, (cells, reason) in sorted(bad.items())]
        expected[-1][1] = '\'=HYPERLINK("x")'  # A formula is made inert in the report.
        self.assertEqual(
            self.report(imp), [["Row", "Correo", "Nombre", "Celular", "Reason"], *expected]
        )

    def test_domain_labels_are_checked_at_their_limits(self) -> None:
        """A label of a domain has 1 to 63 letters, digits or hyphens, and starts and ends
        with a letter or digit: the import's quick check and the full one agree."""
        good = ["a@" + "b" * 63 + ".pe", "a@b-c.pe", "a@b--c.pe", "a@1.pe", "a.b+c_d-e@f.g.pe"]
        bad = ["a@" + "b" * 64 + ".pe", "a@-b.pe", "a@b-.pe", "a@b..pe", "a@.b.pe", "a.@b.pe"]
        content = "Correo\n" + "\n".join(good + bad) + "\n"
        imp = self.run_import(content, {"0": "email"})

        self.assertEqual(self.counts(imp), (len(good), 0, 0, len(bad)))
        self.assertEqual(
            set(Contact.objects.filter(email__in=good + bad).values_list("email", flat=True)),
            set(good),
        )
        reasons = [row[-1] for row in self.report(imp)[1:]]
        self.assertEqual(reasons, [f"“{email}” is not a valid email address." for email in bad])

    def test_blank_rows_are_ignored_but_keep_row_numbers(self) -> None:
        content = (
            "Correo;Nombre\r\n"
            "\r\n"
            "rosa@example.pe;Rosa\r\n"
            ";\r\n"
            " ; \r\n"
            "mal-correo;Pedro\r\n"
            "\r\n"
            ";;;\r\n"
        )
        imp = self.run_import(content, {"0": "email", "1": "first_name"})
        self.assertEqual(self.counts(imp), (1, 0, 0, 1))
        self.assertEqual((imp.total_rows, imp.processed_rows), (2, 2))
        self.assertEqual(
            self.report(imp),
            [
                ["Row", "Correo", "Nombre", "Reason"],
                ["6", "mal-correo", "Pedro", "“mal-correo” is not a valid email address."],
            ],
        )

    def test_blank_rows_above_the_header_are_not_data(self) -> None:
        content = "\r\n;\r\nCorreo;Nombre\r\nrosa@example.pe;Rosa\r\nmal;Pedro\r\n"
        imp = self.run_import(content, {"0": "email", "1": "first_name"})
        self.assertEqual(self.counts(imp), (1, 0, 0, 1))
        self.assertEqual(
            self.report(imp)[1:], [["5", "mal", "Pedro", "“mal” is not a valid email address."]]
        )

    def test_the_report_makes_formulas_in_the_header_inert(self) -> None:
        content = 'Correo;=HYPERLINK("http://example.com")\r\nmal;x\r\n'
        imp = self.run_import(content, {"0": "email"})
        self.assertEqual(
            self.report(imp)[0], ["Row", "Correo", '\'=HYPERLINK("http://example.com")', "Reason"]
        )

    def test_updating_changes_names_but_blank_cells_change_nothing(self) -> None:
        Field.objects.create(key="region", label="Región", type=FieldType.TEXT)
        Field.objects.create(key="hours", label="Horas", type=FieldType.NUMBER)
        content = (
            "Correo;Nombre;Apellido;Celular;Región;Horas\r\n"
            "ANA@example.pe;Ana María;;;;5\r\n"
            "nuevo@example.pe;Nuevo;;;;\r\n"
        )
        mapping = {
            "0": "email",
            "1": "first_name",
            "2": "last_name",
            "3": "phone",
            "4": "field:region",
            "5": "field:hours",
        }
        imp = self.run_import(content, mapping, update_existing=True)
        self.assertEqual(self.counts(imp), (1, 1, 0, 0))
        self.ana.refresh_from_db()
        self.assertEqual(
            (self.ana.first_name, self.ana.last_name, self.ana.phone, self.ana.attributes),
            ("Ana María", "Quispe", "+51987654321", {"region": "Cusco", "hours": 5}),
        )
        # Consent is where the contact first gave it, not the import.
        self.assertEqual(
            (self.ana.consent_source, self.ana.consent_text), (ConsentSource.FORM, "Formulario web")
        )

    def test_updating_never_resubscribes_a_contact(self) -> None:
        content = (
            "Correo;Nombre;Estado\r\n"
            "luis@example.pe;Luis Alberto;Suscrito\r\n"
            "ana@example.pe;;Baja\r\n"
            "nueva@example.pe;Nueva;Desuscrita\r\n"
        )
        imp = self.run_import(content, {"0": "email", "1": "first_name", "2": "status"})
        self.assertEqual(self.counts(imp), (1, 2, 0, 0))
        self.luis.refresh_from_db()
        self.assertEqual(
            (self.luis.first_name, self.luis.status), ("Luis Alberto", Status.UNSUBSCRIBED)
        )
        self.ana.refresh_from_db()
        self.assertEqual((self.ana.first_name, self.ana.status), ("Ana", Status.UNSUBSCRIBED))
        self.assertEqual(Contact.objects.get(email="nueva@example.pe").status, Status.UNSUBSCRIBED)

    def test_an_unknown_status_is_rejected(self) -> None:
        imp = self.run_import(
            "Correo;Estado\r\nrosa@example.pe;Tal vez\r\n", {"0": "email", "1": "status"}
        )
        self.assertEqual(self.counts(imp), (0, 0, 0, 1))
        self.assertEqual(
            self.report(imp)[1][-1], "“Tal vez” is not a status; use subscribed or unsubscribed."
        )

    def test_without_updating_existing_contacts_keep_their_values_and_join_the_list(self) -> None:
        content = (
            "Correo;Nombre;Celular\r\n"
            "ana@example.pe;Otra Ana;912345678\r\n"
            "Luis@Example.pe;Otro Luis;\r\n"
            "rosa@example.pe;Rosa;\r\n"
        )
        imp = self.run_import(
            content,
            {"0": "email", "1": "first_name", "2": "phone"},
            update_existing=False,
            mailing_list=self.courses,
            tags=["2025"],
        )
        self.assertEqual(self.counts(imp), (1, 0, 2, 0))
        self.ana.refresh_from_db()
        self.assertEqual((self.ana.first_name, self.ana.phone), ("Ana", "+51987654321"))
        self.luis.refresh_from_db()
        self.assertEqual(self.luis.first_name, "Luis")
        # Their values stay, but "add everyone in the file to the list" includes them.
        everyone = ["ana@example.pe", "luis@example.pe", "rosa@example.pe"]
        self.assertEqual(sorted(self.courses.contacts.values_list("email", flat=True)), everyone)
        self.assertEqual(
            sorted(Tag.objects.get(name="2025").contacts.values_list("email", flat=True)),
            everyone,
        )

    def test_the_list_and_tags_are_applied(self) -> None:
        Tag.objects.create(name="alumnos")
        Subscription.objects.create(contact=self.ana, mailing_list=self.courses)
        content = "Correo\r\nana@example.pe\r\nrosa@example.pe\r\nmal\r\n"
        imp = self.run_import(
            content,
            {"0": "email"},
            mailing_list=self.courses,
            tags=[" alumnos", "2025 ", "", "alumnos"],
        )
        self.assertEqual(self.counts(imp), (1, 1, 0, 1))
        self.assertEqual(sorted(imp.tags.values_list("name", flat=True)), ["2025", "alumnos"])
        self.assertEqual(Tag.objects.count(), 2)
        self.assertEqual(
            sorted(self.courses.contacts.values_list("email", flat=True)),
            ["ana@example.pe", "rosa@example.pe"],
        )
        self.assertEqual(Subscription.objects.count(), 2)  # Ana's membership is not doubled.
        for name in ["2025", "alumnos"]:
            self.assertEqual(
                sorted(Tag.objects.get(name=name).contacts.values_list("email", flat=True)),
                ["ana@example.pe", "rosa@example.pe"],
            )
        self.assertFalse(self.luis.lists.exists())

    def test_new_contacts_join_the_list_and_get_the_tags_chunk_after_chunk(self) -> None:
        """Chunks of new people only (PostgreSQL copies their memberships and tags in)."""
        lines = [f"persona{n}@example.pe" for n in range(8)]
        imp = self.upload("Correo\n" + "\n".join(lines) + "\n")
        self.start(imp, {"0": "email"}, mailing_list=self.courses, tags=["2025", "alumnos"])
        with (
            mock.patch("pregon.contacts.imports.run.CHUNK_ROWS", 3),
            time_machine.travel(NOW, tick=False),
        ):
            imports.run_import(imp.id, 1)
        imp.refresh_from_db()
        self.assertEqual(self.counts(imp), (8, 0, 0, 0))
        self.assertMembersAndTagged(lines, ["2025", "alumnos"])

    @unittest.skipUnless(connection.vendor == "postgresql", "the contacts' sequence")
    def test_ids_drawn_with_gaps_still_name_each_rows_contact(self) -> None:
        """The ids a chunk's contacts drew are not every number between the first and the
        last when others drew some meanwhile, here with a sequence that counts in twos: the
        chunk is staged instead, and each row still gets its own contact."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Contact._meta.db_table])
            cursor.execute(f"ALTER SEQUENCE {cursor.fetchone()[0]} INCREMENT BY 2")
        lines = [f"persona{n}@example.pe" for n in range(5)]
        with time_machine.travel(NOW, tick=False):
            imp = self.run_import(
                "Correo\n" + "\n".join(lines) + "\n",
                {"0": "email"},
                mailing_list=self.courses,
                tags=["2025"],
            )
        self.assertEqual(self.counts(imp), (5, 0, 0, 0))
        ids = Contact.objects.filter(email__in=lines).order_by("id").values_list("id", flat=True)
        self.assertEqual([b - a for a, b in itertools.pairwise(ids)], [2, 2, 2, 2])
        self.assertMembersAndTagged(lines, ["2025"])

    def assertMembersAndTagged(self, emails: list[str], tags: list[str]) -> None:
        members = Subscription.objects.filter(mailing_list=self.courses).order_by("contact_id")
        self.assertEqual(
            [(m.contact.email, m.created_at) for m in members], [(e, NOW) for e in emails]
        )
        for name in tags:
            tagged = Tag.objects.get(name=name).contacts.order_by("id")
            self.assertEqual(list(tagged.values_list("email", flat=True)), emails)

    def test_custom_fields_are_parsed_by_type(self) -> None:
        Field.objects.create(key="region", label="Región", type=FieldType.TEXT)
        Field.objects.create(key="hours", label="Horas", type=FieldType.NUMBER)
        Field.objects.create(key="birthday", label="Nacimiento", type=FieldType.DATE)
        Field.objects.create(key="alumni", label="Egresado", type=FieldType.BOOLEAN)
        content = (
            "Correo;Región;Horas;Nacimiento;Egresado\r\n"
            "rosa@example.pe;San Martín;1.234,5;31/12/2024;sí\r\n"
            "pedro@example.pe;Puno;-3;2024-02-29;No\r\n"
            "carmen@example.pe;;12;;\r\n"
            "jose@example.pe;;1,200;;\r\n"
            "lucia@example.pe;;3,5;;\r\n"
            "mario@example.pe;;1,234.5;;\r\n"
        )
        mapping = {"0": "email", "1": "field:region", "2": "field:hours"}
        mapping |= {"3": "field:birthday", "4": "field:alumni"}
        imp = self.run_import(content, mapping)
        self.assertEqual(self.counts(imp), (6, 0, 0, 0))
        attributes = dict(Contact.objects.values_list("email", "attributes"))
        self.assertEqual(attributes["jose@example.pe"], {"hours": 1200})
        self.assertEqual(attributes["lucia@example.pe"], {"hours": 3.5})
        self.assertEqual(attributes["mario@example.pe"], {"hours": 1234.5})
        self.assertEqual(
            attributes["rosa@example.pe"],
            {"region": "San Martín", "hours": 1234.5, "birthday": "2024-12-31", "alumni": True},
        )
        self.assertEqual(
            attributes["pedro@example.pe"],
            {"region": "Puno", "hours": -3, "birthday": "2024-02-29", "alumni": False},
        )
        self.assertEqual(attributes["carmen@example.pe"], {"hours": 12})

    def test_a_bad_custom_value_is_rejected_with_the_field_label(self) -> None:
        Field.objects.create(key="hours", label="Horas", type=FieldType.NUMBER)
        Field.objects.create(key="birthday", label="Nacimiento", type=FieldType.DATE)
        Field.objects.create(key="alumni", label="Egresado", type=FieldType.BOOLEAN)
        content = (
            "Correo;Horas;Nacimiento;Egresado\r\n"
            "rosa@example.pe;mil;;\r\n"
            "pedro@example.pe;;31/02/2024;\r\n"
            "carmen@example.pe;;diciembre;\r\n"
            "jorge@example.pe;;;quizás\r\n"
            "sara@example.pe;2;01/03/2024;x\r\n"
        )
        mapping = {"0": "email", "1": "field:hours", "2": "field:birthday", "3": "field:alumni"}
        imp = self.run_import(content, mapping)
        self.assertEqual(self.counts(imp), (1, 0, 0, 4))
        self.assertEqual(
            [row[-1] for row in self.report(imp)[1:]],
            [
                "Horas: “mil” is not a number.",
                "Nacimiento: “31/02/2024” is not a date that exists.",
                "Nacimiento: “diciembre” is not a date; write it as 31/12/2024.",
                "Egresado: “quizás” is not yes or no.",
            ],
        )
        self.assertEqual(
            Contact.objects.get(email="sara@example.pe").attributes,
            {"hours": 2, "birthday": "2024-03-01", "alumni": True},
        )

    def test_script_tags_in_names_are_stored_as_text(self) -> None:
        content = (
            "Correo,Nombre,Apellido\n"
            'rosa@example.pe,<script>alert(1)</script>,"<b>Peña</b> & ""hijos"""\n'
        )
        imp = self.run_import(content, {"0": "email", "1": "first_name", "2": "last_name"})
        self.assertEqual(self.counts(imp), (1, 0, 0, 0))
        rosa = Contact.objects.get(email="rosa@example.pe")
        self.assertEqual(
            (rosa.first_name, rosa.last_name),
            ("<script>alert(1)</script>", '<b>Peña</b> & "hijos"'),
        )

    def test_more_rows_than_the_upload_counted_still_get_unique_codes(self) -> None:
        """An XLSX may declare fewer rows than it has; the codes' slices run out then."""
        rows = "".join(f"persona{n}@example.pe,Persona {n}\n" for n in range(30))
        imp = self.upload("Correo,Nombres\n" + rows)
        Import.objects.filter(pk=imp.pk).update(total_rows=2)
        self.start(imp, {"0": "email", "1": "first_name"})
        with mock.patch("pregon.contacts.imports.run.CHUNK_ROWS", 4):
            imports.run_import(imp.id, 1)

        imp.refresh_from_db()
        self.assertEqual((imp.status, imp.created_count), (ImportStatus.DONE, 30))
        codes = list(Contact.objects.filter(email__startswith="persona").values_list("code"))
        self.assertEqual(len(set(codes)), 30)
        self.assertTrue(all(code.version == 4 for (code,) in codes))

    def test_rows_keep_their_order_across_many_chunks(self) -> None:
        """Staged chunk after chunk, contacts are made in the file's order, and duplicates
        and bad rows in later chunks are reported."""
        lines = [f"persona{n}@example.pe,Persona {n}" for n in range(40)]
        lines[7] = "persona3@example.pe,Otra vez"  # A duplicate of a row in an earlier chunk.
        lines[22] = "no es un correo,Nadie"
        imp = self.upload("Correo,Nombres\n" + "\n".join(lines) + "\n")
        self.start(imp, {"0": "email", "1": "first_name"})
        with mock.patch("pregon.contacts.imports.run.CHUNK_ROWS", 3):
            imports.run_import(imp.id, 1)

        imp.refresh_from_db()
        self.assertEqual(self.counts(imp), (38, 0, 0, 2))
        self.assertEqual((imp.processed_rows, imp.total_rows), (40, 40))
        self.assertEqual(
            [row[0] for row in self.report(imp)[1:]], ["9", "24"]
        )  # Spreadsheet rows: the header is row 1.
        made = Contact.objects.filter(email__startswith="persona").order_by("id")
        expected = [f"persona{n}@example.pe" for n in range(40) if n not in (7, 22)]
        self.assertEqual(list(made.values_list("email", flat=True)), expected)

    def test_a_chunk_with_a_contacts_address_between_chunks_of_new_people(self) -> None:
        """Each chunk of new people is inserted as it is; the one with Ana's address goes
        through the general statements, and the chunks after it are new people again."""
        lines = [f"persona{n}@example.pe,Persona {n},,unsubscribed" for n in range(9)]
        lines[4] = "ana@example.pe,,Flores,"
        lines[5] = "luis@example.pe,Luis Alberto,,subscribed"
        imp = self.upload("Correo,Nombres,Apellidos,Estado\n" + "\n".join(lines) + "\n")
        self.start(imp, {"0": "email", "1": "first_name", "2": "last_name", "3": "status"})
        with mock.patch("pregon.contacts.imports.run.CHUNK_ROWS", 3):
            imports.run_import(imp.id, 1)

        imp.refresh_from_db()
        self.assertEqual((imp.status, self.counts(imp)), (ImportStatus.DONE, (7, 2, 0, 0)))
        self.ana.refresh_from_db()
        self.assertEqual(
            (self.ana.first_name, self.ana.last_name, self.ana.consent_source),
            ("Ana", "Flores", ConsentSource.FORM),
        )
        self.assertEqual(Contact.objects.get(pk=self.luis.pk).status, Status.UNSUBSCRIBED)
        made = Contact.objects.filter(email__startswith="persona").order_by("id")
        self.assertEqual(
            list(made.values_list("email", "first_name", "status", "consent_source")),
            [
                (
                    f"persona{n}@example.pe",
                    f"Persona {n}",
                    Status.UNSUBSCRIBED,
                    ConsentSource.IMPORT,
                )
                for n in range(9)
                if n not in (4, 5)
            ],
        )

    def test_two_imports_in_a_row_stage_their_own_rows(self) -> None:
        """The second import on the same connection finds none of the first one's rows."""
        first = self.run_import("Correo\nrosa@example.pe\npedro@example.pe\n", {"0": "email"})
        second = self.run_import("Correo\nmaria@example.pe\n", {"0": "email"})

        self.assertEqual((self.counts(first), self.counts(second)), ((2, 0, 0, 0), (1, 0, 0, 0)))
        self.assertEqual(Contact.objects.count(), 5)

    def test_cells_with_backslashes_tabs_and_quotes_are_stored_as_written(self) -> None:
        """Also a name equal to a row's custom fields as JSON: it stays a name, and the
        fields stay the fields, however the two are encoded for the database."""
        Field.objects.create(key="region", label="Región", type=FieldType.TEXT)
        content = (
            "Correo,Nombre,Apellidos,Región\r\n"
            'rosa@example.pe,Rosa \\ María,"Flores\tPeña","Colegio ""La Salle"" \\N"\r\n'
            "pedro@example.pe,Pedro,Quispe,Cusco\r\n"
            'maria@example.pe,{},"{""region"": ""Lima""}",Lima\r\n'
            "jorge@example.pe,{},Peña,\r\n"
        )
        mapping = {"0": "email", "1": "first_name", "2": "last_name", "3": "field:region"}
        imp = self.run_import(content, mapping)

        self.assertEqual(self.counts(imp), (4, 0, 0, 0))
        rosa = Contact.objects.get(email="rosa@example.pe")
        self.assertEqual((rosa.first_name, rosa.last_name), ("Rosa \\ María", "Flores\tPeña"))
        self.assertEqual(rosa.attributes, {"region": 'Colegio "La Salle" \\N'})
        self.assertEqual(Contact.objects.get(email="pedro@example.pe").first_name, "Pedro")
        made = Contact.objects.filter(email__in=["maria@example.pe", "jorge@example.pe"])
        self.assertEqual(
            sorted(made.values_list("email", "first_name", "last_name", "attributes")),
            [
                ("jorge@example.pe", "{}", "Peña", {}),
                ("maria@example.pe", "{}", '{"region": "Lima"}', {"region": "Lima"}),
            ],
        )

    def test_it_imports_xlsx_numbers_and_dates(self) -> None:
        Field.objects.create(key="birthday", label="Nacimiento", type=FieldType.DATE)
        Field.objects.create(key="hours", label="Horas", type=FieldType.NUMBER)
        workbook = Workbook()
        workbook.active.append(["Correo", "Nombre", "Celular", "Nacimiento", "Horas"])
        workbook.active.append(
            ["rosa@example.pe", "Rosa", 987654322, datetime.date(1990, 3, 15), 40]
        )
        workbook.active.append(["pedro@example.pe", "Pedro", None, None, 2.5])
        workbook.active.append(["mal", "Mal", None, None, None])
        content = io.BytesIO()
        workbook.save(content)
        mapping = {"0": "email", "1": "first_name", "2": "phone"}
        mapping |= {"3": "field:birthday", "4": "field:hours"}
        imp = self.upload(content.getvalue(), name="alumnos.xlsx")
        self.start(imp, mapping)
        imports.run_import(imp.id, 1)
        imp.refresh_from_db()

        self.assertEqual(self.counts(imp), (2, 0, 0, 1))
        rosa = Contact.objects.get(email="rosa@example.pe")
        self.assertEqual(rosa.phone, "+51987654322")
        self.assertEqual(rosa.attributes, {"birthday": "1990-03-15", "hours": 40})
        self.assertEqual(Contact.objects.get(email="pedro@example.pe").attributes, {"hours": 2.5})
        self.assertEqual(self.report(imp)[1][0], "4")

    def test_a_missing_file_fails_and_leaves_nothing(self) -> None:
        imp = self.upload("Correo\r\nrosa@example.pe\r\n")
        self.start(imp, {"0": "email"}, mailing_list=self.courses, tags=["2025"])
        Path(imp.file.path).unlink()
        imports.run_import(imp.id, 1)
        imp.refresh_from_db()
        self.assertEqual(imp.status, ImportStatus.FAILED)
        self.assertEqual(
            imp.error,
            "The import stopped because of an unexpected error, and nothing was imported. "
            "Try again; if it happens again, tell your administrator.",
        )
        self.assertEqual(self.counts(imp), (0, 0, 0, 0))
        self.assertIsNone(imp.leased_until)
        self.assertIsNotNone(imp.finished_at)
        self.assertEqual(Contact.objects.count(), 2)
        self.assertFalse(self.courses.contacts.exists())
        self.assertFalse((self.media / "imports" / "reports" / f"{imp.code}-1.csv").exists())

    def test_a_quote_that_never_closes_fails_instead_of_swallowing_the_rest(self) -> None:
        rows = "".join(f"persona{i}@example.pe;Persona {i}\r\n" for i in range(50))
        content = f'Correo;Nombre\r\n{rows}mal@example.pe;"Sin cierre\r\n{rows}'
        imp = self.run_import(content, {"0": "email", "1": "first_name"})
        self.assertEqual(imp.status, ImportStatus.FAILED)
        self.assertTrue(imp.error.startswith("Row 52 of the file has a quotation mark"))
        self.assertEqual(Contact.objects.count(), 2)

    def test_a_stale_attempt_does_nothing(self) -> None:
        imp = self.upload("Correo\r\nrosa@example.pe\r\n")
        self.start(imp, {"0": "email"})
        imports.run_import(imp.id, 2)
        imp.refresh_from_db()
        self.assertEqual((imp.status, imp.attempts), (ImportStatus.QUEUED, 1))
        self.assertIsNone(imp.started_at)
        self.assertFalse(Contact.objects.filter(email="rosa@example.pe").exists())

    def test_a_second_run_of_the_same_attempt_does_nothing(self) -> None:
        imp = self.run_import(
            "Correo;Nombre\r\nrosa@example.pe;Rosa\r\n", {"0": "email", "1": "first_name"}
        )
        Contact.objects.filter(email="rosa@example.pe").update(first_name="Rosa Elena")
        imports.run_import(imp.id, 1)
        imp.refresh_from_db()
        self.assertEqual((imp.status, self.counts(imp)), (ImportStatus.DONE, (1, 0, 0, 0)))
        self.assertEqual(Contact.objects.get(email="rosa@example.pe").first_name, "Rosa Elena")

    def test_an_import_cannot_be_started_twice(self) -> None:
        imp = self.upload("Correo\r\nrosa@example.pe\r\n")
        self.start(imp, {"0": "email"})
        with self.assertRaisesMessage(ValueError, "This import has already been started."):
            imports.start_import(imp, {"0": "email"}, update_existing=False)
        imp.refresh_from_db()
        self.assertTrue(imp.update_existing)
