"""The preference centre and the unsubscribe page's choices in real Chromium, reached from the
links of a campaign our engine sent to a real SMTP server: change preferences, leave only
one topic, and see it in the campaign's report apart from unsubscribes.

Saves the screenshots the manual shows (docs/screenshots/preferences-*.png, list-topic.png).
"""

import re

import pytest
from django.test import override_settings

from pregon.accounts.models import Role, User
from pregon.campaigns import scheduling
from pregon.contacts.models import Contact, MailingList, Status, Subscription, TopicOptOut
from pregon.content.models import BrandKit
from pregon.testing.browser import (
    PASSWORD,
    SCREENSHOTS,
    BrowserTestCase,
    chromium_page,
    fits_width,
    login,
    screenshot,
    watch,
)
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server

EDITOR = "editora@example.pe"
ANA = "persona0000@example.pe"
HTML = (
    "<html><body><p>Hola {{ nombre }}, se abren las inscripciones del curso de diciembre.</p>"
    '<p><a href="https://aula.example.gob.pe/curso">Inscríbete</a></p>'
    '<p><a href="{{ enlace_preferencias }}">Elegir qué correos recibo</a> · '
    '<a href="{{ enlace_baja }}">Darme de baja</a></p></body></html>'
)


@pytest.mark.browser
class PreferencesBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(override_settings(SITE_URL=self.live_server_url))
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Rosa Editora")
        BrandKit.objects.update_or_create(
            pk=1, defaults={"name": "Escuela Nacional de Capacitación", "primary_color": "#1d4e89"}
        )
        self.courses = contacts_on_a_list(3, name="Participantes cursos 2026")
        MailingList.objects.filter(pk=self.courses.pk).update(
            is_topic=True,
            public_name="Cursos virtuales",
            public_description="Fechas, vacantes e inscripciones de los cursos en el aula virtual.",
        )
        self.news = MailingList.objects.create(
            name="Boletín institucional",
            is_topic=True,
            public_name="Boletín mensual",
            public_description="Las novedades de la escuela, una vez al mes.",
        )
        MailingList.objects.create(
            name="Becas",
            is_topic=True,
            public_name="Becas y convocatorias",
            public_description="Avisos de becas cuando se abre una convocatoria.",
        )
        self.ana = Contact.objects.get(email=ANA)
        Subscription.objects.create(contact=self.ana, mailing_list=self.news)
        mailbox = Mailbox()
        with smtp_server(mailbox):
            self.campaign = campaign_to(self.courses, subject="Curso de diciembre")
            self.campaign.template.set_source(HTML)
            self.campaign.template.save()
            scheduling.start_due_campaigns()
            send_all()
        received = next(m for m in mailbox.received if m.recipient == ANA)
        html = received.parsed().get_body(("html",)).get_content()
        site = re.escape(self.live_server_url)
        # The links as Ana's mail program shows them.
        [self.preferences_link] = re.findall(rf'href="({site}/preferencias/[^"]+)"', html)
        [self.unsubscribe_link] = re.findall(rf'href="({site}/t/baja/[^"]+)"', html)

    def lists_of_ana(self) -> set[str]:
        return set(self.ana.lists.values_list("name", flat=True))

    def test_a_person_changes_their_preferences(self) -> None:
        from playwright.sync_api import expect

        with chromium_page() as page:
            problems = watch(page)
            page.goto(self.preferences_link)
            expect(page.get_by_role("heading", name="Sus preferencias de correo")).to_be_visible()
            courses = page.get_by_label("Cursos virtuales")
            news = page.get_by_label("Boletín mensual")
            grants = page.get_by_label("Becas y convocatorias")
            expect(courses).to_be_checked()
            expect(news).to_be_checked()
            expect(grants).not_to_be_checked()
            # Each topic's description is tied to its box for screen readers.
            expect(courses).to_have_attribute("aria-describedby", re.compile(r"-help$"))
            screenshot(page, "preferences-centre")
            news.uncheck()
            grants.check()
            page.get_by_label("Apellidos").fill("Quispe Mamani")
            page.get_by_label("Pausar mis correos durante 30 días").check()
            page.get_by_role("button", name="Guardar mis preferencias").click()
            saved = page.locator("[data-saved]")
            expect(saved).to_contain_text("Sus preferencias se guardaron.")
            expect(saved).to_contain_text("Ya no recibirá “Boletín mensual”.")
            expect(saved).to_contain_text("Recibirá “Becas y convocatorias”.")
            expect(saved).to_contain_text("Sus correos están en pausa hasta el")
            expect(page.get_by_label("Becas y convocatorias")).to_be_checked()
            expect(page.get_by_label(re.compile("Mantener la pausa hasta el"))).to_be_checked()
            screenshot(page, "preferences-saved")
            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(self.preferences_link)
            self.assertTrue(fits_width(page))
            screenshot(page, "preferences-phone", full_page=False)
            self.assertEqual(problems, [])
        self.ana.refresh_from_db()
        self.assertEqual(self.ana.last_name, "Quispe Mamani")
        self.assertIsNotNone(self.ana.paused_until)
        self.assertEqual(self.lists_of_ana(), {"Participantes cursos 2026", "Becas"})

    def test_a_person_leaves_one_topic_from_the_email_s_unsubscribe_link(self) -> None:
        from playwright.sync_api import expect

        with chromium_page() as page:
            problems = watch(page)
            page.goto(self.unsubscribe_link)
            instead = page.locator("#unsubscribe-instead")
            expect(instead).to_contain_text("Este correo trataba de este tema: Cursos virtuales")
            screenshot(page, "preferences-unsubscribe-choices")
            page.get_by_role("button", name="Dejar solo este tema").click()
            expect(page.locator("[data-left-topics]")).to_contain_text(
                f"{ANA} ya no recibirá este tema: Cursos virtuales"
            )
            screenshot(page, "preferences-left-topic")
            # The staff's report counts it apart from unsubscribes.
            login(page, self.live_server_url, EDITOR)
            page.goto(f"{self.live_server_url}/informes/campanas/{self.campaign.code}/")
            expect(page.locator('[data-figure="topic_opt_outs"] [data-value]')).to_have_text("1")
            expect(page.locator('[data-figure="unsubscribed"] [data-value]')).to_have_text("0")
            page.locator("#report-cards").screenshot(
                path=str(SCREENSHOTS / "preferences-report.png")
            )
            self.assertEqual(problems, [])
        self.ana.refresh_from_db()
        self.assertEqual(self.ana.status, Status.SUBSCRIBED)
        self.assertEqual(self.lists_of_ana(), {"Boletín institucional"})
        self.assertEqual(TopicOptOut.objects.get().mailing_list, self.courses)

    def test_staff_mark_a_list_as_a_public_topic(self) -> None:
        from playwright.sync_api import expect

        internal = MailingList.objects.create(name="Egresados 2025")
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(f"{self.live_server_url}/contactos/listas/{internal.code}/editar/")
            page.get_by_label("Tema público").check()
            page.get_by_label("Nombre público").fill("Noticias para egresados")
            page.get_by_label("Descripción pública").fill(
                "Cursos de actualización y eventos para quienes ya estudiaron con nosotros."
            )
            screenshot(page, "list-topic")
            page.get_by_role("button", name="Guardar").click()
            expect(page.locator(f'[data-list="{internal.code}"] [data-topic]')).to_contain_text(
                "Noticias para egresados"
            )
            self.assertEqual(problems, [])
        internal.refresh_from_db()
        self.assertTrue(internal.is_topic)
