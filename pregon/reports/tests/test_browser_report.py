"""The campaign report in real Chromium, live: real `runscheduler` and `runsender`
processes deliver a campaign to an SMTP server while opens and clicks arrive through the
tracking addresses in the received messages, and the report's figures follow without a page
reload (a real task worker refreshes the snapshot the page polls, pregon.reports.live).

Saves the screenshots the manual shows (docs/screenshots/report-*.png).
"""

import asyncio
import os
import re
import subprocess
import sys
import time

import pytest
import requests
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from pregon.accounts.models import Role, User
from pregon.campaigns.models import Campaign
from pregon.testing.browser import (
    PASSWORD,
    SCREENSHOTS,
    BrowserTestCase,
    database_url,
    screenshot,
    task_worker,
)
from pregon.testing.campaigns import contacts_on_a_list, course_campaign
from pregon.testing.smtp import Mailbox, Received, smtp_server
from pregon.tracking.agents import TOO_FAST

EDITOR = "editora@example.pe"
RECIPIENTS = 100
# A person reading in Thunderbird, which loads images.
THUNDERBIRD = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.5.0"
TRACKING = re.compile(r'https?://[^/"]+(/t/(?:o|c)/[^"]+)')


class SlowMailbox(Mailbox):
    """About 0.5 s a message, so that the campaign is still sending while people read it,
    even on a busy machine (at 0.3 s, 100 messages were all sent before the clicks counted)."""

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await asyncio.sleep(0.5)
        return await super().handle_DATA(server, session, envelope)


def start(*command: str) -> subprocess.Popen:
    # The scheduler writes the events this test's web server spools (to a folder per test),
    # and the messages' addresses point to that server.
    env = {
        **os.environ,
        "PREGON_DATABASE_URL": database_url(),
        "PREGON_TRACKING_SPOOL_DIR": str(settings.TRACKING_SPOOL_DIR),
        "PREGON_SITE_URL": settings.SITE_URL,
    }
    return subprocess.Popen([sys.executable, "-m", "pregon", *command], env=env)  # noqa: S603


def tracking_paths(received: Received) -> tuple[str, list[str]]:
    """The open pixel's path and the click paths of a received message, in order."""
    html = received.parsed().get_body(("html",)).get_content()
    paths = [path.replace("&amp;", "&") for path in TRACKING.findall(html)]
    pixel = next(path for path in paths if path.startswith("/t/o/"))
    return pixel, [path for path in paths if path.startswith("/t/c/")]


def tall_screenshot(page: object, name: str) -> None:
    """A whole-page screenshot taken through a window as tall as the page: Chromium's
    full-page mode leaves the sandboxed click map blank."""
    size = page.viewport_size
    page.evaluate("window.scrollTo(0, 0)")
    page.set_viewport_size(
        {"width": size["width"], "height": page.evaluate("document.documentElement.scrollHeight")}
    )
    screenshot(page, name, full_page=False)
    page.set_viewport_size(size)


def map_shot(page: object) -> None:
    page.locator("#report-heatmap").screenshot(path=str(SCREENSHOTS / "report-map.png"))


@pytest.mark.browser
class ReportBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The gallery design's images and links, as mail clients load them, are on this server.
        self.enterContext(override_settings(SITE_URL=self.live_server_url))
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Rosa Editora")
        mailing_list = contacts_on_a_list(RECIPIENTS, name="Participantes 2026")
        self.campaign = course_campaign(
            name="Curso de contrataciones, diciembre",
            subject="{{ nombre }}, inscríbete en el curso de diciembre",
        )
        self.campaign.include_lists.add(mailing_list)
        self.campaign.schedule(timezone.now())

    def fetch(self, path: str) -> None:
        response = requests.get(
            self.live_server_url + path,
            headers={"User-Agent": THUNDERBIRD},
            allow_redirects=False,
            timeout=10,
        )
        self.assertIn(response.status_code, (200, 302), path)

    def wait_for(self, condition: object, what: str) -> None:
        """Wait (up to a minute) for ``condition()``: a wait, not a timing assertion."""
        deadline = time.monotonic() + 60
        while not condition():
            self.assertLess(time.monotonic(), deadline, f"still waiting for {what}")
            time.sleep(0.2)

    def test_the_report_follows_a_campaign_while_it_sends(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        mailbox = SlowMailbox()
        with smtp_server(mailbox), self.signed_in(EDITOR) as (page, problems), task_worker():
            scheduler = start("runscheduler", "--interval", "0.5")
            sender = start("runsender", "--idle", "0.2", "--batch", "5")
            try:
                self.wait_for(
                    lambda: Campaign.objects.filter(
                        pk=self.campaign.pk, mailing__isnull=False
                    ).exists(),
                    "the campaign to start",
                )
                page.goto(f"{base}/informes/campanas/{self.campaign.code}/")
                live = page.locator("#report-live")
                expect(live).to_have_attribute("data-status", "sending")
                # A mark on this page's window: a reload would wipe it.
                page.evaluate("window.pregonSamePage = true")

                self.wait_for(lambda: len(mailbox.received) >= 6, "six messages delivered")
                first = list(mailbox.received[:6])
                for received in first:
                    self.fetch(tracking_paths(received)[0])
                opened = page.locator("[data-figure=opened] [data-value]")
                expect(opened).to_have_text("6", timeout=30_000)
                sent = page.locator("[data-figure=sent] [data-value]")
                expect(sent).not_to_have_text("0")

                # Clicks this soon after delivery are a link scanner's; people click later.
                time.sleep(TOO_FAST.total_seconds() + 1)
                for received in first[:4]:
                    self.fetch(tracking_paths(received)[1][0])
                self.fetch(tracking_paths(first[4])[1][1])
                clicked = page.locator("[data-figure=clicked] [data-value]")
                expect(clicked).to_have_text("5", timeout=30_000)
                expect(page.locator("#report-links")).to_have_attribute("data-clicks", "5")
                self.assertEqual(live.get_attribute("data-status"), "sending")
                expect(page.locator("#report-updating")).to_be_visible()
                # The click map reloads with the new clicks: link 1 has 4 of the 5.
                marks = page.frame_locator("#report-heatmap").locator("style").last
                self.wait_for(
                    lambda: re.search(
                        r"4 \w+ · 80 %", marks.evaluate("style => style.textContent")
                    ),
                    "the click map to show the new clicks",
                )
                map_shot(page)
                tall_screenshot(page, "report-live")

                expect(live).to_have_attribute("data-status", "sent", timeout=90_000)
            finally:
                for process in (sender, scheduler):
                    process.terminate()
                    process.wait(timeout=30)
            expect(sent).to_have_text(str(RECIPIENTS))
            self.assertIsNone(live.get_attribute("hx-trigger"))
            self.assertTrue(page.evaluate("window.pregonSamePage === true"))
            self.assertEqual(page.locator("#report-heatmap").get_attribute("src").count("v=5"), 1)
            expect(page.locator("#report-status [data-status]")).to_have_attribute(
                "data-status", "sent"
            )
            tall_screenshot(page, "report-sent")

            page.click("#report-lists [data-list=abrieron]")
            expect(page.locator("h1 [data-count]")).to_have_attribute("data-count", "6")
            screenshot(page, "report-people")
            self.assertEqual(problems, [])
