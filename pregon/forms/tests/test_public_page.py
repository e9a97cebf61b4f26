"""The hosted page /f/<slug>: the form, a submission with double opt-in (a pending contact and
the confirmation email, received by a real SMTP server), the answers' errors in Spanish tied
to their fields, the robots' defences, views counted, and the staff's preview."""

import datetime

import time_machine
from django.utils import timezone

from pregon.accounts.models import Role, User
from pregon.contacts.models import ConsentSource, Contact, Field, FieldType, MailingList, Status
from pregon.forms.models import FormDay, Signup, SignupStatus
from pregon.testing.browser import PASSWORD
from pregon.testing.signup_forms import CONSENT
from pregon.testing.signup_public import SignupTestCase, double_opt_in_form
from pregon.tracking.models import hash_ip


class PublicPageTestCase(SignupTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = MailingList.objects.create(
            name="int-cursos", is_topic=True, public_name="Cursos virtuales"
        )
        self.news = MailingList.objects.create(name="Boletín")
        self.form = double_opt_in_form(
            lists=[self.courses, self.news],
            choose_lists=True,
            fields=[
                {"key": "first_name", "required": True},
                {"key": "phone", "required": False},
            ],
        )

    def nothing_stored(self) -> None:
        self.assertFalse(Contact.objects.exists())
        self.assertFalse(Signup.objects.exists())
        self.assertEqual(self.delivered(), [])

    def test_the_page_shows_the_form_and_counts_a_view(self) -> None:
        response = self.visitor.get("/f/novedades")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<label class="form-label" for="f-email">')
        self.assertContains(response, "Cursos virtuales")  # The topic's public name.
        self.assertNotContains(response, "int-cursos")
        self.assertContains(response, CONSENT)
        self.assertContains(response, 'href="https://escuela.example.pe/privacidad"')
        self.assertContains(response, 'name="website"')  # The honeypot.
        self.assertEqual(response["X-Frame-Options"], "SAMEORIGIN")
        self.assertEqual(FormDay.objects.get().views, 1)

    def test_a_form_without_a_privacy_address_links_nowhere(self) -> None:
        # A pop-up's form moved into a signup form has none until staff give it one.
        self.form.privacy_url = ""
        self.form.save()
        response = self.visitor.get("/f/novedades")
        self.assertContains(response, CONSENT)
        self.assertNotContains(response, 'id="f-privacy"')

    def test_a_submission_makes_a_pending_contact_and_mails_the_confirmation(self) -> None:
        response = self.page_post(self.form, lists=[str(self.courses.code)], phone="987 654 321")
        self.assertContains(response, "Le hemos enviado un correo")
        contact = Contact.objects.get()
        self.assertEqual((contact.email, contact.status), ("ana.quispe@example.pe", Status.PENDING))
        # Nothing of the answers reaches the contact before the confirmation.
        self.assertEqual((contact.first_name, list(contact.lists.all())), ("", []))
        self.assertEqual(contact.consent_source, ConsentSource.FORM)
        self.assertEqual(contact.consent_text, CONSENT)
        self.assertEqual(contact.consent_form, "Novedades de cursos")
        self.assertEqual(contact.consent_ip_hash, hash_ip(self.ip))
        self.assertIsNone(contact.consent_ip)
        self.assertIsNone(contact.consent_confirmed_at)
        signup = Signup.objects.get()
        self.assertEqual(signup.status, SignupStatus.PENDING)
        self.assertEqual(signup.channel, "page")
        self.assertEqual(
            signup.data,
            {
                "first_name": "Ana",
                "phone": "+51987654321",
                "fields": {},
                "lists": [str(self.courses.code)],
            },
        )
        [mail] = self.delivered()
        self.assertEqual(mail.recipient, "ana.quispe@example.pe")
        self.assertEqual(mail.parsed()["Subject"], "Confirme su suscripción")
        self.assertIn("/f/confirmar/", mail.parsed().get_body(("plain",)).get_content())
        day = FormDay.objects.get()
        self.assertEqual((day.submissions, day.confirmations), (1, 0))

    def test_a_missing_email_and_consent_are_shown_at_their_fields(self) -> None:
        response = self.page_post(self.form, email="", consent=None, lists=[str(self.news.code)])
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, 'aria-describedby="f-email-error"', status_code=422)
        self.assertContains(
            response, 'id="f-email-error">Falta el correo electrónico.', status_code=422
        )
        self.assertContains(response, 'aria-describedby="f-consent-error"', status_code=422)
        self.assertContains(response, "Marque la casilla", status_code=422)
        # The first field in error takes the focus; what was typed stays.
        self.assertContains(
            response, 'autocomplete="email" required maxlength="254" aria-invalid', status_code=422
        )
        self.assertContains(response, 'value="Ana"', status_code=422)
        self.nothing_stored()

    def test_an_invalid_email_a_missing_required_field_and_no_topic(self) -> None:
        response = self.page_post(self.form, email="ana@", first_name="")
        self.assertEqual(response.status_code, 422)
        errors = response.context["errors"]
        self.assertEqual(sorted(errors), ["email", "first_name", "lists"])
        self.assertEqual(errors["first_name"], ["Este campo es obligatorio."])
        self.assertEqual(errors["lists"], ["Elija al menos una opción."])
        self.nothing_stored()

    def test_a_bad_phone_is_refused_as_the_contact_screen_refuses_it(self) -> None:
        response = self.page_post(self.form, phone="12", lists=[str(self.news.code)])
        self.assertEqual(response.status_code, 422)
        self.assertIn("phone", response.context["errors"])
        self.nothing_stored()

    def test_a_disposable_address_is_refused(self) -> None:
        response = self.page_post(
            self.form, email="ana@mailinator.com", lists=[str(self.news.code)]
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("desechables", response.context["errors"]["email"][0])
        self.nothing_stored()

    def test_a_filled_honeypot_is_thanked_and_nothing_happens(self) -> None:
        response = self.page_post(
            self.form, website="https://spam.example", lists=[str(self.news.code)]
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Le hemos enviado un correo")
        self.nothing_stored()

    def test_a_form_sent_in_half_a_second_is_refused(self) -> None:
        shown = timezone.now()
        with time_machine.travel(shown, tick=False):
            stamp = self.visitor.get("/f/novedades").context["stamp"]
        with time_machine.travel(shown + datetime.timedelta(seconds=0.5), tick=False):
            response = self.page_post(self.form, stamp=stamp, lists=[str(self.news.code)])
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "se envió demasiado rápido", status_code=422)
        self.nothing_stored()

    def test_a_forged_stamp_is_refused(self) -> None:
        response = self.page_post(self.form, stamp="abc-def", lists=[str(self.news.code)])
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "Vuelva a cargar la página", status_code=422)
        self.nothing_stored()

    def test_the_same_answer_whether_the_address_is_a_contact_or_not(self) -> None:
        Contact.objects.create(email="rosa@example.pe", first_name="Rosa", status=Status.SUBSCRIBED)
        known = self.page_post(self.form, email="rosa@example.pe", lists=[str(self.news.code)])
        unknown = self.page_post(self.form, email="luz@example.pe", lists=[str(self.news.code)])
        self.assertEqual(known.status_code, unknown.status_code)
        self.assertEqual(known.context["message"], unknown.context["message"])
        # The existing contact is unchanged until they confirm.
        rosa = Contact.objects.get(email="rosa@example.pe")
        self.assertEqual(
            (rosa.first_name, rosa.status, list(rosa.lists.all())), ("Rosa", "subscribed", [])
        )
        self.assertEqual(len(self.delivered()), 2)

    def test_sending_again_soon_mails_once_and_keeps_the_last_answers(self) -> None:
        self.page_post(self.form, first_name="Ana", lists=[str(self.news.code)])
        self.page_post(self.form, first_name="Ana María", lists=[str(self.courses.code)])
        signup = Signup.objects.get()
        self.assertEqual(signup.data["first_name"], "Ana María")
        self.assertEqual(len(self.delivered()), 1)

    def test_the_form_redirects_when_it_says_so(self) -> None:
        self.form.redirect_url = "https://escuela.example.pe/gracias"
        self.form.save()
        response = self.page_post(self.form, lists=[str(self.news.code)])
        self.assertRedirects(
            response, "https://escuela.example.pe/gracias", fetch_redirect_response=False
        )

    def test_a_custom_field_is_asked_and_kept_as_the_contact_keeps_it(self) -> None:
        Field.objects.create(key="dni", label="DNI", type=FieldType.NUMBER)
        self.form.fields = [{"key": "field:dni", "required": True}]
        self.form.save()
        response = self.page_post(
            self.form, **{"fields.dni": "ochenta", "lists": [str(self.news.code)]}
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("fields.dni", response.context["errors"])
        self.assertContains(response, 'aria-describedby="f-fields-dni-error"', status_code=422)
        self.page_post(self.form, **{"fields.dni": "40123456", "lists": [str(self.news.code)]})
        self.assertEqual(Signup.objects.get().data["fields"], {"dni": 40123456})

    def test_an_unpublished_form_is_not_available(self) -> None:
        self.form.is_active = False
        self.form.save()
        response = self.visitor.get("/f/novedades")
        self.assertContains(response, "no está publicado", status_code=404)
        self.assertEqual(self.visitor.get("/f/novedades?vista_previa=1").status_code, 404)
        self.assertEqual(self.visitor.get("/f/no-existe").status_code, 404)


class PreviewTestCase(SignupTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.form = double_opt_in_form(is_active=False)
        self.alice = User.objects.create_user(
            email="alice@example.pe", password=PASSWORD, role=Role.ANALYST
        )

    def test_staff_preview_counts_nothing_and_takes_no_submission(self) -> None:
        self.visitor.force_login(self.alice)
        response = self.visitor.get("/f/novedades?vista_previa=1")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<fieldset disabled>")
        self.assertContains(response, 'id="preview-notice"')
        data = {"email": "ana@example.pe", "consent": "on", "stamp": response.context["stamp"]}
        posted = self.visitor.post("/f/novedades?vista_previa=1", data)
        self.assertEqual(posted.status_code, 200)
        self.assertFalse(Contact.objects.exists())
        self.assertFalse(FormDay.objects.exists())

    def test_anyones_preview_of_a_published_form_is_harmless(self) -> None:
        self.form.is_active = True
        self.form.save()
        response = self.visitor.get("/f/novedades?vista_previa=1")
        self.assertContains(response, "<fieldset disabled>")
        self.assertFalse(FormDay.objects.exists())
