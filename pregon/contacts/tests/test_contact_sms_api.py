"""The API reads a contact's sms_opted_out_at and changes it with sms_opt_out, through the
function the contact screen uses: on create, update, replace and bulk upsert."""

from pregon.contacts.models import Contact, SmsChoice, SmsVia
from pregon.testing.api import ApiTestCase


class ContactSmsApiTestCase(ApiTestCase):
    def test_create_stopped_then_resume_with_patch(self) -> None:
        response = self.call("POST", "/contacts", {"email": "ana@example.pe", "sms_opt_out": True})
        self.assertEqual(response.status_code, 201, response.content)
        code = response.json()["code"]
        self.assertIsNotNone(response.json()["sms_opted_out_at"])
        response = self.call("PATCH", f"/contacts/{code}", {"sms_opt_out": False})
        self.assertIsNone(response.json()["sms_opted_out_at"])
        self.assertEqual(
            [(c.is_opted_out, c.via, c.by) for c in SmsChoice.objects.all()],
            [(True, SmsVia.API, self.bob), (False, SmsVia.API, self.bob)],
        )

    def test_leaving_it_out_changes_nothing(self) -> None:
        response = self.call("POST", "/contacts", {"email": "ana@example.pe", "sms_opt_out": True})
        code = response.json()["code"]
        at = response.json()["sms_opted_out_at"]
        # PUT replaces the contact; its SMS choice stays unless sent, as consent does.
        response = self.call("PUT", f"/contacts/{code}", {"email": "ana@example.pe"})
        self.assertEqual(response.json()["sms_opted_out_at"], at)
        response = self.call("PATCH", f"/contacts/{code}", {"first_name": "Ana"})
        self.assertEqual(response.json()["sms_opted_out_at"], at)
        self.assertEqual(SmsChoice.objects.count(), 1)

    def test_it_is_read_only_in_the_output(self) -> None:
        response = self.call(
            "POST",
            "/contacts",
            {"email": "ana@example.pe", "sms_opted_out_at": "2020-01-01T00:00:00Z"},
        )
        self.assertEqual(response.status_code, 422, response.content)
        self.assertFalse(Contact.objects.exists())

    def test_the_bulk_upsert_stops_and_resumes(self) -> None:
        Contact.objects.create(email="luis@example.pe")
        self.call("POST", "/contacts", {"email": "rosa@example.pe", "sms_opt_out": True})
        response = self.call(
            "POST",
            "/contacts/bulk",
            {
                "contacts": [
                    {"email": "luis@example.pe", "sms_opt_out": True},
                    {"email": "rosa@example.pe", "sms_opt_out": False},
                    {"email": "new@example.pe", "sms_opt_out": True},
                    {"email": "other@example.pe"},
                ]
            },
        )
        self.assertEqual(response.json(), {"created": 2, "updated": 2})
        opted_out = Contact.objects.exclude(sms_opted_out_at=None)
        self.assertEqual(
            sorted(opted_out.values_list("email", flat=True)),
            ["luis@example.pe", "new@example.pe"],
        )
