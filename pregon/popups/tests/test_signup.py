"""POST /p/f/<site key>: a pop-up's form makes or updates a contact, with its list, tags and
consent, without telling whether the address was known; errors in Spanish, nothing saved."""

from pregon.contacts.models import Contact, MailingList, Status, Suppression, Tag
from pregon.popups.models import Popup, PopupEvent, PopupEventKind
from pregon.testing.popup_public import ELSEWHERE, PublicTestCase

CONSENT = "Acepto que la Escuela use mis datos para informarme de sus cursos (Ley 29733)."


class SignupTestCase(PublicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = MailingList.objects.create(name="Interesados en cursos")
        self.popup.has_form = True
        self.popup.form_list = self.courses
        self.popup.consent_text = CONSENT
        self.popup.thanks_text = "¡Gracias! Le escribiremos pronto."
        self.popup.save()
        self.popup.form_tags.set([Tag.objects.create(name="aula-virtual")])

    def send(self, **fields: object) -> object:
        data = {
            "p": self.popup.pk,
            "email": " Ana.Quispe@Example.PE ",
            "first_name": "Ana",
            "last_name": "Quispe",
            "consent": True,
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
            response.json(), {"ok": True, "message": "¡Gracias! Le escribiremos pronto."}
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
        self.assertEqual(contact.consent_ip, "190.12.34.56")
        self.assertIsNotNone(contact.consent_at)
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
        # Staff's name stays, the empty one is filled; not subscribed again by a form.
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

    def test_errors_in_spanish_and_nothing_saved(self) -> None:
        cases = {
            "no consent": (
                {"consent": False},
                "consent",
                "Marque la casilla para aceptar el uso que se dará a sus datos.",
            ),
            "bad address": ({"email": "ana@"}, "email", None),
            "long name": ({"first_name": "A" * 101}, "first_name", None),
            "a pop-up without a form": (
                {"p": Popup.objects.create(name="x", title="x", is_published=True).pk},
                "p",
                None,
            ),
            "forged token": ({"t": "1-forged"}, "t", "Este código de identidad no es válido."),
        }
        for name, (fields, field, message) in cases.items():
            with self.subTest(name):
                response = self.send(**fields)
                self.assertEqual(response.status_code, 400)
                errors = response.json()["errors"]
                self.assertIn(field, errors)
                if message:
                    self.assertEqual(errors[field], [message])
        self.assertEqual(self.send(email="")["Access-Control-Allow-Origin"], self.site.origin)
        self.assertEqual(self.send(email="ana@").json()["detail"], "Corrija los campos señalados.")
        self.assertEqual(
            self.post("f", {"p": self.popup.pk, "email": "a@example.pe"}, ELSEWHERE).status_code,
            403,
        )
        self.assertFalse(Contact.objects.exists())
        self.assertFalse(PopupEvent.objects.exists())
        self.assertFalse(Tag.objects.filter(contacts__isnull=False).exists())

    def test_without_consent_wording_no_box_is_needed(self) -> None:
        Popup.objects.filter(pk=self.popup.pk).update(consent_text="")
        response = self.send(consent=False)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Contact.objects.get().consent_source, "form")
