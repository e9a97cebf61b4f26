import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.sending.models import Message
from pregon.testing import BaseTestCase
from pregon.testing.reports import LINKS, refuse, reported_campaign
from pregon.tracking.models import EventKind


class CampaignPeopleTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.campaign = reported_campaign()
        self.client.force_login(self.bob)

    def url(self, slug: str) -> str:
        return reverse("reports:campaign_people", args=[self.campaign.code, slug])

    def export(self, slug: str, **params: str) -> object:
        url = reverse("reports:campaign_export", args=[self.campaign.code, slug])
        return self.client.get(url, params)

    def csv_rows(self, response: object) -> list[list[str]]:
        body = b"".join(response.streaming_content)
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"))
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))

    def emails(self, slug: str, **params: str) -> list[str]:
        return [row[0] for row in self.csv_rows(self.export(slug, **params))[1:]]

    def test_analysts_see_the_figures_but_not_who(self) -> None:
        self.client.force_login(self.charlie)
        report = self.client.get(reverse("reports:campaign", args=[self.campaign.code]))
        self.assertNotContains(report, 'data-list="abrieron"')
        self.assertEqual(self.client.get(self.url("abrieron")).status_code, 403)
        self.assertEqual(self.export("abrieron", format="csv").status_code, 403)

    def test_an_unknown_list_is_not_found(self) -> None:
        self.assertEqual(self.client.get(self.url("nadie")).status_code, 404)

    def test_who_opened_counts_people_unless_every_event_is_asked_for(self) -> None:
        response = self.client.get(self.url("abrieron"))
        self.assertContains(response, 'data-count="4"')
        self.assertContains(response, "persona6@example.pe")
        self.assertNotContains(response, "persona4@example.pe")
        self.assertEqual(
            self.emails("abrieron"),
            [
                "persona2@example.pe",
                "persona3@example.pe",
                "persona6@example.pe",
                "persona7@example.pe",
            ],
        )
        everyone = self.emails("abrieron", eventos="todos")
        self.assertEqual(len(everyone), 6)
        self.assertIn("persona4@example.pe", everyone)

    def test_who_did_not_open_leaves_out_bounces_and_unsent(self) -> None:
        self.assertEqual(self.emails("no-abrieron"), ["persona4@example.pe", "persona5@example.pe"])
        self.assertEqual(self.emails("no-abrieron", eventos="todos"), [])

    def test_who_clicked_names_the_link(self) -> None:
        rows = self.csv_rows(self.export("clics"))
        self.assertEqual(
            rows[0], ["Email address", "First name", "Last name", "Link", "Clicks", "First click"]
        )
        self.assertEqual(
            [(row[0], row[3], row[4]) for row in rows[1:]],
            [
                ("persona2@example.pe", LINKS[0], "1"),
                ("persona3@example.pe", LINKS[1], "2"),
                ("persona6@example.pe", LINKS[0], "1"),
            ],
        )
        # 15:20 UTC is 10:20 in Lima.
        self.assertEqual(rows[1][5], "2026-11-20 10:20:00")
        page = self.client.get(self.url("clics"))
        self.assertContains(page, f'href="{LINKS[1]}"')

    def test_who_bounced_shows_kind_and_reason(self) -> None:
        page = self.client.get(self.url("rebotes"))
        self.assertContains(page, "Hard bounce")
        self.assertContains(page, "4.2.2 Mailbox full")
        rows = self.csv_rows(self.export("rebotes"))
        self.assertEqual(
            rows[0],
            [
                "Email address",
                "Kind",
                "Kind (code)",
                "Cause",
                "Cause (code)",
                "What the server said",
                "Heard from",
                "Heard from (code)",
                "When",
            ],
        )
        self.assertEqual(
            sorted((row[0], row[2]) for row in rows[1:]),
            [
                ("persona0@example.pe", "hard"),
                ("persona1@example.pe", "soft"),
                ("persona2@example.pe", "complaint"),
                ("persona8@example.pe", "hard"),
            ],
        )
        self.assertIn("Hard bounce", [row[1] for row in rows[1:]])

    def test_the_cause_is_shown_in_words_and_exported_as_code_and_words(self) -> None:
        refuse(Message.objects.get(email="persona4@example.pe"))
        self.use_spanish()
        page = self.client.get(self.url("rebotes"))
        self.assertContains(page, "Nuestro servidor está bloqueado")
        self.assertContains(page, "Rechazo por el lado del envío")
        self.assertContains(page, "zen.spamhaus.org")
        rows = self.csv_rows(self.export("rebotes"))
        refused = next(row for row in rows if row[0] == "persona4@example.pe")
        self.assertEqual(
            refused[1:5],
            [
                "Rechazo por el lado del envío",
                "sender",
                "Nuestro servidor está bloqueado",
                "blocked",
            ],
        )
        workbook = load_workbook(io.BytesIO(self.export("rebotes", format="xlsx").getvalue()))
        header, *cells = workbook.active.iter_rows(values_only=True)
        self.assertEqual(
            header[:5], ("Correo electrónico", "Tipo", "Tipo (código)", "Causa", "Causa (código)")
        )
        self.assertIn(("Nuestro servidor está bloqueado", "blocked"), [r[3:5] for r in cells])

    def test_a_refused_message_is_not_among_those_who_did_not_open(self) -> None:
        self.assertIn("persona4@example.pe", self.emails("no-abrieron"))
        refuse(Message.objects.get(email="persona4@example.pe"))
        self.assertNotIn("persona4@example.pe", self.emails("no-abrieron"))

    def test_a_reason_chosen_on_the_unsubscribe_page_is_shown_in_words(self) -> None:
        Message.objects.get(email="persona3@example.pe").events.filter(
            kind=EventKind.UNSUBSCRIBED
        ).update(detail="too_many: uno por semana basta")
        page = self.client.get(self.url("bajas"))
        self.assertContains(page, "I receive too many emails: uno por semana basta")
        self.assertNotContains(page, "too_many")
        # The export gives the words, and keeps the code for a spreadsheet to count.
        self.assertEqual(
            self.csv_rows(self.export("bajas"))[1][-2:],
            ["I receive too many emails: uno por semana basta", "too_many: uno por semana basta"],
        )

    def test_who_unsubscribed_and_converted(self) -> None:
        self.assertContains(self.client.get(self.url("bajas")), "Demasiados correos")
        self.assertEqual(self.emails("bajas"), ["persona3@example.pe"])
        rows = self.csv_rows(self.export("conversiones"))
        self.assertEqual(rows[1][0], "persona2@example.pe")
        # The goal, then which method measured it: this one, from before the method was
        # kept, says so (pregon.reports.tests.test_conversion_methods has the others).
        self.assertEqual(
            rows[1][-3:],
            [
                "matricula",
                "Not recorded (a conversion from before Pregón kept the method)",
                "unknown",
            ],
        )

    def test_a_long_list_is_paginated(self) -> None:
        message = Message.objects.get(email="persona9@example.pe")
        for n in range(60):
            message.events.create(kind=EventKind.UNSUBSCRIBED, detail=f"motivo {n}")
        response = self.client.get(self.url("bajas"))
        self.assertContains(response, 'data-count="61"')
        self.assertContains(response, "Page 1 of 2")
        self.assertEqual(response.content.decode().count('data-column="email"'), 50)

    def test_exports_are_guarded_against_formulas(self) -> None:
        Message.objects.filter(email="persona3@example.pe").first().events.filter(
            kind=EventKind.UNSUBSCRIBED
        ).update(detail='=HYPERLINK("http://x.test","clic")')
        rows = self.csv_rows(self.export("bajas"))
        self.assertEqual(rows[1][-1], '\'=HYPERLINK("http://x.test","clic")')

    def test_xlsx_has_the_same_rows_with_real_times(self) -> None:
        response = self.export("clics", format="xlsx")
        self.assertIn("spreadsheetml", response["Content-Type"])
        self.assertIn("clics-", response["Content-Disposition"])
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = list(workbook.active.iter_rows(values_only=True))
        self.assertEqual(rows[0][:4], ("Email address", "First name", "Last name", "Link"))
        self.assertEqual(len(rows), 4)
        self.assertEqual(rows[1][5].strftime("%H:%M"), "10:20")

    def test_every_export_is_audited(self) -> None:
        self.export("abrieron", format="xlsx")
        entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
        self.assertEqual(entry.actor, self.bob)
        self.assertEqual(entry.target, f"campaign {self.campaign.code}")
        self.assertEqual(entry.detail["list"], "abrieron")
        self.assertEqual((entry.detail["rows"], entry.detail["format"]), (4, "xlsx"))

    def test_anonymous_users_cannot_export(self) -> None:
        self.client.logout()
        self.assertEqual(self.export("abrieron").status_code, 302)
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.EXPORT).exists())
