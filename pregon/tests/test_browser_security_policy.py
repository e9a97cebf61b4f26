"""The main screens in real Chromium under the Content-Security-Policy: none of them breaks a
rule of it (Chromium writes each blocked script, style or image to the console)."""

import pytest
from django.test import override_settings

from pregon.accounts.models import Role, User
from pregon.contacts.models import Contact, MailingList, Subscription
from pregon.testing.browser import PASSWORD, BrowserTestCase, chromium_page, login, watch
from pregon.testing.campaigns import course_campaign

ADMIN = "admin@example.pe"


@pytest.mark.browser
class SecurityPolicyBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(override_settings(SITE_URL=self.live_server_url))
        User.objects.create_user(ADMIN, PASSWORD, role=Role.ADMIN, name="Ana Admin")
        mailing_list = MailingList.objects.create(name="Participantes 2026")
        contact = Contact.objects.create(email="lucia@example.pe", first_name="Lucía")
        Subscription.objects.create(contact=contact, mailing_list=mailing_list)
        self.campaign = course_campaign(
            name="Curso de contrataciones",
            subject="Inscríbete en el curso",
        )
        self.template = self.campaign.template
        self.campaign.include_lists.add(mailing_list)

    def test_the_main_screens_break_no_rule_of_the_policy(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        template, campaign = self.template.code, self.campaign.code
        with chromium_page() as page:
            problems = watch(page)
            violations: list[str] = []
            page.on(
                "console",
                lambda message: (
                    "Content Security Policy" in message.text
                    and violations.append(f"{page.url}: {message.text}")
                ),
            )
            login(page, base, ADMIN)
            screens = [
                "/",
                "/contactos/",
                f"/contactos/{Contact.objects.get().code}/",
                "/contactos/segmentos/nuevo/",
                "/plantillas/",
                f"/plantillas/{template}/",
                f"/plantillas/{template}/codigo/",
                "/campanas/nueva/",
                f"/campanas/{campaign}/",
                f"/campanas/{campaign}/editar/",
                "/informes/consumo/",
            ]
            for path in screens:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
            page.goto(f"{base}/plantillas/{template}/editor/")
            canvas = page.frame_locator("#visual-editor iframe.gjs-frame")
            expect(canvas.locator("body")).to_contain_text("Hola", timeout=20_000)
            page.wait_for_load_state("networkidle")
        self.assertEqual(violations, [])
        self.assertEqual(problems, [])
