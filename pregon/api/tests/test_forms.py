"""The signup forms' API: CRUD through the builder's form (bad input is a 422 with nothing
saved), publishing, deleting, the report and the signups, by role."""

import datetime

from django.conf import settings

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Contact, MailingList, Tag
from pregon.forms.emails import DEFAULT_NAME
from pregon.forms.models import FormDay, Signup, SignupForm
from pregon.popups.models import Popup
from pregon.testing.api import ApiTestCase
from pregon.testing.drafts import sender, template
from pregon.testing.signup_forms import CONSENT, PRIVACY, make_signup_form

UNKNOWN = "6f1c1f0e-0000-4000-8000-000000000000"


class FormsApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.form = make_signup_form(is_active=True)
        self.url = f"/forms/{self.form.code}"

    def assert_refused(self, response: object, *fields: str) -> dict:
        self.assertEqual(response.status_code, 422, response.content)
        body = response.json()
        self.assertTrue(body["detail"])
        for field in fields:
            self.assertIn(field, body["errors"])
        return body

    def test_it_lists_and_gets_forms(self) -> None:
        make_signup_form(name="Asesorías", slug="asesorias")
        body = self.call("GET", "/forms").json()
        self.assertEqual(body["count"], 2)
        self.assertEqual(
            [item["name"] for item in body["items"]], ["Asesorías", "Novedades de cursos"]
        )
        detail = self.call("GET", self.url).json()
        self.assertEqual(detail["code"], str(self.form.code))
        self.assertEqual(detail["page_url"], f"{settings.SITE_URL}/f/novedades")
        self.assertIn('data-pregon-form="novedades"', detail["embed_code"])
        self.assertEqual(detail["fields"], [{"key": "first_name", "required": False}])
        self.assertTrue(detail["is_published"])
        self.assertEqual(self.call("GET", f"/forms/{UNKNOWN}").status_code, 404)
        self.assertEqual(self.call("GET", "/forms/nope").status_code, 404)

    def test_it_creates_a_form_as_the_builder_checks_it(self) -> None:
        courses = MailingList.objects.create(name="Cursos", is_topic=True, public_name="Cursos")
        Tag.objects.create(name="web")
        identity = sender()
        payload = {
            "name": "Cursos 2027",
            "title": "Reciba los cursos de 2027",
            "fields": [
                {"key": "last_name", "required": True},
                {"key": "first_name"},
            ],
            "lists": [str(courses.code)],
            "choose_lists": True,
            "tags": ["web"],
            "consent_text": CONSENT,
            "privacy_url": PRIVACY,
            "sender": str(identity.code),
            "confirmation_subject": "Confirme su suscripción",
            "is_published": True,
        }
        response = self.call("POST", "/forms", payload)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["slug"], "cursos-2027")
        self.assertEqual(body["lists"], [str(courses.code)])
        self.assertEqual(body["tags"], ["web"])
        self.assertTrue(body["double_opt_in"])
        self.assertTrue(body["is_published"])
        form = SignupForm.objects.get(code=body["code"])
        self.assertEqual(form.created_by, self.bob)
        self.assertEqual(
            form.fields,
            [{"key": "last_name", "required": True}, {"key": "first_name", "required": False}],
        )
        self.assertEqual(form.confirmation_template.name, DEFAULT_NAME)
        self.assertEqual(body["confirmation_template"], str(form.confirmation_template.code))
        self.assertTrue(
            AuditEntry.objects.filter(action=AuditAction.FORM_CHANGED, target="Cursos 2027")
        )

    def test_bad_input_is_refused_by_field_with_nothing_saved(self) -> None:
        no_link = template("Sin enlace")
        base = {"name": "X", "title": "X", "consent_text": CONSENT, "privacy_url": PRIVACY}
        cases = [
            ({"consent_text": ""}, "consent_text"),
            ({"privacy_url": "no es una dirección"}, "privacy_url"),
            ({"slug": "novedades"}, "slug"),
            ({"fields": [{"key": "dni"}]}, "fields"),
            ({"fields": [{"key": "phone"}, {"key": "phone"}]}, "fields"),
            ({"lists": [UNKNOWN]}, "lists"),
            ({"tags": ["no existe"]}, "tags"),
            ({"sender": UNKNOWN}, "sender"),
            (
                {"sender": str(sender().code), "confirmation_template": str(no_link.code)},
                "confirmation_template",
            ),
            ({"colour": "red"}, "colour"),
        ]
        for change, field in cases:
            with self.subTest(field=field):
                payload = {**base, "double_opt_in": False, **change}
                if field in ("sender", "confirmation_template"):
                    payload["double_opt_in"] = True
                    payload["confirmation_subject"] = "Confirme"
                self.assert_refused(self.call("POST", "/forms", payload), field)
        self.assertEqual(SignupForm.objects.count(), 1)
        self.assertEqual(self.call("POST", "/forms", {**base, "no": 1}).status_code, 422)
        self.assertEqual(SignupForm.objects.count(), 1)

    def test_it_updates_only_the_keys_sent_and_withdraws(self) -> None:
        response = self.call("PATCH", self.url, {"title": "Nuevo título", "is_published": False})
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["title"], body["is_published"]), ("Nuevo título", False))
        self.assertEqual(body["consent_text"], CONSENT)
        self.form.refresh_from_db()
        self.assertFalse(self.form.is_active)
        entry = AuditEntry.objects.get(action=AuditAction.FORM_CHANGED)
        self.assertEqual((entry.actor, entry.detail["change"]), (self.bob, "withdrawn"))
        self.assert_refused(self.call("PATCH", self.url, {"double_opt_in": True}), "sender")
        self.form.refresh_from_db()
        self.assertFalse(self.form.double_opt_in)

    def test_a_deleted_custom_field_does_not_block_a_change(self) -> None:
        self.form.fields = [{"key": "field:dni", "required": True}, {"key": "first_name"}]
        self.form.save()
        response = self.call("PATCH", self.url, {"title": "Otro título"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["fields"], [{"key": "first_name", "required": False}])

    def test_deleting_is_refused_while_a_popup_shows_it(self) -> None:
        popup = Popup.objects.create(name="Curso", title="Curso", signup_form=self.form)
        response = self.call("DELETE", self.url)
        self.assertEqual(response.status_code, 400)
        self.assertIn("“Curso”", response.json()["detail"])
        popup.delete()
        self.assertEqual(self.call("DELETE", self.url).status_code, 204)
        self.assertFalse(SignupForm.objects.exists())
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.DELETION).exists())

    def test_the_report_for_analysts_too(self) -> None:
        FormDay.objects.create(
            form=self.form, day=datetime.date(2026, 11, 2), views=20, submissions=4, confirmations=1
        )
        token = self.token_for(self.charlie)
        response = self.call("GET", f"{self.url}/report", token=token)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(
            body["figures"],
            {"views": 20, "submissions": 4, "confirmations": 1, "confirmation_rate": 25.0},
        )
        self.assertEqual(body["by_day"]["labels"], ["2026-11-02"])
        self.assertEqual(body["time_zone"], "America/Lima")
        # Signups and changes are for editors.
        self.assertEqual(self.call("GET", f"{self.url}/signups", token=token).status_code, 403)
        self.assertEqual(self.call("PATCH", self.url, {"title": "X"}, token=token).status_code, 403)
        self.assertEqual(self.call("POST", "/forms", {}, token=token).status_code, 403)

    def test_the_signups_latest_first(self) -> None:
        for n in range(3):
            contact = Contact.objects.create(email=f"p{n}@example.pe")
            Signup.objects.create(
                form=self.form,
                contact=contact,
                email=contact.email,
                consent_text=CONSENT,
                created_at=datetime.datetime(2026, 11, 1 + n, tzinfo=datetime.UTC),
            )
        body = self.call("GET", f"{self.url}/signups").json()
        self.assertEqual(
            [item["email"] for item in body["items"]],
            ["p2@example.pe", "p1@example.pe", "p0@example.pe"],
        )
        self.assertEqual(body["items"][0]["status"], "pending")
        self.assertEqual(body["items"][0]["channel"], "page")
