"""The campaign report as a PDF: downloaded from the report, read back (structure, pages,
words), and mailed to the chosen staff by a task worker when a campaign finishes."""

from django.core import mail
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pregon.accounts.models import Role, User
from pregon.campaigns import ab, scheduling
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.reports import pdf
from pregon.sending.models import Mailing
from pregon.testing import BaseTestCase, drafts
from pregon.testing.ab import SUBJECTS, ab_draft, sent_portion, started
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.pdf import read
from pregon.testing.reports import LINKS, reported_campaign
from pregon.testing.smtp import Mailbox, smtp_server


class PdfDownloadTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.campaign = reported_campaign()
        self.url = reverse("reports:campaign_pdf", args=[self.campaign.code])
        self.client.force_login(self.charlie)

    def test_analysts_download_a_pdf_with_the_figures_links_and_content(self) -> None:
        report = self.client.get(reverse("reports:campaign", args=[self.campaign.code]))
        self.assertContains(report, f'href="{self.url}"')
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn('filename="informe-curso-de-diciembre.pdf"', response["Content-Disposition"])
        document = read(response.content)
        self.assertGreaterEqual(document.pages, 2)
        lines = document.text.splitlines()
        self.assertIn("Curso de diciembre", lines)
        # The figures of pregon.testing.reports: sent 8, delivered 6, opened 4, clicked 3.
        figures = lines.index("Figures")
        for label, value in [("Sent", "8"), ("Delivered", "6"), ("Opened", "4"), ("Clicked", "3")]:
            self.assertEqual(lines[lines.index(label, figures) + 1], value, label)
        self.assertIn("50.0 %", lines)  # Click-through rate.
        # Clicks per link: people and clicks of each, and the conversions.
        for link in LINKS:
            self.assertIn(link, lines)
        self.assertIn("1 conversion: 16.7 % of the messages delivered.", lines)
        # The content: the subject and the words of the message.
        self.assertIn("Hola.", lines)

    def test_it_is_in_spanish_with_times_in_lima(self) -> None:
        self.use_spanish()
        text = read(self.client.get(self.url).content).text
        self.assertIn("Entregados", text)
        self.assertIn("Clics por enlace", text)
        # Started at 15:00 UTC: 10:00 in Lima.
        self.assertIn("20/11/2026 10:00", text)

    def test_words_beyond_latin_1_are_written_the_nearest_way(self) -> None:
        Campaign.objects.filter(pk=self.campaign.pk).update(name="Curso “2026” — ¡ya! 🎓")
        text = read(self.client.get(self.url).content).text
        self.assertIn('Curso "2026" - ¡ya! ?', text.splitlines())

    def test_an_ab_tested_campaign_shows_the_winning_subject(self) -> None:
        campaign = started(ab_draft(contacts=10, automatic=False))
        sent_portion(campaign)
        url = reverse("reports:campaign_pdf", args=[campaign.code])
        self.assertIn(SUBJECTS[0], read(self.client.get(url).content).text)
        test = ab.test_of(campaign)
        test.decide_at = timezone.now()
        test.save(update_fields=["decide_at"])
        ab.send_winner(test, 2, by=None)
        text = read(self.client.get(url).content).text
        self.assertIn(SUBJECTS[1], text)
        self.assertNotIn(SUBJECTS[0], text)

    def test_a_campaign_not_started_has_none(self) -> None:
        draft = drafts.draft(name="Borrador")
        url = reverse("reports:campaign_pdf", args=[draft.code])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_anonymous_users_go_to_login(self) -> None:
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)


class PdfEmailTestCase(TestCase):
    """When a campaign finishes, its report goes to its ``report_to`` staff: the scheduler
    finishes it and only queues the task; a task worker draws the PDF and mails it."""

    def setUp(self) -> None:
        self.manager = User.objects.create_user("gerencia@example.org", "x", role=Role.ANALYST)
        self.gone = User.objects.create_user("ex@example.org", "x", role=Role.ANALYST)
        self.gone.is_active = False
        self.gone.save()

    def finish(self, campaign: Campaign) -> None:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            scheduling.start_due_campaigns()
            send_all()
            scheduling.follow_mailings()
        self.assertEqual(len(mailbox.received), 3)
        self.assertEqual(Campaign.objects.get(pk=campaign.pk).status, CampaignStatus.SENT)

    def test_the_chosen_staff_get_the_pdf_once_the_worker_runs(self) -> None:
        campaign = campaign_to(contacts_on_a_list(3))
        campaign.report_to.set([self.manager, self.gone])
        self.finish(campaign)
        # Finishing wrote the task, and sent nothing itself.
        self.assertEqual(DBTaskResult.objects.count(), 1)
        self.assertEqual(mail.outbox, [])
        # What the worker does with it (its process would close this test's database).
        queued = DBTaskResult.objects.get()
        queued.task.call(*queued.task_result.args, **queued.task_result.kwargs)
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["gerencia@example.org"])
        self.assertIn("Curso de diciembre", message.subject)
        ((name, data, kind),) = message.attachments
        self.assertEqual((name, kind), ("informe-curso-de-diciembre.pdf", "application/pdf"))
        document = read(data)
        self.assertGreaterEqual(document.pages, 1)
        self.assertIn("Curso de diciembre", document.text)
        self.assertIn(reverse("reports:campaign", args=[campaign.code]), message.body)

    def test_a_campaign_without_report_recipients_queues_nothing(self) -> None:
        self.finish(campaign_to(contacts_on_a_list(3)))
        self.assertFalse(DBTaskResult.objects.exists())

    @override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_PORT=9)
    def test_a_mail_server_that_is_down_loses_the_email_not_the_task(self) -> None:
        campaign = reported_campaign()
        campaign.report_to.set([self.manager])
        self.assertEqual(pdf.mail_report(campaign.pk), 0)

    def test_a_campaign_that_never_started_sends_nothing(self) -> None:
        campaign = drafts.draft()
        campaign.report_to.set([self.manager])
        self.assertEqual(pdf.mail_report(campaign.pk), 0)
        self.assertFalse(Mailing.objects.exists())
        self.assertEqual(mail.outbox, [])
