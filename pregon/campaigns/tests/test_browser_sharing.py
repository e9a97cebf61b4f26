"""Sharing a campaign in real Chromium: a gallery design goes out to an SMTP server, a
recipient opens "Ver este correo en el navegador" from the message they got, and an editor
publishes the public version from the campaign's page and opens its share link.

Saves the screenshots the manual shows (docs/screenshots/campaign-sharing.png,
web-version.png and public-version.png).
"""

import re

import pytest
from django.test import override_settings

from pregon.accounts.models import Role, User
from pregon.campaigns import scheduling
from pregon.testing.browser import (
    PASSWORD,
    SCREENSHOTS,
    BrowserTestCase,
    chromium_page,
    login,
    screenshot,
)
from pregon.testing.campaigns import contacts_on_a_list, course_campaign, send_all
from pregon.testing.smtp import Mailbox, smtp_server

EDITOR = "editora@example.pe"
LINK_TEXT = "Ver este correo en el navegador"


@pytest.mark.browser
class SharingBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The messages' links point to this test's server, as they would to ours.
        self.enterContext(override_settings(SITE_URL=self.live_server_url))
        self.editor = User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR)
        self.campaign = course_campaign(
            name="Curso de contrataciones, diciembre",
            subject="{{ nombre }}, inscríbete en el curso de diciembre",
            preheader="Curso virtual y gratuito de 40 horas",
            track_clicks=True,
            track_opens=True,
        )
        self.campaign.include_lists.add(contacts_on_a_list(5))
        self.campaign.report_to.add(self.editor)
        self.mailbox = Mailbox()
        with smtp_server(self.mailbox):
            self.campaign.schedule(self.campaign.created_at)
            scheduling.start_due_campaigns()
            send_all()
            scheduling.follow_mailings()

    def test_a_recipient_views_their_copy_in_the_browser(self) -> None:
        received = next(
            message
            for message in self.mailbox.received
            if message.recipient.startswith("persona0003")
        )
        html = received.parsed().get_body(("html",)).get_content()
        url = re.search(rf'href="([^"]+)"[^>]*>{LINK_TEXT}', html).group(1)
        self.assertTrue(url.startswith(f"{self.live_server_url}/t/ver/"))
        with chromium_page(width=800) as page:
            page.goto(url)
            self.assertIn("Hola, Nombre0003", page.locator("body").inner_text())
            screenshot(page, "web-version", full_page=False)

    def test_an_editor_publishes_the_public_version_and_opens_its_link(self) -> None:
        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(f"{base}/campanas/{self.campaign.code}/")
            card = page.locator("#campaign-sharing")
            self.assertIn("Ver en el navegador", card.inner_text())
            self.assertIn(EDITOR, page.locator("#sharing-report-to").inner_text())
            page.click("#share-publish")
            page.wait_for_selector("#share-url")
            card.screenshot(path=str(SCREENSHOTS / "campaign-sharing.png"))
            share_url = page.input_value("#share-url")
            self.assertRegex(
                share_url, rf"^{re.escape(base)}/campanas/publica/[0-9a-z]+-[0-9a-z]+/$"
            )
            self.assertEqual(problems, [])
        with chromium_page(width=800) as visitor:
            visitor.goto(share_url)
            text = visitor.locator("body").inner_text()
            self.assertIn("Hola, colega", text)
            self.assertNotIn(LINK_TEXT, text)
            self.assertNotIn("Darte de baja", text)
            screenshot(visitor, "public-version", full_page=False)
        with chromium_page() as page:
            login(page, base, EDITOR)
            page.goto(f"{base}/campanas/{self.campaign.code}/")
            page.click("#share-withdraw")
            page.wait_for_selector("#share-publish")
            response = page.goto(share_url)
            self.assertEqual(response.status, 404)
