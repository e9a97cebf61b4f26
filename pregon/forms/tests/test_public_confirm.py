"""The confirmation link /f/confirmar/<token>, followed from the email a real SMTP server
received: a button, then the contact subscribed with what they submitted and their consent
confirmed, the welcome email, and automation's form trigger; forged, expired and repeated
links; existing, unsubscribed and bounced contacts; data that no longer validates, a welcome
that cannot be written, and a contact that cannot be saved."""

import datetime
from urllib.parse import urlsplit

import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from pregon.automation import lifecycle
from pregon.automation.models import Enrolment, Workflow
from pregon.contacts.models import (
    Contact,
    Field,
    FieldType,
    MailingList,
    Status,
    Suppression,
    Tag,
)
from pregon.forms import mails
from pregon.forms.models import FormDay, Signup, SignupForm, SignupStatus
from pregon.lib import events
from pregon.testing.automation import chain, node
from pregon.testing.signup_public import (
    WELCOME,
    SignupTestCase,
    confirm_link,
    double_opt_in_form,
    html_template,
)
from pregon.testing.webhooks import subscribe_to


class ConfirmTestCase(SignupTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = MailingList.objects.create(name="Cursos virtuales", is_topic=True)
        self.form = double_opt_in_form(
            lists=[self.courses],
            tags=[Tag.objects.create(name="web")],
            fields=[{"key": "first_name"}, {"key": "last_name"}],
            welcome_subject="Bienvenida a la Escuela",
            welcome_template=html_template("Bienvenida", WELCOME),
        )

    def sign_up(self, **fields: object) -> str:
        """Submit the hosted page; the confirmation link of the email received."""
        response = self.page_post(self.form, **fields)
        self.assertEqual(response.status_code, 200)
        mails = [m for m in self.delivered() if "/f/confirmar/" in m.data.decode()]
        return confirm_link(mails[-1])

    def test_the_link_shows_a_button_that_confirms(self) -> None:
        workflow = Workflow.objects.create(
            name="Bienvenida",
            graph=chain(
                node("n1", "trigger", kind="form_submitted"),
                node("n2", "tag", action="add", tag="x"),
            ),
        )
        lifecycle.activate(workflow)
        link = self.sign_up(last_name="Quispe")
        # Only a person who confirms is a person: a pending signup enrols nobody.
        self.assertFalse(Enrolment.objects.exists())

        page = self.visitor.get(link)
        self.assertContains(page, "ana.quispe@example.pe")
        self.assertContains(page, 'id="confirm-button"')
        self.assertEqual(Contact.objects.get().status, Status.PENDING)  # GET changes nothing.

        done = self.visitor.post(link)
        self.assertContains(done, "ya está suscrito")
        contact = Contact.objects.get()
        self.assertEqual(contact.status, Status.SUBSCRIBED)
        self.assertEqual((contact.first_name, contact.last_name), ("Ana", "Quispe"))
        self.assertEqual(list(contact.lists.all()), [self.courses])
        self.assertEqual(list(contact.tags.values_list("name", flat=True)), ["web"])
        self.assertIsNotNone(contact.consent_confirmed_at)
        self.assertEqual(contact.consent_form, "Novedades de cursos")
        signup = Signup.objects.get()
        self.assertEqual(signup.status, SignupStatus.CONFIRMED)
        self.assertEqual(FormDay.objects.get().confirmations, 1)
        self.assertEqual(Enrolment.objects.get(workflow=workflow).contact, contact)

        welcome = [
            m for m in self.delivered() if m.parsed()["Subject"] == "Bienvenida a la Escuela"
        ]
        self.assertEqual(len(welcome), 1)
        self.assertIn("Bienvenida, Ana.", welcome[0].parsed().get_body(("plain",)).get_content())

        # A second click confirms nothing more and mails nothing more.
        again = self.visitor.post(link)
        self.assertContains(again, "ya está suscrito")
        self.assertEqual(FormDay.objects.get().confirmations, 1)
        self.assertEqual(len(self.delivered()), 2)

    def test_a_new_person_is_announced_as_created_when_they_confirm(self) -> None:
        endpoint = subscribe_to(events.CONTACT_CREATED, events.CONTACT_UPDATED)
        link = self.sign_up()
        # A pending signup is nobody yet, for the systems that listen.
        self.assertFalse(endpoint.deliveries.exists())
        self.visitor.post(link)
        contact = Contact.objects.get()
        self.assertEqual(
            [(d.event, d.payload["contact"]) for d in endpoint.deliveries.order_by("pk")],
            [(events.CONTACT_CREATED, contact.pk)],
        )

    def test_a_browser_that_keeps_no_cookies_can_confirm(self) -> None:
        link = self.sign_up()
        strict = Client(enforce_csrf_checks=True)
        self.assertContains(strict.post(link), "ya está suscrito")
        self.assertEqual(Contact.objects.get().status, Status.SUBSCRIBED)

    def test_a_forged_link_is_refused(self) -> None:
        link = self.sign_up()
        forged = link[:-3] + ("a" if link[-3] != "a" else "b") + link[-2:]
        for path in (forged, "/f/confirmar/xyz/", "/f/confirmar/zz-abcdefghijklmnop/"):
            response = self.visitor.post(path)
            self.assertContains(response, "Este enlace no es válido", status_code=404)
        self.assertEqual(Contact.objects.get().status, Status.PENDING)

    def test_an_expired_link_is_refused_and_offers_to_sign_up_again(self) -> None:
        link = self.sign_up()
        later = timezone.now() + datetime.timedelta(days=7, minutes=1)
        with time_machine.travel(later, tick=False):
            response = self.visitor.post(link)
        self.assertContains(response, "Este enlace caducó", status_code=410)
        self.assertContains(response, f'href="{settings.SITE_URL}/f/novedades"', status_code=410)
        self.assertEqual(Contact.objects.get().status, Status.PENDING)

    def test_an_existing_contact_is_updated_only_once_they_confirm(self) -> None:
        rosa = Contact.objects.create(
            email="rosa@example.pe", first_name="Rosa", status=Status.UNSUBSCRIBED
        )
        link = self.sign_up(email="rosa@example.pe", first_name="Rosa Elena")
        rosa.refresh_from_db()
        self.assertEqual((rosa.first_name, rosa.status), ("Rosa", Status.UNSUBSCRIBED))
        self.visitor.post(link)
        rosa.refresh_from_db()
        # They asked, with their consent recorded: subscribed again, with their new name.
        self.assertEqual((rosa.first_name, rosa.status), ("Rosa Elena", Status.SUBSCRIBED))
        self.assertEqual(Contact.objects.count(), 1)

    def test_a_bounced_contact_stays_bounced(self) -> None:
        Contact.objects.create(email="luz@example.pe", status=Status.BOUNCED)
        Suppression.objects.create(email="luz@example.pe", reason="bounced")
        response = self.page_post(self.form, email="luz@example.pe")
        self.assertContains(response, "Le hemos enviado un correo")
        # A bounced address gets no confirmation email at all.
        self.assertEqual(self.delivered(), [])
        # Had the person confirmed all the same (the link is the one the email would carry).
        link = urlsplit(mails.confirm_url(Signup.objects.get())).path
        self.assertContains(self.visitor.post(link), "ya está suscrito")
        luz = Contact.objects.get()
        self.assertEqual(luz.status, Status.BOUNCED)
        self.assertTrue(Suppression.objects.filter(email="luz@example.pe").exists())

    # What staff changed between the submission and the click.
    def test_a_custom_field_or_list_deleted_since_is_left_out(self) -> None:
        Field.objects.create(key="dni", label="DNI", type=FieldType.TEXT)
        workshops = MailingList.objects.create(name="Talleres", is_topic=True)
        self.form.fields = [{"key": "first_name"}, {"key": "field:dni"}]
        self.form.choose_lists = True
        self.form.save()
        self.form.lists.add(workshops)
        link = self.sign_up(
            **{"fields.dni": "40123456"}, lists=[str(self.courses.code), str(workshops.code)]
        )
        Field.objects.filter(key="dni").delete()
        workshops.delete()

        self.assertContains(self.visitor.post(link), "ya está suscrito")
        contact = Contact.objects.get()
        self.assertEqual((contact.status, contact.first_name), (Status.SUBSCRIBED, "Ana"))
        self.assertNotIn("dni", contact.attributes or {})
        self.assertEqual(list(contact.lists.all()), [self.courses])
        self.assertEqual(Signup.objects.get().status, SignupStatus.CONFIRMED)

    def test_a_welcome_that_cannot_be_written_does_not_undo_the_confirmation(self) -> None:
        link = self.sign_up()
        SignupForm.objects.filter(pk=self.form.pk).update(welcome_subject="Hola {{ borrado }}")
        self.assertContains(self.visitor.post(link), "ya está suscrito")
        self.assertEqual(Contact.objects.get().status, Status.SUBSCRIBED)
        self.assertEqual(FormDay.objects.get().confirmations, 1)
        self.assertEqual(len(self.delivered()), 1)  # The confirmation only.

    def test_a_welcome_that_cannot_be_written_does_not_refuse_a_submission(self) -> None:
        SignupForm.objects.filter(pk=self.form.pk).update(
            double_opt_in=False, welcome_subject="Hola {{ nombre"
        )
        self.form.refresh_from_db()
        self.assertEqual(self.page_post(self.form).status_code, 200)
        self.assertEqual(Contact.objects.get().status, Status.SUBSCRIBED)
        self.assertEqual(self.delivered(), [])

    def test_a_contact_that_cannot_be_saved_is_told_whom_to_write_to(self) -> None:
        Contact.objects.create(email="rosa@example.pe", status=Status.UNSUBSCRIBED)
        link = self.sign_up(email="rosa@example.pe", first_name="Rosa")
        # A phone stored since by rules of its own: the contact itself no longer validates.
        Contact.objects.update(phone="123")
        response = self.visitor.post(link)
        self.assertContains(response, "No se pudo usar este enlace", status_code=409)
        self.assertContains(response, "capacitacion@escuela.example.pe", status_code=409)
        rosa = Contact.objects.get()
        self.assertEqual((rosa.status, rosa.first_name), (Status.UNSUBSCRIBED, ""))
        self.assertEqual(Signup.objects.get().status, SignupStatus.PENDING)
        self.assertEqual(FormDay.objects.get().confirmations, 0)
