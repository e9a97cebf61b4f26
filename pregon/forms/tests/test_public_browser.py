"""In Chromium: a person fills in a form's hosted page, and a form embedded in a page of
another origin (the virtual classroom), and confirms from the email a real SMTP server
received; the manual's screenshots."""

import pytest
from django.test import override_settings

from pregon.contacts.models import Contact, MailingList, Status
from pregon.forms import links
from pregon.forms.models import Signup, SignupStatus
from pregon.testing.browser import BrowserTestCase, chromium_page, screenshot
from pregon.testing.campaigns import send_all
from pregon.testing.moodle import ClassroomTestCase
from pregon.testing.signup_public import confirm_link, double_opt_in_form
from pregon.testing.smtp import Mailbox, smtp_server

INTRO = "Le avisaremos de cada convocatoria de nuestros cursos virtuales y presenciales."


def topics() -> list[MailingList]:
    return [
        MailingList.objects.create(
            name="int-virtuales",
            is_topic=True,
            public_name="Cursos virtuales",
            public_description="Convocatorias del aula virtual, una vez al mes.",
        ),
        MailingList.objects.create(
            name="int-presenciales",
            is_topic=True,
            public_name="Cursos presenciales",
            public_description="Talleres en nuestras sedes de Lima y Arequipa.",
        ),
    ]


@pytest.mark.browser
class HostedPageTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(override_settings(SITE_URL=self.live_server_url))
        self.mailbox = Mailbox()
        self.enterContext(smtp_server(self.mailbox))
        self.virtual, self.onsite = topics()
        self.form = double_opt_in_form(
            lists=[self.virtual, self.onsite],
            choose_lists=True,
            intro=INTRO,
            fields=[
                {"key": "first_name", "required": True},
                {"key": "last_name", "required": False},
            ],
            # Playwright types at once; the minimum time has its own tests.
            min_fill_seconds=0,
        )

    def test_a_person_signs_up_and_confirms_from_the_email(self) -> None:
        with chromium_page(width=1000, height=900) as page:
            page.goto(f"{self.live_server_url}/f/novedades")
            screenshot(page, "formularios-pagina")

            # Sent empty: the errors beside their fields, the first one focused.
            page.click("button[type=submit]")
            page.locator("#f-email-error").wait_for()
            self.assertEqual(page.evaluate("document.activeElement.id"), "f-email")
            self.assertEqual(page.get_attribute("#f-email", "aria-describedby"), "f-email-error")
            self.assertIn("casilla", page.text_content("#f-consent-error"))
            screenshot(page, "formularios-errores")
            self.assertFalse(Contact.objects.exists())

            page.fill("#f-email", "Rosa.Quispe@Example.pe")
            page.fill("#f-first_name", "Rosa")
            page.fill("#f-last_name", "Quispe Mamani")
            page.check(f"input[value='{self.virtual.code}']")
            page.check("#f-consent")
            page.click("button[type=submit]")
            page.locator("#signup-thanks").wait_for()
            self.assertIn("Le hemos enviado un correo", page.text_content("#signup-thanks"))
            screenshot(page, "formularios-gracias")
            self.assertEqual(Contact.objects.get().status, Status.PENDING)

            send_all()
            [mail] = self.mailbox.received
            self.assertEqual(mail.recipient, "rosa.quispe@example.pe")
            page.set_content(mail.parsed().get_body(("html",)).get_content())
            screenshot(page, "formularios-correo-confirmacion")

            page.goto(self.live_server_url + confirm_link(mail))
            screenshot(page, "formularios-confirmar")
            page.click("#confirm-button")
            page.locator("#signup-confirmed").wait_for()
            screenshot(page, "formularios-confirmado")

        contact = Contact.objects.get()
        self.assertEqual(contact.status, Status.SUBSCRIBED)
        self.assertEqual((contact.first_name, contact.last_name), ("Rosa", "Quispe Mamani"))
        self.assertEqual(list(contact.lists.all()), [self.virtual])
        self.assertIsNotNone(contact.consent_confirmed_at)

    def test_the_page_fits_a_phone(self) -> None:
        with chromium_page(width=375, height=800) as page:
            page.goto(f"{self.live_server_url}/f/novedades")
            self.assertTrue(
                page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            )
            screenshot(page, "formularios-pagina-celular")


@pytest.mark.browser
class EmbeddedFormTestCase(ClassroomTestCase):
    """The form's embed lines pasted in a page of another site (here the classroom's
    "Additional HTML"), with the proof-of-work challenge on."""

    def test_a_person_signs_up_on_another_site_and_confirms(self) -> None:
        mailbox = Mailbox()
        self.enterContext(smtp_server(mailbox))
        virtual, _onsite = topics()
        form = double_opt_in_form(
            lists=[virtual],
            intro=INTRO,
            fields=[{"key": "first_name", "required": False}],
            min_fill_seconds=0,
            proof_of_work=True,
        )
        self.moodle.footer_extra = "\n" + links.embed_snippet(form)
        # The dashboard: a page without the course's side drawers over its footer.
        self.visit("/my/")
        email = self.page.locator("[data-pregon-form] #pf-email")
        email.fill("luz.mamani@example.pe")
        self.page.locator("[data-pregon-form] #pf-first_name").fill("Luz")
        self.page.locator("[data-pregon-form] #pf-consent").check()
        self.page.locator("[data-pregon-form]").scroll_into_view_if_needed()
        screenshot(self.page, "formularios-incrustado", full_page=False)
        self.page.locator("[data-pregon-form] button").click()
        thanks = self.page.locator("[data-pregon-form] [role=status]")
        thanks.wait_for(timeout=30000)
        self.assertIn("Le hemos enviado un correo", thanks.text_content())
        self.assertEqual(self.errors, [])

        signup = Signup.objects.get()
        self.assertEqual((signup.channel, signup.status), ("embed", SignupStatus.PENDING))
        send_all()
        [mail] = mailbox.received
        self.page.goto(self.live_server_url + confirm_link(mail))
        self.page.click("#confirm-button")
        self.page.locator("#signup-confirmed").wait_for()
        contact = Contact.objects.get()
        self.assertEqual((contact.status, contact.first_name), (Status.SUBSCRIBED, "Luz"))
        self.assertEqual(list(contact.lists.all()), [virtual])
