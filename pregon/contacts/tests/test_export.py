import csv
import datetime
import io

from openpyxl import load_workbook

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts import exports
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
from pregon.test import BaseTestCase

URL = "/contactos/exportar/"
HEADER = [
    "email",
    "first_name",
    "last_name",
    "phone",
    "status",
    "lists",
    "tags",
    "region",
    "hours",
    "birthday",
    "consent_source",
    "consent_at",
    "consent_ip",
    "consent_text",
    "created_at",
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
                "subscribed",
                "Curso, 2024",
                "'=1+1, vip",
                "Cusco",
                "40",
                "1990-03-15",
                "form",
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
        self.assertEqual(evil["first_name"], '\'=HYPERLINK("http://x.test","clic")')
        self.assertEqual(evil["last_name"], "'\tTAB")
        self.assertEqual(evil["region"], "'-2+3")
        self.assertEqual(evil["hours"], "-5")
        self.assertEqual(evil["consent_text"], "'@SUM(1+1)")
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
        self.assertEqual(ana["first_name"], "Ana María")
        self.assertEqual(ana["hours"], 40)
        self.assertEqual(ana["birthday"], datetime.datetime(1990, 3, 15))
        self.assertEqual(ana["consent_at"], datetime.datetime(2024, 5, 2, 10, 30))
        self.assertEqual(ana["phone"], "+51987654321")
        self.assertEqual(evil["first_name"], '\'=HYPERLINK("http://x.test","clic")')
        self.assertEqual(evil["region"], "'-2+3")
        self.assertEqual(evil["hours"], -5)
        for row in workbook.active.iter_rows():
            for cell in row:
                self.assertNotEqual(cell.data_type, "f", cell.value)

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
