"""A campaign in real Chromium: create it, send a test, send it, and watch the progress bar
move while real `runscheduler` and `runsender` processes deliver it to an SMTP server.

Saves the screenshots the manual shows (docs/screenshots/campaign-*.png and others).
"""

import asyncio
import os
import re
import subprocess
import sys

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from pregon.accounts.models import Role, User
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.sending import quota
from pregon.sending.models import SenderIdentity
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    chromium_page,
    database_url,
    fits_width,
    login,
    screenshot,
)
from pregon.testing.campaigns import contacts_on_a_list, course_template
from pregon.testing.smtp import Mailbox, smtp_server

ADMIN = "admin@example.pe"
RECIPIENTS = 400
UUID = r"[0-9a-f-]{36}"


class SlowMailbox(Mailbox):
    """About 10 ms a message, so that the progress bar can be seen moving."""

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


def start(*command: str) -> subprocess.Popen:
    env = {**os.environ, "PREGON_DATABASE_URL": database_url()}
    return subprocess.Popen([sys.executable, "-m", "pregon", *command], env=env)  # noqa: S603


@pytest.mark.browser
class CampaignBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(ADMIN, PASSWORD, role=Role.ADMIN, name="Rosa Admin")
        self.mailing_list = contacts_on_a_list(RECIPIENTS, name="Participantes 2026")
        course_template()
        SenderIdentity.objects.create(
            from_name="Escuela de Capacitación", from_email="capacitacion@escuela.example.pe"
        )
        quota.ensure_plan()

    def test_create_test_send_and_watch_it_go(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        mailbox = SlowMailbox()
        with smtp_server(mailbox), self.signed_in(ADMIN) as (page, problems):
            page.goto(f"{base}/campanas/nueva/")
            page.fill("#id_name", "Curso de contrataciones, diciembre")
            page.fill("#id_subject", "{{ nombre }}, inscríbete en el curso de diciembre")
            page.fill("#id_preheader", "Curso virtual y gratuito de 40 horas")
            page.select_option(
                "#id_sender", label="Escuela de Capacitación <capacitacion@escuela.example.pe>"
            )
            page.select_option("#id_template", label="Anuncio de curso")
            page.check(f"input[name=include_lists][value='{self.mailing_list.pk}']")
            screenshot(page, "campaign-form")
            page.click("#campaign-form button[type=submit]")
            page.wait_for_url(re.compile(rf"/campanas/{UUID}/$"))
            expect(page.locator("[data-count]").first).to_have_attribute(
                "data-count", str(RECIPIENTS)
            )
            screenshot(page, "campaign-detail")

            page.fill(
                "#campaign-test textarea, #campaign-test input[name=addresses]", "jefa@example.pe"
            )
            page.click("#campaign-test form[method=post] button[type=submit]")
            expect(page.locator("[data-address='jefa@example.pe']")).to_have_attribute(
                "data-outcome", "sent"
            )
            test = mailbox.received[-1].parsed()
            self.assertTrue(test["Subject"].startswith("[Prueba] "))

            scheduler = start("runscheduler", "--interval", "0.5")
            sender = start("runsender", "--idle", "0.2", "--batch", "25")
            try:
                page.click("#campaign-send form button[type=submit] >> nth=0")
                # Nothing goes until the confirmation says who, from whom, what and when.
                confirm = page.locator("#confirm-send")
                expect(confirm.locator("[data-count]")).to_have_attribute(
                    "data-count", str(RECIPIENTS)
                )
                expect(confirm.locator("[data-subject]")).to_have_text(
                    "{{ nombre }}, inscríbete en el curso de diciembre"
                )
                expect(confirm.locator("[data-sender]")).to_contain_text(
                    "capacitacion@escuela.example.pe"
                )
                expect(confirm.locator("[data-when]")).to_contain_text("(America/Lima)")
                self.assertEqual(Campaign.objects.get().status, CampaignStatus.DRAFT)
                screenshot(page, "campaign-confirm")
                page.click("#confirm-button")
                progress = page.locator("#campaign-progress")
                expect(progress).to_have_attribute("data-status", "sending", timeout=20_000)
                sent = page.locator("#campaign-progress [data-count=sent]")
                expect(sent).not_to_have_text("0", timeout=20_000)
                screenshot(page, "campaign-progress")
                expect(progress).to_have_attribute("data-status", "sent", timeout=60_000)
                screenshot(page, "campaign-sent")
            finally:
                for process in (sender, scheduler):
                    process.terminate()
                    process.wait(timeout=30)
            self.assertEqual(len(mailbox.count()), RECIPIENTS + 1)

            for path, name in [
                ("/campanas/", "campaign-list"),
                ("/envio/remitentes/", "senders"),
                ("/envio/servidores/", "delivery-backends"),
                ("/envio/cuota/", "quota"),
            ]:
                page.goto(base + path)
                screenshot(page, name)
            self.assertEqual(problems, [])

    def test_campaign_screens_fit_a_phone(self) -> None:
        base = self.live_server_url
        with chromium_page(width=375, height=812) as page:
            login(page, base, ADMIN)
            for path in ["/campanas/", "/campanas/nueva/", "/envio/remitentes/", "/envio/cuota/"]:
                page.goto(base + path)
                self.assertTrue(fits_width(page), path)
            screenshot(page, "quota-phone")
