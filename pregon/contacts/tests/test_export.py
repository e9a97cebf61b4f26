import csv
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts import exports, imports
from pregon.contacts.models import (
    ConsentSource,
    Contact,
    Field,
    FieldType,
    MailingList,
    Status,
    Subscription,
    Tag,
)
from pregon.testing import BaseTestCase

URL = "/contactos/exportar/"
HEADER = [
    "Email address",
    "First name",
    "Last name",
    "Phone",
    "Status",
    "Lists",
    "Tags",
    "Región",
    "Horas",
    "Nacimiento",
    "Consent source",
    "Consent date",
    "Consent IP address",
    "Consent wording",
    "Created",
]
SPANISH_HEADER = [
    "Correo electrónico",
    "Nombres",
    "Apellidos",
    "Teléfono",
    "Estado",
    "Listas",
    "Etiquetas",
    "Región",
    "Horas",
    "Nacimiento",
    "Origen del consentimiento",
    "Fecha del consentimiento",
    "IP del consentimiento",
    "Texto del consentimiento",
    "Creado",
]


class ExportTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        Field.objects.create(key="region", label="Región", type=FieldType.TEXT)
        Field.objects.create(key="hours", label="Horas", type=FieldType.NUMBER)
        Field.objects.create(key="birthday", label="Nacimiento", type=FieldType.DATE)
        utc = datetime.UTC
        self.ana = Contact.objects.create(
            email="ana@example.pe",
            first_name="Ana María",
            last_name="Muñoz",
            phone="+51987654321",
            attributes={"region": "Cusco", "hours": 40, "birthday": "1990-03-15"},
            consent_source=ConsentSource.FORM,
            consent_at=datetime.datetime(2024, 5, 2, 15, 30, tzinfo=utc),
            consent_ip="190.12.34.56",
            consent_text="Acepto",
            created_at=datetime.datetime(2024, 5, 2, 15, 31, tzinfo=utc),
        )
        self.evil = Contact.objects.create(
            email="evil@example.pe",
            first_name='=HYPERLINK("http://x.test","clic")',
            last_name="+cmd|' /C calc'!A0",
            status=Status.UNSUBSCRIBED,
            attributes={"region": "-2+3", "hours": -5},
            consent_text="@SUM(1+1)",
            created_at=datetime.datetime(2024, 6, 1, 12, 0, tzinfo=utc),
        )
        Contact.objects.filter(pk=self.evil.pk).update(
            first_name='=HYPERLINK("http://x.test","clic")', last_name="\tTAB"
        )
        course = MailingList.objects.create(name="Curso, 2024")
        Subscription.objects.create(contact=self.ana, mailing_list=course)
        self.ana.tags.add(Tag.objects.create(name="vip"), Tag.objects.create(name="=1+1"))

    def csv_rows(self, response: object) -> list[list[str]]:
        body = b"".join(response.streaming_content)
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"))
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/entrar/", response["Location"])
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.EXPORT).exists())

    def test_analysts_get_403(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.assertEqual(self.client.get(URL, {"format": "xlsx"}).status_code, 403)

    def test_csv_has_every_column_in_utf8_with_a_bom(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(URL, {"format": "csv"})
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn('attachment; filename="contacts-', response["Content-Disposition"])
        rows = self.csv_rows(response)
        self.assertEqual(rows[0], HEADER)
        self.assertEqual(
            rows[2],
            [
                "ana@example.pe",
                "Ana María",
                "Muñoz",
                "+51987654321",
                "Subscribed",
                "Curso, 2024",
                "'=1+1, vip",
                "Cusco",
                "40",
                "1990-03-15",
                "Subscription form",
                "2024-05-02 10:30:00",
                "190.12.34.56",
                "Acepto",
                "2024-05-02 10:31:00",
            ],
        )
        self.assertEqual(len(rows), 3)

    def test_csv_cells_cannot_start_a_formula(self) -> None:
        self.client.force_login(self.bob)
        rows = self.csv_rows(self.client.get(URL, {"status": "unsubscribed"}))
        evil = dict(zip(rows[0], rows[1], strict=True))
        self.assertEqual(evil["First name"], '\'=HYPERLINK("http://x.test","clic")')
        self.assertEqual(evil["Last name"], "'\tTAB")
        self.assertEqual(evil["Región"], "'-2+3")
        self.assertEqual(evil["Horas"], "-5")
        self.assertEqual(evil["Consent wording"], "'@SUM(1+1)")
        self.assertEqual(len(rows), 2)

    def test_xlsx_reads_back_with_values_and_no_formulas(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(URL, {"format": "xlsx"})
        self.assertIn('filename="contacts-', response["Content-Disposition"])
        self.assertIn(".xlsx", response["Content-Disposition"])
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = list(workbook.active.iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), HEADER)
        evil, ana = (dict(zip(HEADER, row, strict=True)) for row in rows[1:])
        self.assertEqual(ana["First name"], "Ana María")
        self.assertEqual(ana["Horas"], 40)
        self.assertEqual(ana["Nacimiento"], datetime.datetime(1990, 3, 15))
        self.assertEqual(ana["Consent date"], datetime.datetime(2024, 5, 2, 10, 30))
        self.assertEqual(ana["Phone"], "+51987654321")
        self.assertEqual(evil["First name"], '\'=HYPERLINK("http://x.test","clic")')
        self.assertEqual(evil["Región"], "'-2+3")
        self.assertEqual(evil["Horas"], -5)
        for row in workbook.active.iter_rows():
            for cell in row:
                self.assertNotEqual(cell.data_type, "f", cell.value)

    def test_headers_and_words_are_spanish_by_default(self) -> None:
        Field.objects.create(key="certified", label="Certificado", type=FieldType.BOOLEAN)
        Contact.objects.filter(pk=self.ana.pk).update(
            attributes={"region": "Cusco", "certified": True}
        )
        self.use_spanish()
        self.client.force_login(self.bob)
        rows = self.csv_rows(self.client.get(URL, {"format": "csv"}))
        self.assertEqual(rows[0], [*SPANISH_HEADER[:10], "Certificado", *SPANISH_HEADER[10:]])
        evil, ana = (dict(zip(rows[0], row, strict=True)) for row in rows[1:])
        self.assertEqual(ana["Estado"], "Suscrito")
        self.assertEqual(ana["Origen del consentimiento"], "Formulario de suscripción")
        self.assertEqual(ana["Certificado"], "sí")
        self.assertEqual(evil["Estado"], "Desuscrito")
        self.assertIn('filename="contactos-', self.client.get(URL)["Content-Disposition"])

    def test_a_spanish_export_imports_back(self) -> None:
        self.use_spanish()
        self.client.force_login(self.bob)
        content = b"".join(self.client.get(URL, {"format": "csv"}).streaming_content)
        self.use_temporary_media()
        with translation.override("es"):
            imp = imports.create_import(
                SimpleUploadedFile("contactos.csv", content), user=self.bob, language="es"
            )
            mapping = imports.suggest_mapping(imp)
            self.assertEqual(
                [mapping[str(n)] for n in range(10)],
                [
                    "email",
                    "first_name",
                    "last_name",
                    "phone",
                    "status",
                    "",
                    "",
                    "field:region",
                    "field:hours",
                    "field:birthday",
                ],
            )
            with self.captureOnCommitCallbacks(execute=False):
                imports.start_import(imp, mapping, update_existing=True)
            imports.run_import(imp.id, 1)
        imp.refresh_from_db()
        self.assertEqual((imp.updated_count, imp.rejected_count), (2, 0))
        self.evil.refresh_from_db()
        self.assertEqual(self.evil.status, Status.UNSUBSCRIBED)

    def test_it_exports_only_the_filtered_contacts(self) -> None:
        self.client.force_login(self.bob)
        rows = self.csv_rows(self.client.get(URL, {"q": "ana", "format": "csv"}))
        self.assertEqual([row[0] for row in rows[1:]], ["ana@example.pe"])

    def test_exports_are_audited_with_format_and_row_count(self) -> None:
        self.client.force_login(self.bob)
        b"".join(self.client.get(URL, {"status": "subscribed"}).streaming_content)
        b"".join(self.client.get(URL, {"format": "xlsx"}).streaming_content)
        entries = AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("id")
        details = [(e.actor, e.detail["format"], e.detail["rows"]) for e in entries]
        self.assertEqual(details, [(self.bob, "csv", 1), (self.bob, "xlsx", 2)])
        self.assertEqual(entries[0].detail["filter"], {"status": "subscribed"})

    def test_it_streams_more_contacts_than_one_chunk(self) -> None:
        count = exports.CHUNK_SIZE + 7
        Contact.objects.bulk_create(Contact(email=f"c{n:05}@example.com") for n in range(count))
        self.client.force_login(self.bob)
        response = self.client.get(URL, {"q": "example.com"})
        chunks = list(response.streaming_content)
        self.assertGreater(len(chunks), 2)
        rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
        emails = [row[0] for row in rows[1:]]
        self.assertEqual(len(emails), count)
        self.assertEqual(len(set(emails)), count)

    def test_control_characters_do_not_break_the_workbook(self) -> None:
        Contact.objects.filter(pk=self.ana.pk).update(first_name="Ana\x07\x1b")
        self.client.force_login(self.bob)
        response = self.client.get(URL, {"format": "xlsx", "q": "ana"})
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        self.assertEqual(workbook.active["B2"].value, "Ana")
