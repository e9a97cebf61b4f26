"""POST /p/f/<site key>: a pop-up's signup form is one of the signup forms staff build, sent
through that form's submit function: the contact with its list, tags and consent, without
telling whether the address was known; double opt-in when the form asks for it; the forms'
defences; errors in Spanish, nothing saved."""

from django.utils import timezone

from pregon.contacts.models import Contact, MailingList, Status, Suppression, Tag
from pregon.forms import defences
from pregon.forms.models import FormDay, Signup, SignupStatus
from pregon.popups import config, spool
from pregon.popups.models import Popup, PopupEvent, PopupEventKind
from pregon.sending.models import Message, SenderIdentity
from pregon.testing.popup_public import ELSEWHERE, PublicTestCase
from pregon.testing.signup_forms import CONSENT, make_signup_form
from pregon.testing.signup_public import html_template
from pregon.tracking.models import hash_ip


class SignupTestCase(PublicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = MailingList.objects.create(name="Interesados en cursos")
        self.form = make_signup_form(
            lists=[self.courses],
            tags=[Tag.objects.create(name="aula-virtual")],
            fields=[{"key": "first_name"}, {"key": "last_name"}],
            thank_you="¡Gracias! Le escribiremos pronto.",
            min_fill_seconds=0,
        )
        self.popup.signup_form = self.form
        self.popup.save()

    def stamp(self) -> str:
        """The stamp the embed script asks for when it shows the pop-up's form."""
        config.forget()
        response = self.ask_stamp(self.popup.pk)
        self.assertEqual(response.status_code, 200)
        return response.json()["stamp"]

    def ask_stamp(self, popup_id: object, origin: str | None = None) -> object:
        origin = origin or self.site.origin
        return self.visitor.get(f"/p/f/{self.site.key}?p={popup_id}", HTTP_ORIGIN=origin)

    def send(self, **fields: object) -> object:
        data = {
            "p": self.popup.pk,
            "email": " Ana.Quispe@Example.PE ",
            "first_name": "Ana",
            "last_name": "Quispe",
            "consent": True,
            "stamp": fields["stamp"] if "stamp" in fields else self.stamp(),
            "website": "",
            "v": "a1b2c3d4e5f60718",
            "t": "",
            "u": "/course/view.php?id=12",
            "c": 12,
            "d": "phone",
        }
        return self.post("f", {**data, **fields})

    def test_a_new_contact_with_list_tags_and_consent(self) -> None:
        response = self.send()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {"ok": True, "message": "¡Gracias! Le escribiremos pronto.", "redirect": ""},
        )
        contact = Contact.objects.get()
        self.assertEqual(
            (contact.email, contact.first_name, contact.last_name),
            ("ana.quispe@example.pe", "Ana", "Quispe"),
        )
        self.assertEqual(contact.status, Status.SUBSCRIBED)
        self.assertEqual(list(contact.lists.all()), [self.courses])
        self.assertEqual([tag.name for tag in contact.tags.all()], ["aula-virtual"])
        self.assertEqual((contact.consent_source, contact.consent_text), ("form", CONSENT))
        self.assertEqual(contact.consent_form, self.form.name)
        # The visitor's address is kept hashed, never as it is.
        self.assertIsNone(contact.consent_ip)
        self.assertEqual(contact.consent_ip_hash, hash_ip("190.12.34.56"))
        self.assertIsNotNone(contact.consent_at)
        signup = Signup.objects.get()
        self.assertEqual((signup.channel, signup.popup_id), ("popup", self.popup.pk))
        event = PopupEvent.objects.get()
        self.assertEqual(
            (event.kind, event.contact, event.site), (PopupEventKind.SUBMITTED, contact, self.site)
        )
        self.assertEqual(
            (event.page, event.course_id, event.device), ("/course/view.php", 12, "phone")
        )

    def test_an_existing_contact_is_updated_and_the_answer_says_nothing_more(self) -> None:
        first = self.send(email="otra@example.pe").json()
        other_list = MailingList.objects.create(name="Boletín")
        known = Contact.objects.create(
            email="ana.quispe@example.pe", first_name="Ana María", status=Status.UNSUBSCRIBED
        )
        known.lists.add(other_list)
        known.tags.add(Tag.objects.create(name="egresada"))
        response = self.send()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), first)
        known.refresh_from_db()
        # Without double opt-in, staff's name stays, the empty one is filled; not
        # subscribed again by a form anyone can fill in with this address.
        self.assertEqual((known.first_name, known.last_name), ("Ana María", "Quispe"))
        self.assertEqual(known.status, Status.UNSUBSCRIBED)
        self.assertEqual(set(known.lists.all()), {other_list, self.courses})
        self.assertEqual({tag.name for tag in known.tags.all()}, {"egresada", "aula-virtual"})
        self.assertEqual((known.consent_source, known.consent_text), ("form", CONSENT))
        self.assertEqual(Contact.objects.count(), 2)

    def test_a_suppressed_address_is_not_subscribed(self) -> None:
        Suppression.objects.create(email="ana.quispe@example.pe", reason="complained")
        self.assertEqual(self.send().status_code, 200)
        self.assertEqual(Contact.objects.get().status, Status.COMPLAINED)

    def test_with_double_opt_in_the_contact_waits_for_the_confirmation(self) -> None:
        self.form.double_opt_in = True
        self.form.sender = SenderIdentity.objects.create(
            from_name="Escuela", from_email="capacitacion@escuela.example.pe"
        )
        self.form.confirmation_template = html_template(
            "Confirmación", '<p><a href="{{ enlace_confirmar }}">Confirmar</a></p>'
        )
        self.form.save()
        response = self.send()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["message"], "¡Gracias! Le escribiremos pronto.")
        contact = Contact.objects.get()
        self.assertEqual((contact.status, list(contact.lists.all())), (Status.PENDING, []))
        self.assertEqual(Signup.objects.get().status, SignupStatus.PENDING)
        self.assertEqual(Message.objects.get().contact, contact)  # The confirmation, queued.
        self.assertEqual(PopupEvent.objects.get().contact, contact)

    def test_the_forms_defences_apply(self) -> None:
        # A robot filling the honeypot is thanked, and nothing is stored.
        response = self.send(website="https://spam.example")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Contact.objects.exists())
        self.assertFalse(PopupEvent.objects.exists())
        # Sent faster than the form's minimum time.
        self.form.min_fill_seconds = 30
        self.form.save()
        response = self.send()
        self.assertEqual(response.status_code, 422)
        self.assertIn("demasiado rápido", response.json()["detail"])
        self.assertEqual(response["Access-Control-Allow-Origin"], self.site.origin)
        self.assertFalse(Contact.objects.exists())

    def test_errors_in_spanish_and_nothing_saved(self) -> None:
        cases = {
            "no consent": (
                {"consent": False},
                "consent",
                "Marque la casilla para aceptar el uso que se dará a sus datos.",
            ),
            "bad address": ({"email": "ana@"}, "email", None),
            "long name": ({"first_name": "A" * 101}, "first_name", None),
        }
        for name, (fields, field, message) in cases.items():
            with self.subTest(name):
                response = self.send(**fields)
                self.assertEqual(response.status_code, 422)
                errors = response.json()["errors"]
                self.assertIn(field, errors)
                if message:
                    self.assertEqual(errors[field], [message])
        self.assertEqual(self.send(email="")["Access-Control-Allow-Origin"], self.site.origin)
        self.assertEqual(self.send(email="ana@").json()["detail"], "Corrija los campos señalados.")
        without_form = Popup.objects.create(name="x", title="x", is_published=True)
        for name, (fields, field) in {
            "a pop-up without a form": ({"p": without_form.pk}, "p"),
            "forged token": ({"t": "1-forged"}, "t"),
        }.items():
            with self.subTest(name):
                response = self.send(**fields)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.json()["errors"])
        self.assertEqual(
            self.post("f", {"p": self.popup.pk, "email": "a@example.pe"}, ELSEWHERE).status_code,
            403,
        )
        self.assertFalse(Contact.objects.exists())
        self.assertFalse(PopupEvent.objects.exists())
        self.assertFalse(Tag.objects.filter(contacts__isnull=False).exists())

    def test_a_withdrawn_form_is_not_taken(self) -> None:
        self.form.is_active = False
        self.form.updated_at = timezone.now()
        self.form.save()
        config.forget()
        response = self.send(stamp="")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Contact.objects.exists())

    def test_the_stamp_is_fresh_for_the_popups_form_only(self) -> None:
        response = self.ask_stamp(self.popup.pk)
        self.assertEqual(response["Access-Control-Allow-Origin"], self.site.origin)
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertIsNotNone(defences.stamped_at(self.form.pk, response.json()["stamp"]))
        without_form = Popup.objects.create(name="x", title="x", is_published=True)
        config.forget()
        for popup_id in (without_form.pk, "x", ""):
            with self.subTest(popup_id):
                response = self.ask_stamp(popup_id)
                self.assertEqual(response.status_code, 400)
                self.assertIn("p", response.json()["errors"])
        self.assertEqual(self.ask_stamp(self.popup.pk, ELSEWHERE).status_code, 403)
        self.assertFalse(FormDay.objects.exists())  # The pop-up's view counts the form's.

    def test_a_view_of_the_popup_is_a_view_of_its_form(self) -> None:
        self.assertEqual(self.beacon("viewed", p=self.popup.pk).status_code, 204)
        self.beacon("closed", p=self.popup.pk)
        spool.flush()
        self.assertEqual(FormDay.objects.get(form=self.form).views, 1)
