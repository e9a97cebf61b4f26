"""A pop-up's signup form on a Moodle page: the server's errors by field, then the contact
created with its consent, the thanks, and a pop-up that can still be closed (Mautic #4111)."""

import pytest

from pregon.contacts.models import ConsentSource, Contact, MailingList
from pregon.popups import stats
from pregon.popups.models import PopupEventKind
from pregon.testing.browser import screenshot
from pregon.testing.moodle import COURSE, ClassroomTestCase
from pregon.testing.signup_forms import make_signup_form

CONSENT = (
    "Acepto que la Escuela de Capacitación trate mis datos personales para enviarme "
    "información de sus cursos (Ley 29733)."
)


@pytest.mark.browser
class FormTestCase(ClassroomTestCase):
    def test_a_submission_creates_the_contact_with_consent_and_it_can_be_closed(self) -> None:
        mailing_list = MailingList.objects.create(name="Interesados en cursos")
        popup = self.popup(
            title="Reciba los próximos cursos",
            body="<p>Le avisaremos de cada convocatoria.</p>",
            button_text="",
            signup_form=make_signup_form(
                lists=[mailing_list],
                fields=[{"key": "first_name"}, {"key": "last_name"}],
                consent_text=CONSENT,
                thank_you="¡Gracias! Le escribiremos pronto.",
                # The robots' minimum time is the forms' tests' business.
                min_fill_seconds=0,
            ),
        )
        self.visit(f"/course/view.php?id={COURSE}")
        self.settled(popup)
        host = f"#pregon-popup-{popup.pk}"
        self.assertEqual(self.page.locator(f"{host} label[for=pf-consent]").text_content(), CONSENT)

        email = self.page.locator(f"{host} #pf-email")
        consent = self.page.locator(f"{host} #pf-consent")
        email.fill("Rosa.Quispe@Example.pe")
        self.page.locator(f"{host} #pf-first_name").fill("Rosa")
        self.page.locator(f"{host} #pf-last_name").fill("Quispe Mamani")
        consent.check()
        screenshot(self.page, "popups-moodle-form", full_page=False)

        # Sent without an address nor the box ticked: the server's errors, in Spanish,
        # beside their fields, and nothing saved.
        email.fill("")
        consent.uncheck()
        self.page.locator(f"{host} button.s").click()
        self.page.locator(f"{host} #pf-consent-e").filter(has_text="casilla").wait_for()
        self.assertNotEqual(self.page.locator(f"{host} #pf-email-e").text_content(), "")
        self.assertEqual(email.get_attribute("aria-invalid"), "true")
        self.assertFalse(Contact.objects.exists())

        email.fill("Rosa.Quispe@Example.pe")
        consent.check()
        self.page.locator(f"{host} button.s").click()
        thanks = self.page.locator(f"{host} [role=status]")
        thanks.wait_for()
        self.assertEqual(thanks.text_content(), "¡Gracias! Le escribiremos pronto.")

        contact = Contact.objects.get()
        self.assertEqual(
            (contact.email, contact.first_name, contact.last_name),
            ("rosa.quispe@example.pe", "Rosa", "Quispe Mamani"),
        )
        self.assertEqual(
            (contact.consent_source, contact.consent_text), (ConsentSource.FORM, CONSENT)
        )
        self.assertIsNotNone(contact.consent_at)
        self.assertEqual(list(contact.lists.all()), [mailing_list])

        # It can always be closed after sending.
        self.page.locator(f"{host} button.x").click()
        self.assertEqual(self.page.locator("[data-pregon]").count(), 0)
        self.wait_for_answers("/p/b/", 2)
        self.assertEqual(
            self.counts(popup),
            {PopupEventKind.VIEWED: 1, PopupEventKind.SUBMITTED: 1, PopupEventKind.CLOSED: 1},
        )
        figures = stats.figures(popup)
        self.assertEqual((figures["views"], figures["submissions"], figures["closes"]), (1, 1, 1))
