"""A signup form's report: its figures and the chart by day for everyone, the latest signups
and their audited CSV export for editors."""

import csv
import datetime
import io

from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Contact, Status
from pregon.forms.models import FormDay, Signup, SignupStatus
from pregon.testing import BaseTestCase
from pregon.testing.signup_forms import CONSENT, make_signup_form

UTC = datetime.UTC


class FormReportTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.form = make_signup_form(double_opt_in=True)
        for day, views, submissions, confirmations in [(1, 50, 4, 3), (3, 30, 6, 3)]:
            FormDay.objects.create(
                form=self.form,
                day=datetime.date(2026, 11, day),
                views=views,
                submissions=submissions,
                confirmations=confirmations,
            )
        ana = Contact.objects.create(email="ana@example.pe", status=Status.SUBSCRIBED)
        luis = Contact.objects.create(email="=luis@example.pe", status=Status.PENDING)
        Signup.objects.create(
            form=self.form,
            contact=ana,
            email=ana.email,
            consent_text=CONSENT,
            status=SignupStatus.CONFIRMED,
            created_at=datetime.datetime(2026, 11, 1, 15, 0, tzinfo=UTC),
            confirmed_at=datetime.datetime(2026, 11, 1, 15, 5, tzinfo=UTC),
        )
        Signup.objects.create(
            form=self.form,
            contact=luis,
            email=luis.email,
            consent_text=CONSENT,
            channel="embed",
            created_at=datetime.datetime(2026, 11, 3, 15, 0, tzinfo=UTC),
        )
        self.url = reverse("forms:report", args=[self.form.code])

    def test_the_figures_and_the_chart_by_day(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        figures = response.context["figures"]
        self.assertEqual(
            figures,
            {"views": 80, "submissions": 10, "confirmations": 6, "confirmation_rate": 60.0},
        )
        chart = response.context["days_chart"]
        self.assertEqual(chart["labels"], ["2026-11-01", "2026-11-02", "2026-11-03"])
        self.assertEqual(
            [dataset["data"] for dataset in chart["datasets"]], [[50, 0, 30], [4, 0, 6], [3, 0, 3]]
        )
        self.assertContains(response, 'id="chart-days"')
        self.assertContains(response, "chart.umd.min.js")
        # The signups name people: not for analysts.
        self.assertNotContains(response, 'id="signups-table"')
        self.assertEqual(
            self.client.get(reverse("forms:report_export", args=[self.form.code])).status_code,
            403,
        )

    def test_editors_see_the_latest_signups(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(self.url)
        rows = response.content.decode().split('id="signups-table"', 1)[1]
        self.assertLess(rows.index("=luis@example.pe"), rows.index("ana@example.pe"))
        self.assertContains(response, 'data-status="pending"')
        self.assertContains(response, 'data-status="confirmed"')
        self.assertContains(response, "Embedded in a site")
        self.assertContains(response, 'data-count="2"')

    def test_the_export_is_safe_for_spreadsheets_and_audited(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(reverse("forms:report_export", args=[self.form.code]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("formulario-novedades-inscripciones-", response["Content-Disposition"])
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        self.assertEqual(rows[0][:4], ["Email address", "Status", "Signed up", "Confirmed on"])
        self.assertEqual(
            rows[1][:5],
            [
                "'=luis@example.pe",
                "Waiting for confirmation",
                "2026-11-03 10:00:00",
                "",
                "Embedded in a site",
            ],
        )
        self.assertEqual(rows[2][3], "2026-11-01 10:05:00")
        self.assertEqual(rows[2][5], CONSENT)
        entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
        self.assertEqual(entry.detail, {"format": "csv", "rows": 2})

    def test_a_form_nobody_saw_says_so(self) -> None:
        FormDay.objects.all().delete()
        self.client.force_login(self.bob)
        response = self.client.get(self.url)
        self.assertContains(response, 'id="report-nothing"')
        self.assertEqual(response.context["figures"]["confirmation_rate"], None)
