"""A newcomer's first hour in real Chromium, following only what the dashboard's checklist
shows: brand kit, relay (a real SMTP server on loopback), sender, an import of five
contacts into a new list with a custom field made on the spot, a gallery design, a
campaign, and a test that reaches the relay with the sample contact's name in its subject
and the campaign's preheader. Each step ticks its line of the checklist.

Saves the manual's screenshots of each step (docs/screenshots/first-hour-*.png).
"""

import asyncio
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from pregon.accounts.models import Role, User
from pregon.sending import quota
from pregon.sending.forms import SmtpBackendForm
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    screenshot,
    task_worker,
)
from pregon.testing.smtp import Mailbox, free_port

ADMIN = "capacitacion@entidad.gob.pe"
CONTACTS = (
    "correo,nombre,apellido,region\n"
    "ana.quispe@correo.pe,Ana,Quispe,Junín\n"
    "jose.huaman@correo.pe,José,Huamán,Cusco\n"
    "maria.nunez@correo.pe,María,Núñez,Junín\n"
    "raul.ccori@correo.pe,Raúl,Ccori,Puno\n"
    "lucia.pena@correo.pe,Lucía,Peña,Lima\n"
).encode()
PREHEADER = "Inscripciones abiertas hasta el 15 de enero"


@pytest.mark.browser
class FirstHourBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Uploads stay in the var folder's media, where the worker process reads them.
        # The gallery's images are on this server, as they are on the real one.
        self.enterContext(override_settings(SITE_URL=self.live_server_url))
        User.objects.create_user(ADMIN, PASSWORD, role=Role.ADMIN, name="Rosa")
        quota.ensure_plan()
        # The agency's relay: a real SMTP server on loopback, not yet known to Pregón.
        self.relay = Mailbox()
        self.port = free_port()
        controller = Controller(
            self.relay, hostname="127.0.0.1", port=self.port, loop=asyncio.new_event_loop()
        )
        controller.start()
        self.addCleanup(controller.stop)
        # The form takes mail ports only; the test's relay listens on a free one.
        ports = (*SmtpBackendForm.mail_ports, self.port)
        self.enterContext(mock.patch.object(SmtpBackendForm, "mail_ports", ports))

    def next_step(self, page: object, done: int, shot: str) -> None:
        """Back on the dashboard: ``done`` steps ticked; follow the next one."""
        from playwright.sync_api import expect

        page.goto(self.live_server_url + "/")
        expect(page.locator("#getting-started [data-done=true]")).to_have_count(done)
        screenshot(page, shot, full_page=False)
        page.click("#getting-started [data-next-step]")

    def test_from_an_empty_account_to_a_test_in_the_inbox(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(ADMIN, width=1366) as (page, problems), task_worker():
            self.next_step(page, 0, "first-hour-1-dashboard")
            page.fill("#id_name", "Escuela Nacional de Administración Pública")
            page.fill("#id_address", "Av. Arequipa 1234, Lima")
            page.fill("#id_website_url", "https://www.entidad.gob.pe")
            screenshot(page, "first-hour-2-brand-kit")
            page.click("main form[method=post] button[type=submit]")

            self.next_step(page, 1, "first-hour-3-relay-next")
            page.click("a[href$='/nuevo/smtp/']")
            page.fill("#id_name", "Relay de la entidad")
            page.fill("#id_host", "127.0.0.1")
            page.fill("#id_port", str(self.port))
            page.select_option("#id_security", label="Ninguno (solo loopback)")
            screenshot(page, "first-hour-4-relay")
            page.click("main form[method=post] button[type=submit]")
            page.click("text=Probar la conexión")
            expect(page.locator(".alert-success")).to_contain_text("funciona (sin cifrado)")

            self.next_step(page, 2, "first-hour-5-sender-next")
            page.fill("#id_from_name", "Escuela de Gobierno")
            page.fill("#id_from_email", ADMIN)
            screenshot(page, "first-hour-6-sender")
            page.click("main form[method=post] button[type=submit]")

            self.next_step(page, 3, "first-hour-7-import-next")
            page.set_input_files(
                "input[name=file]",
                files=[{"name": "alumnos.csv", "mimeType": "text/csv", "buffer": CONTACTS}],
            )
            page.click("form[enctype] button[type=submit]")
            page.wait_for_selector("#mapping-form")
            page.wait_for_load_state()
            page.select_option("select[name=column_3]", "+new")
            expect(page.locator("#new-field")).to_have_attribute("open", "")
            page.fill("#id_new_field-label", "Región")
            page.select_option("#id_new_field-type", label="Texto")
            page.click("#new-field-create")
            page.fill("#id_new_list_name", "Cursos virtuales 2027")
            screenshot(page, "first-hour-8-import")
            page.click("#mapping-form > button.btn-primary")
            expect(page.locator("main")).to_contain_text("Importación finalizada", timeout=30_000)
            expect(page.locator("main")).to_contain_text("Cursos virtuales 2027")

            self.next_step(page, 4, "first-hour-9-gallery-next")
            screenshot(page, "first-hour-10-gallery", full_page=False)
            page.click("main button:has-text('Usar este diseño') >> nth=0")
            page.wait_for_selector("#editor-save")

            self.next_step(page, 5, "first-hour-11-campaign-next")
            page.fill("#id_name", "Curso de contrataciones 2027")
            page.fill("#id_subject", "{{ nombre }}, nuevo curso de contrataciones públicas")
            page.fill("#id_preheader", PREHEADER)
            page.select_option("#id_sender", label=f"Escuela de Gobierno <{ADMIN}>")
            page.select_option("#id_template", label="Anuncio de curso")
            page.check("label:has-text('Cursos virtuales 2027')")
            screenshot(page, "first-hour-12-campaign")
            page.click("main form[method=post] button[type=submit]:has-text('Guardar')")

            expect(page.locator("#id_addresses")).to_have_value(ADMIN)
            page.click("main button:has-text('Enviar prueba')")
            expect(page.locator("main")).to_contain_text("Enviada con los datos de Lucía Peña")
            screenshot(page, "first-hour-13-test-sent")

            page.goto(base + "/")
            expect(page.locator("#getting-started [data-done=true]")).to_have_count(6)
            self.assertEqual(problems, [])

        [received] = self.relay.received
        self.assertEqual(received.recipient, ADMIN)
        message = received.parsed()
        self.assertEqual(
            message["Subject"], "[Prueba] Lucía, nuevo curso de contrataciones públicas"
        )
        self.assertIn(PREHEADER, message.get_body(("html",)).get_content())
