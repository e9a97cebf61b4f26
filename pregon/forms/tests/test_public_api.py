"""The public API of signup forms (/api/v1/public/forms/<slug>), as the embed script and other
systems use it: the form's description (a view counted), submissions in a text/plain body
from any origin, errors as JSON, the limits per connection and address (100 submissions from
one address), the proof-of-work, and a form without double opt-in."""

import hashlib
import itertools
import time

import time_machine

from pregon.contacts.models import Contact, MailingList, Status
from pregon.forms import defences
from pregon.forms.models import FormDay, Signup, SignupStatus
from pregon.testing.signup_forms import make_signup_form
from pregon.testing.signup_public import SignupTestCase, double_opt_in_form

ORIGIN = "https://www.escuela.example.pe"


def solve(stamp: str, email: str, bits: int = defences.POW_BITS) -> str:
    """What the browser's pow.js finds: the first number whose hash has ``bits`` zero bits."""
    for number in itertools.count():
        digest = hashlib.sha256(f"{stamp}:{email.strip().lower()}:{number}".encode()).digest()
        if int.from_bytes(digest[:4]) >> (32 - bits) == 0:
            return str(number)
    raise AssertionError


def in_one_limits_hour() -> time_machine.travel:
    """The clock moved to the first second of the next of the limits' hours (they start on
    the hour, ``defences``), ticking: what the test sends then counts in one hour, never
    in two because the real one ended half-way through."""
    next_hour = (time.time() // defences.HOUR + 1) * defences.HOUR + 1
    return time_machine.travel(next_hour, tick=True)


class PublicApiTestCase(SignupTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.form = double_opt_in_form(lists=[MailingList.objects.create(name="Cursos")])

    def test_the_description_is_open_to_any_site_and_counts_a_view(self) -> None:
        response = self.visitor.get("/api/v1/public/forms/novedades", HTTP_ORIGIN=ORIGIN)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        body = response.json()
        self.assertEqual(body["title"], "Reciba las novedades de nuestros cursos")
        self.assertEqual(body["fields"][0]["name"], "first_name")
        self.assertEqual(body["honeypot"], "website")
        self.assertEqual(body["pow"], 0)
        self.assertEqual(body["submit_url"], "http://127.0.0.1:8000/api/v1/public/forms/novedades")
        self.assertEqual(FormDay.objects.get().views, 1)
        preflight = self.visitor.options("/api/v1/public/forms/novedades", HTTP_ORIGIN=ORIGIN)
        self.assertEqual(preflight.status_code, 204)
        self.assertEqual(preflight["Access-Control-Allow-Methods"], "GET, POST")

    def test_the_routes_are_documented_without_a_token(self) -> None:
        document = self.visitor.get("/api/v1/openapi.json").json()
        route = document["paths"]["/api/v1/public/forms/{slug}"]
        self.assertEqual(sorted(route), ["get", "post"])
        self.assertNotIn("security", route["post"])
        self.assertIn("429", route["post"]["responses"])

    def test_an_unpublished_form_is_not_found(self) -> None:
        self.form.is_active = False
        self.form.save()
        self.assertEqual(self.visitor.get("/api/v1/public/forms/novedades").status_code, 404)
        response = self.api_post(self.form, {"email": "ana@example.pe"}, stamp=False)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Contact.objects.exists())

    def test_a_submission_from_another_site(self) -> None:
        body = {"email": "ana@example.pe", "first_name": "Ana", "consent": True, "channel": "embed"}
        response = self.api_post(self.form, body, HTTP_ORIGIN=ORIGIN)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertTrue(response.json()["ok"])
        self.assertIn("Le hemos enviado un correo", response.json()["message"])
        signup = Signup.objects.get()
        self.assertEqual((signup.channel, signup.status), ("embed", SignupStatus.PENDING))
        self.assertEqual([m.recipient for m in self.delivered()], ["ana@example.pe"])

    def test_errors_by_field_and_nothing_stored(self) -> None:
        cases = [
            ({"consent": True}, "email", "Falta el correo electrónico."),
            ({"email": "ana@@example", "consent": True}, "email", None),
            ({"email": "ana@example.pe"}, "consent", "Marque la casilla"),
            ({"email": "ana@yopmail.com", "consent": True}, "email", "desechables"),
        ]
        for body, field, words in cases:
            response = self.api_post(self.form, body, HTTP_ORIGIN=ORIGIN)
            self.assertEqual(response.status_code, 422)
            self.assertEqual(response["Access-Control-Allow-Origin"], "*")
            self.assertEqual(response.json()["detail"], "Corrija los campos señalados.")
            self.assertIn(field, response.json()["errors"])
            if words:
                self.assertIn(words, response.json()["errors"][field][0])
        response = self.api_post(
            self.form, {"email": "ana@example.pe", "consent": True}, stamp=False
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("Vuelva a cargar la página", response.json()["detail"])
        self.assertFalse(Contact.objects.exists())
        self.assertFalse(Signup.objects.exists())
        self.assertEqual(self.delivered(), [])

    def test_the_honeypot_is_answered_as_a_success(self) -> None:
        body = {"email": "victima@example.pe", "consent": True, "website": "http://x.example"}
        response = self.api_post(self.form, body)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.json()["ok"])
        self.assertFalse(Contact.objects.exists())
        self.assertEqual(self.delivered(), [])

    def test_a_hundred_submissions_from_one_address(self) -> None:
        with in_one_limits_hour():
            answers = [
                self.api_post(self.form, {"email": f"persona{n}@example.pe", "consent": True})
                for n in range(100)
            ]
            statuses = [answer.status_code for answer in answers]
            self.assertEqual(
                statuses, [200] * defences.PER_IP_HOUR + [429] * (100 - defences.PER_IP_HOUR)
            )
            self.assertEqual(
                answers[-1].json()["detail"],
                "Se enviaron demasiadas suscripciones desde su conexión o para esta dirección. "
                "Inténtelo de nuevo en una hora.",
            )
            # The refused ones stored nothing and mailed nobody.
            self.assertEqual(Signup.objects.count(), defences.PER_IP_HOUR)
            self.assertEqual(Contact.objects.count(), defences.PER_IP_HOUR)
            self.assertEqual(len(self.delivered()), defences.PER_IP_HOUR)
            self.assertEqual(FormDay.objects.get().submissions, defences.PER_IP_HOUR)

    def test_one_address_is_mailed_once_however_often_it_is_sent(self) -> None:
        with in_one_limits_hour():
            answers = [
                self.api_post(
                    self.form,
                    {"email": "victima@example.pe", "consent": True},
                    REMOTE_ADDR=f"10.0.0.{n}",
                )
                for n in range(1, 8)
            ]
            self.assertEqual(
                [a.status_code for a in answers], [200] * defences.PER_EMAIL_HOUR + [429, 429]
            )
            self.assertEqual(len(self.delivered()), 1)
            self.assertEqual(Signup.objects.count(), 1)

    def test_one_confirmation_per_address_whatever_the_form(self) -> None:
        # A robot types the victim's address into every form of the site, from many
        # connections: one email, and the signups wait (each one's reminder will carry it).
        forms = [self.form, *(double_opt_in_form(slug=f"otro-{n}") for n in (1, 2))]
        answers = [
            self.api_post(
                form, {"email": "victima@example.pe", "consent": True}, REMOTE_ADDR=f"10.0.1.{n}"
            )
            for n, form in enumerate(forms, start=1)
        ]
        self.assertEqual([a.status_code for a in answers], [200, 200, 200])
        self.assertEqual(len({a.json()["message"] for a in answers}), 1)
        self.assertEqual([m.recipient for m in self.delivered()], ["victima@example.pe"])
        self.assertEqual(Signup.objects.filter(status=SignupStatus.PENDING).count(), 3)

    def test_the_proof_of_work_is_checked(self) -> None:
        self.form.proof_of_work = True
        self.form.save()
        with self.subTest("described"):
            self.assertEqual(
                self.visitor.get("/api/v1/public/forms/novedades").json()["pow"],
                defences.POW_BITS,
            )
        response = self.api_post(
            self.form, {"email": "ana@example.pe", "consent": True, "pow": "1"}
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("comprobación de seguridad", response.json()["detail"])
        self.assertFalse(Contact.objects.exists())

        # The browser solves the challenge of the stamp it was given, for this address.
        with time_machine.travel(self.shown_at, tick=False):
            description = self.visitor.get("/api/v1/public/forms/novedades").json()
        answer = solve(description["stamp"], " Ana@Example.pe")
        body = {
            "email": " Ana@Example.pe",
            "consent": True,
            "stamp": description["stamp"],
            "pow": answer,
        }
        response = self.api_post(self.form, body, stamp=False)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(Contact.objects.get().email, "ana@example.pe")


class WithoutDoubleOptInTestCase(SignupTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = MailingList.objects.create(name="Cursos")
        self.form = make_signup_form(lists=[self.courses], min_fill_seconds=3)

    def test_the_contact_is_subscribed_at_once(self) -> None:
        body = {"email": "ana@example.pe", "first_name": "Ana", "consent": True}
        self.assertEqual(self.api_post(self.form, body).status_code, 200)
        contact = Contact.objects.get()
        self.assertEqual((contact.status, contact.first_name), (Status.SUBSCRIBED, "Ana"))
        self.assertEqual(list(contact.lists.all()), [self.courses])
        self.assertIsNone(contact.consent_confirmed_at)
        self.assertEqual(Signup.objects.get().status, SignupStatus.CONFIRMED)
        day = FormDay.objects.get()
        self.assertEqual((day.submissions, day.confirmations), (1, 1))
        self.assertEqual(self.delivered(), [])  # No welcome email set.

    def test_an_existing_contact_keeps_its_name_and_status(self) -> None:
        Contact.objects.create(
            email="ana@example.pe", first_name="Ana María", status=Status.UNSUBSCRIBED
        )
        body = {"email": "ana@example.pe", "first_name": "Otra", "consent": True}
        self.assertEqual(self.api_post(self.form, body).status_code, 200)
        contact = Contact.objects.get()
        self.assertEqual((contact.status, contact.first_name), (Status.UNSUBSCRIBED, "Ana María"))
        self.assertEqual(list(contact.lists.all()), [self.courses])
