"""The signup forms' screens in real Chromium: a form built through the builder (its fields
in order, a topic to choose, double opt-in with the default confirmation template), refused
then saved, its preview framing the real hosted page, publishing, the embed code, the list
and the report with its chart and signups.

Saves the manual's screenshots docs/screenshots/formularios-lista.png,
formularios-editar.png, formularios-vista-previa.png and formularios-informe.png.
"""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from pregon.accounts.models import Role, User
from pregon.contacts.models import Contact, Field, MailingList, Status
from pregon.forms.models import FormDay, Signup, SignupForm, SignupStatus
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    screenshot,
)
from pregon.testing.drafts import sender
from pregon.testing.signup_forms import CONSENT, PRIVACY

EDITOR = "comunicaciones@escuela.example.pe"


@pytest.mark.browser
class FormScreensBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Lucía Comunicaciones")
        self.identity = sender()
        Field.objects.create(key="dni", label="DNI", type="text")
        MailingList.objects.create(name="Boletín general")
        self.topic = MailingList.objects.create(
            name="webinars-2027",
            is_topic=True,
            public_name="Webinars en vivo",
            public_description="Sesiones con especialistas, una vez al mes.",
        )

    def running_form(self) -> SignupForm:
        """A form published for three weeks, with its days and signups, for the list and
        the report."""
        form = SignupForm.objects.create(
            name="Novedades de cursos",
            slug="novedades",
            title="Reciba las novedades de nuestros cursos",
            consent_text=CONSENT,
            privacy_url=PRIVACY,
            double_opt_in=True,
            sender=self.identity,
            confirmation_subject="Confirme su suscripción",
        )
        today = timezone.localdate()
        FormDay.objects.bulk_create(
            FormDay(
                form=form,
                day=today - datetime.timedelta(days=20 - n),
                views=40 + (n * 7) % 23,
                submissions=6 + n % 5,
                confirmations=4 + n % 4,
            )
            for n in range(21)
        )
        for n, status in enumerate(["confirmed", "confirmed", "pending", "expired"]):
            contact = Contact.objects.create(
                email=f"participante{n}@example.pe",
                status=Status.SUBSCRIBED if status == "confirmed" else Status.PENDING,
            )
            at = timezone.now() - datetime.timedelta(hours=5 * n + 1)
            Signup.objects.create(
                form=form,
                contact=contact,
                email=contact.email,
                consent_text=CONSENT,
                channel=["page", "embed", "popup", "page"][n],
                status=status,
                created_at=at,
                confirmed_at=at + datetime.timedelta(minutes=4)
                if status == SignupStatus.CONFIRMED
                else None,
            )
        return form

    def test_build_preview_publish_and_report(self) -> None:
        from playwright.sync_api import expect

        running = self.running_form()
        base = self.live_server_url
        with self.signed_in(EDITOR, width=1280, height=900) as (page, problems):
            page.goto(f"{base}/formularios/")
            expect(page.locator(f"[data-form='{running.code}'] [data-status]")).to_have_text(
                "Publicado"
            )
            page.click("#form-new")
            page.fill("#id_name", "Cursos virtuales 2027")
            page.fill("#id_title", "Reciba los cursos virtuales de 2027")
            page.fill("#id_intro", "Le avisaremos de cada curso gratuito, con certificado.")
            rows = page.locator("#field-rows")
            rows.locator("select[name='ask:first_name']").select_option("required")
            rows.locator("input[name='position:first_name']").fill("1")
            rows.locator("select[name='ask:last_name']").select_option("optional")
            rows.locator("input[name='position:last_name']").fill("2")
            rows.locator("select[name='ask:field:dni']").select_option("optional")
            rows.locator("input[name='position:field:dni']").fill("3")
            page.get_by_label("Boletín general").check()
            page.get_by_label("Webinars en vivo (tema; lista «webinars-2027»)").check()
            page.check("#id_choose_lists")
            page.fill("#id_consent_text", "")
            page.select_option("#id_sender", str(self.identity.pk))
            page.click("#form-save")
            # Without consent text nothing is saved, and the rows keep what was chosen.
            expect(page.locator("#form-errors")).to_be_visible()
            expect(page.locator("[data-field=consent_text] .invalid-feedback")).to_contain_text(
                "Escriba a qué dan su consentimiento"
            )
            expect(rows.locator("select[name='ask:first_name']")).to_have_value("required")
            self.assertEqual(SignupForm.objects.count(), 1)
            page.fill(
                "#id_consent_text",
                "Acepto recibir correos de la Escuela sobre sus cursos y el tratamiento de mis "
                "datos personales según el aviso de privacidad.",
            )
            page.fill("#id_privacy_url", "https://escuela.example.pe/privacidad")
            page.click("#form-save")

            form = SignupForm.objects.get(name="Cursos virtuales 2027")
            page.wait_for_url(f"{base}/formularios/{form.code}/vista-previa/")
            self.assertEqual(
                form.fields,
                [
                    {"key": "first_name", "required": True},
                    {"key": "last_name", "required": False},
                    {"key": "field:dni", "required": False},
                ],
            )
            self.assertTrue(form.double_opt_in)
            self.assertIn("{{ enlace_confirmar }}", form.confirmation_template.source)
            # The real hosted page, framed in preview mode, at both widths.
            for frame_id in ("#preview-desktop", "#preview-phone"):
                frame = page.frame_locator(frame_id)
                expect(frame.locator("h1")).to_have_text("Reciba los cursos virtuales de 2027")
                expect(frame.locator("#preview-notice")).to_be_visible()
                expect(frame.get_by_label("Webinars en vivo")).to_be_visible()
            expect(page.locator("#preview-unpublished")).to_be_visible()
            expect(page.locator("#page-url")).to_have_value(
                f"{settings.SITE_URL}/f/cursos-virtuales-2027"
            )
            expect(page.locator("#embed-code")).to_contain_text(
                'data-pregon-form="cursos-virtuales-2027"'
            )
            page.click("#form-publish")
            expect(page.locator("#form-unpublish")).to_be_visible()
            form.refresh_from_db()
            self.assertTrue(form.is_active)
            # The page came back with its frames: both drawn before the picture.
            for frame_id in ("#preview-desktop", "#preview-phone"):
                expect(page.frame_locator(frame_id).locator("#f-email")).to_be_visible()
            screenshot(page, "formularios-vista-previa")

            page.click("#form-edit")
            screenshot(page, "formularios-editar")

            page.click("a.dropdown-toggle:has-text('Contactos')")
            page.click("#nav-forms")
            page.wait_for_url(f"{base}/formularios/")
            row = page.locator(f"[data-form='{form.code}']")
            expect(row.locator("[data-status]")).to_have_text("Publicado")
            screenshot(page, "formularios-lista")

            page.goto(f"{base}/formularios/{running.code}/informe/")
            expect(page.locator("[data-figure=confirmation_rate] [data-value]")).to_contain_text(
                "%"
            )
            expect(page.locator("canvas[data-chart=chart-days]")).to_be_visible()
            expect(page.locator("#signups-table tbody tr")).to_have_count(4)
            expect(page.locator("#signups-table")).to_contain_text("Esperando confirmación")
            screenshot(page, "formularios-informe")
            self.assertEqual(problems, [])
