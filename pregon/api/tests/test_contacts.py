from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import (
    ConsentSource,
    Contact,
    Field,
    FieldType,
    MailingList,
    Status,
    Tag,
)
from pregon.testing.api import ApiTestCase


class ContactsTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = MailingList.objects.create(name="Cursos virtuales")
        self.news = MailingList.objects.create(name="Boletín")
        Field.objects.create(key="dni", label="DNI", type=FieldType.TEXT)
        Field.objects.create(key="birthday", label="Birthday", type=FieldType.DATE)
        Field.objects.create(key="hours", label="Hours", type=FieldType.NUMBER)
        self.ana = Contact.objects.create(
            email="ana@example.pe", first_name="Ana", last_name="Quispe", attributes={"dni": "1"}
        )
        self.ana.lists.add(self.courses)
        self.ana.tags.add(Tag.objects.create(name="docente"))

    def test_it_creates_a_contact_validated_like_the_form(self) -> None:
        response = self.call(
            "POST",
            "/contacts",
            {
                "email": "  Luis@Example.PE ",
                "first_name": "Luis",
                "phone": "987 654 321",
                "fields": {"dni": "44556677", "birthday": "1990-04-01", "hours": "12.5"},
                "lists": [str(self.courses.code), str(self.news.code)],
                "tags": ["alumno", "docente"],
                "consent": {"source": "form", "text": "Acepto", "ip": "190.12.0.1"},
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        contact = Contact.objects.get(email="luis@example.pe")
        self.assertEqual(body["code"], str(contact.code))
        self.assertEqual(body["phone"], "+51987654321")
        self.assertEqual(
            body["fields"], {"dni": "44556677", "birthday": "1990-04-01", "hours": 12.5}
        )
        self.assertCountEqual(body["lists"], [str(self.courses.code), str(self.news.code)])
        self.assertEqual(body["tags"], ["alumno", "docente"])
        self.assertEqual(body["consent"]["source"], "form")
        self.assertEqual(body["consent"]["ip"], "190.12.0.1")
        self.assertIsNotNone(body["consent"]["at"])
        self.assertEqual(contact.status, Status.SUBSCRIBED)

    def test_a_contact_created_without_consent_details_came_through_the_api(self) -> None:
        response = self.call("POST", "/contacts", {"email": "rosa@example.pe"})
        self.assertEqual(response.json()["consent"]["source"], ConsentSource.API)

    def test_it_gets_a_contact_by_code(self) -> None:
        response = self.call("GET", f"/contacts/{self.ana.code}")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["email"], "ana@example.pe")
        self.assertEqual(body["lists"], [str(self.courses.code)])
        self.assertEqual(body["tags"], ["docente"])
        self.assertEqual(body["fields"], {"dni": "1"})
        self.assertIn("created_at", body)
        self.assertIn("updated_at", body)

    def test_unknown_and_malformed_codes_are_404_json(self) -> None:
        for code in ["6f1c1f0e-0000-4000-8000-000000000000", "not-a-code"]:
            response = self.call("GET", f"/contacts/{code}")
            self.assertEqual(response.status_code, 404)
            self.assertEqual(response.json()["errors"], {})
            self.assertTrue(response.json()["detail"])

    def test_patch_changes_only_the_keys_sent(self) -> None:
        response = self.call(
            "PATCH", f"/contacts/{self.ana.code}", {"last_name": "Mamani", "fields": {"hours": 3}}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.ana.refresh_from_db()
        self.assertEqual(self.ana.last_name, "Mamani")
        self.assertEqual(self.ana.first_name, "Ana")
        self.assertEqual(self.ana.attributes, {"dni": "1", "hours": 3})
        self.assertEqual(list(self.ana.lists.all()), [self.courses])
        self.assertEqual([t.name for t in self.ana.tags.all()], ["docente"])

    def test_patch_with_null_clears_a_custom_field(self) -> None:
        self.call("PATCH", f"/contacts/{self.ana.code}", {"fields": {"dni": None}})
        self.ana.refresh_from_db()
        self.assertEqual(self.ana.attributes, {})

    def test_put_replaces_the_contact_but_keeps_consent(self) -> None:
        Contact.objects.filter(pk=self.ana.pk).update(
            consent_source=ConsentSource.FORM, consent_text="Acepto"
        )
        response = self.call(
            "PUT", f"/contacts/{self.ana.code}", {"email": "ana@example.pe", "first_name": "Ana"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.ana.refresh_from_db()
        self.assertEqual(self.ana.last_name, "")
        self.assertEqual(self.ana.attributes, {})
        self.assertEqual(self.ana.lists.count(), 0)
        self.assertEqual(self.ana.tags.count(), 0)
        self.assertEqual(self.ana.consent_source, ConsentSource.FORM)
        self.assertEqual(self.ana.consent_text, "Acepto")

    def test_it_deletes_a_contact_and_audits_it(self) -> None:
        response = self.call("DELETE", f"/contacts/{self.ana.code}")
        self.assertEqual(response.status_code, 204)
        self.assertFalse(Contact.objects.filter(pk=self.ana.pk).exists())
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual(entry.actor, self.bob)
        self.assertEqual(entry.target, "ana@example.pe")
        self.assertEqual(self.call("DELETE", f"/contacts/{self.ana.code}").status_code, 404)

    def test_it_reports_bad_values_per_field(self) -> None:
        response = self.call(
            "POST",
            "/contacts",
            {
                "email": "not-an-address",
                "phone": "123",
                "lists": ["6f1c1f0e-0000-4000-8000-000000000000"],
                "fields": {"birthday": "soon", "shoe_size": 42},
                "status": "sleeping",
            },
        )
        self.assertEqual(response.status_code, 422)
        errors = response.json()["errors"]
        # The schema checks types before the form runs, so the bad status is the only error.
        self.assertEqual(list(errors), ["status"])
        self.assertIn("unsubscribed", errors["status"][0])

        response = self.call(
            "POST",
            "/contacts",
            {
                "email": "not-an-address",
                "phone": "123",
                "lists": ["6f1c1f0e-0000-4000-8000-000000000000", "garbage"],
                "fields": {"birthday": "soon", "shoe_size": 42},
            },
        )
        self.assertEqual(response.status_code, 422)
        body = response.json()
        self.assertTrue(body["detail"])
        errors = body["errors"]
        self.assertEqual(errors["email"], ["“not-an-address” is not a valid email address."])
        self.assertEqual(errors["phone"], ["“123” is not a valid phone number."])
        self.assertEqual(len(errors["lists"]), 1)
        self.assertEqual(errors["fields.birthday"], ["Enter a valid date."])
        self.assertEqual(errors["fields.shoe_size"], ["There is no custom field with this key."])
        self.assertEqual(Contact.objects.count(), 1)

    def test_an_unknown_list_is_named_in_the_error(self) -> None:
        code = "6f1c1f0e-0000-4000-8000-000000000000"
        response = self.call("POST", "/contacts", {"email": "x@example.pe", "lists": [code]})
        self.assertEqual(response.status_code, 422)
        self.assertIn(code, response.json()["errors"]["lists"][0])

    def test_a_duplicate_email_is_an_error_on_email(self) -> None:
        response = self.call("POST", "/contacts", {"email": "ANA@example.pe"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json()["errors"],
            {"email": ["Another contact already has this email address."]},
        )
        luis = Contact.objects.create(email="luis@example.pe")
        response = self.call("PATCH", f"/contacts/{luis.code}", {"email": "ana@example.pe"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("email", response.json()["errors"])

    def test_schema_errors_take_the_same_shape(self) -> None:
        response = self.call(
            "POST", "/contacts", {"first_name": ["Ana"], "consent": {"ip": "nowhere"}, "x": 1}
        )
        self.assertEqual(response.status_code, 422)
        errors = response.json()["errors"]
        self.assertEqual(errors["email"], ["This field is required."])
        self.assertEqual(errors["first_name"], ["Enter a text value."])
        self.assertEqual(errors["consent.ip"], ["Enter a valid IPv4 or IPv6 address."])
        self.assertEqual(errors["x"], ["This field is not part of the API; check its spelling."])

    def test_a_body_that_is_not_json_is_a_400(self) -> None:
        response = self.client.post(
            "/api/v1/contacts",
            "{not json",
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.token}"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errors"], {})

    def test_script_tags_in_names_come_back_as_data(self) -> None:
        response = self.call(
            "POST",
            "/contacts",
            {"email": "x@example.pe", "first_name": "<script>alert(1)</script>"},
        )
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(response.json()["first_name"], "<script>alert(1)</script>")
        listed = self.call("GET", "/contacts", {"q": "x@example"}).json()["items"][0]
        self.assertEqual(listed["first_name"], "<script>alert(1)</script>")
