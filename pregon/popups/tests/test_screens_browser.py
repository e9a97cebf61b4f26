"""The pop-up screens in real Chromium: a pop-up made from a design through the form, its
preview (the real embed script in the classroom-looking page, on a computer and a phone),
publishing it, the list, and the installation screen with "check installation".

Saves the manual's screenshots docs/screenshots/popups-list.png, popups-edit.png,
popups-preview.png and popups-install.png.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from pregon.accounts.models import Role, User
from pregon.popups.models import Popup, PopupEvent, Site
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    screenshot,
)

ADMIN = "coordinacion@escuela.example.pe"
LIMA = ZoneInfo("America/Lima")


@pytest.mark.browser
class PopupScreensBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(ADMIN, PASSWORD, role=Role.ADMIN, name="Rosa Coordinadora")
        # A pop-up already running, with people's views and clicks, for the list.
        running = Popup.objects.create(
            name="Cierre de matrícula de marzo",
            title="Últimos días para matricularse",
            format="top",
            priority=20,
            is_published=True,
            starts_at=timezone.now() - datetime.timedelta(days=3),
            ends_at=timezone.now() + datetime.timedelta(days=4),
        )
        PopupEvent.objects.bulk_create(
            [PopupEvent(popup=running, kind="viewed", visitor=f"v{i}") for i in range(240)]
            + [PopupEvent(popup=running, kind="clicked", visitor=f"v{i}") for i in range(31)]
        )

    def test_create_preview_publish_and_install(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(ADMIN, width=1280, height=900) as (page, problems):
            page.click("#nav-classroom")
            page.click("#nav-popups")
            page.click("#popup-new")
            page.click("[data-design=curso] a")
            page.fill("#id_name", "Curso de gestión pública, marzo")
            page.fill("#id_button_url", "https://aula.escuela.example.pe/enrol/index.php?id=12")
            # Tomorrow at 08:00 in Lima, for two weeks.
            start = timezone.localdate(timezone=LIMA) + datetime.timedelta(days=1)
            page.fill("#id_starts_at", f"{start:%Y-%m-%d}T08:00")
            page.fill("#id_ends_at", f"{start + datetime.timedelta(days=14):%Y-%m-%d}T18:00")
            page.fill("#id_include_urls", "/course/view.php?id=*\n/my/")
            page.fill("#id_exclude_urls", "/course/view.php?id=99")
            page.fill(
                "#id_body",
                "<p>Curso gratuito de <strong>40 horas</strong>.</p><script>x()</script>",
            )
            page.click("#popup-save")
            # Code in the text is refused, with the reason, and nothing is saved.
            expect(page.locator("#popup-form-errors")).to_be_visible()
            expect(page.locator("[data-field=body] .invalid-feedback")).to_contain_text(
                "Quite la etiqueta <script>"
            )
            self.assertEqual(Popup.objects.count(), 1)
            page.fill(
                "#id_body", "<p>Curso gratuito de <strong>40 horas</strong>, con certificado.</p>"
            )
            page.click("#popup-save")

            popup = Popup.objects.get(name="Curso de gestión pública, marzo")
            page.wait_for_url(f"{base}/emergentes/{popup.code}/vista-previa/")
            self.assertEqual(
                popup.starts_at,
                datetime.datetime(start.year, start.month, start.day, 13, 0, tzinfo=datetime.UTC),
            )
            # The real embed script shows it in both frames, in its shadow root.
            for frame_id in ("#preview-desktop", "#preview-phone"):
                dialog = page.frame_locator(frame_id).locator(
                    f"#pregon-popup-{popup.pk} [role=dialog]"
                )
                expect(dialog).to_be_visible()
                expect(dialog).to_contain_text(
                    "Nuevo curso virtual: Gestión pública para resultados"
                )
                expect(dialog).to_contain_text("40 horas")
            # The one already running has a higher priority and shares the course pages.
            expect(page.locator("#popup-priority")).to_contain_text(
                "Si coincide con «Cierre de matrícula de marzo» (prioridad 20), se mostrará "
                "«Cierre de matrícula de marzo» primero; esta esperará a otra página."
            )
            screenshot(page, "popups-preview")

            page.goto(f"{base}/emergentes/{popup.code}/editar/")
            screenshot(page, "popups-edit")
            page.click("#popup-publish")
            expect(page.locator("#popup-unpublish")).to_be_visible()
            popup.refresh_from_db()
            self.assertTrue(popup.is_published)

            page.click("#nav-classroom")
            page.click("#nav-popups")
            row = page.locator(f"[data-popup='{popup.code}']")
            expect(row.locator("[data-status]")).to_have_text("Programada")
            running = page.locator("[data-popup]").first
            expect(running.locator("[data-rate]")).to_have_text("12,9 %")
            screenshot(page, "popups-list")

            page.click("#popup-install")
            page.fill("#id_name", "Aula virtual de la Escuela")
            page.fill("#id_origin", "https://aula.escuela.example.pe/my/")
            page.click("#site-form button[type=submit]")
            expect(page.locator("#site-form .invalid-feedback")).to_contain_text("sin ruta")
            page.fill("#id_origin", "https://aula.escuela.example.pe")
            page.click("#site-form button[type=submit]")
            site = Site.objects.get()
            card = page.locator(f"#site-{site.key}")
            expect(card.locator("input[readonly]")).to_have_value(
                f'<script async src="{settings.SITE_URL}/p/embed.js" '
                f'data-site="{site.key}"></script>'
            )
            card.locator("[data-check]").click()
            expect(card.locator(f"#check-{site.key}")).to_contain_text("Aún no se ha visto")
            Site.objects.filter(pk=site.pk).update(
                last_seen_at=timezone.now() - datetime.timedelta(minutes=3)
            )
            card.locator("[data-check]").click()
            expect(card.locator(f"#check-{site.key}")).to_contain_text(
                "Visto por última vez cargando desde https://aula.escuela.example.pe hace 3"
            )
            screenshot(page, "popups-install")
            self.assertEqual(problems, [])
