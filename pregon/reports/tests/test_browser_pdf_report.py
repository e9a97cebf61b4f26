"""The PDF report in real Chromium and a real task worker: a campaign goes out to an SMTP
server, its report is downloaded from the report page and read back, and a `pregon
db_worker` process mails it to the staff chosen for it when the campaign finishes.

Saves the screenshot the manual shows (docs/screenshots/report-pdf.png).
"""

import os
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest
from django.test import override_settings

from pregon.accounts.models import Role, User
from pregon.campaigns import scheduling
from pregon.campaigns.models import CampaignStatus
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    screenshot,
    task_worker,
)
from pregon.testing.campaigns import contacts_on_a_list, course_campaign, send_all
from pregon.testing.pdf import read
from pregon.testing.smtp import Mailbox, smtp_server

ANALYST = "gerencia@example.pe"
NAME = "Curso de contrataciones, diciembre"
FILE_NAME = "informe-curso-de-contrataciones-diciembre.pdf"


@pytest.mark.browser
class PdfReportBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The message's images and links point to this test's server, as they would to ours.
        self.enterContext(override_settings(SITE_URL=self.live_server_url))
        self.analyst = User.objects.create_user(ANALYST, PASSWORD, role=Role.ANALYST)
        self.campaign = course_campaign(
            name=NAME,
            subject="{{ nombre }}, inscríbete en el curso de diciembre",
            preheader="Curso virtual y gratuito de 40 horas",
            track_clicks=True,
        )
        self.campaign.include_lists.add(contacts_on_a_list(20))
        self.campaign.report_to.add(self.analyst)

    def send(self) -> None:
        """Start, send and finish the campaign, as the scheduler and a sender would."""
        with smtp_server(Mailbox()):
            self.campaign.schedule(self.campaign.created_at)
            scheduling.start_due_campaigns()
            send_all()
            scheduling.follow_mailings()
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, CampaignStatus.SENT)

    def test_the_report_downloads_as_a_pdf_that_opens(self) -> None:
        self.send()
        base = self.live_server_url
        with self.signed_in(ANALYST) as (page, problems):
            page.goto(f"{base}/informes/campanas/{self.campaign.code}/")
            button = page.locator("#report-pdf")
            self.assertEqual(button.inner_text(), "Descargar PDF")
            screenshot(page, "report-pdf", full_page=False)
            with page.expect_download() as download_info:
                button.click()
            download = download_info.value
            self.assertEqual(download.suggested_filename, FILE_NAME)
            document = read(Path(download.path()).read_bytes())
            self.assertEqual(problems, [])
        self.assertGreaterEqual(document.pages, 2)
        lines = document.text.splitlines()
        self.assertIn(NAME, lines)
        self.assertEqual(lines[lines.index("Enviados", lines.index("Cifras")) + 1], "20")
        self.assertIn("Clics por enlace", lines)
        self.assertIn("Asunto", lines)

    def test_a_task_worker_mails_it_to_the_chosen_staff_when_the_campaign_finishes(self) -> None:
        self.send()
        system_mail = Mailbox()
        with smtp_server(system_mail) as server:
            # The worker process sends system mail to this test's server.
            mail_settings = {
                "PREGON_EMAIL_HOST": "127.0.0.1",
                "PREGON_EMAIL_PORT": str(server.port),
            }
            with mock.patch.dict(os.environ, mail_settings), task_worker():
                wait_for(lambda: system_mail.received)
        (received,) = system_mail.received
        self.assertEqual(received.recipient, ANALYST)
        message = received.parsed()
        self.assertEqual(message["Subject"].strip(), f"Informe de la campaña “{NAME}”")
        (attachment,) = message.iter_attachments()
        self.assertEqual(attachment.get_filename(), FILE_NAME)
        document = read(attachment.get_content())
        self.assertGreaterEqual(document.pages, 2)
        self.assertIn(NAME, document.text.splitlines())
        body = message.get_body(("plain",)).get_content()
        self.assertIn(f"/informes/campanas/{self.campaign.code}/", body)


def wait_for(condition: Callable[[], object], seconds: float = 60) -> None:
    """Wait until ``condition()`` holds (another process is working), or fail."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the task worker did not send the report")
        time.sleep(0.2)
