"""A contact's SMS choice on its page and form: a BAJA reply shows, staff resume SMS only
when the person asked (ticked), or stop them by hand; each change is in the history."""

import zoneinfo

from django.urls import reverse

from pregon.contacts import upsert
from pregon.contacts.models import Contact, SmsChoice, SmsVia
from pregon.contacts.segments import filter_contacts
from pregon.sending.sms import replies
from pregon.sending.sms.gateways import Inbound
from pregon.testing import BaseTestCase
from pregon.testing.sms import http_gateway


class ContactSmsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ana = Contact.objects.create(email="ana@example.pe", phone="+51987654321")
        self.client.force_login(self.bob)
        self.use_spanish()
        self.page = f"/contactos/{self.ana.code}/"
        self.resume = f"/contactos/{self.ana.code}/sms/reanudar/"
        self.stop = f"/contactos/{self.ana.code}/sms/dejar/"

    def reply_baja(self) -> None:
        """The person answers an SMS with BAJA, through the gateway's inbound address."""
        gateway = http_gateway("http://127.0.0.1:9/api")
        url = reverse("tracking:sms_inbound", args=[gateway.code])
        response = self.client.post(url, {"from": "987 654 321", "text": "BAJA"})
        self.assertEqual(response.json(), {"opted_out": 1})
        self.ana.refresh_from_db()

    def history(self) -> str:
        return self.client.get(f"/informes/contactos/{self.ana.code}/historial/").content.decode()

    def test_the_page_and_the_form_show_a_reply_opt_out_in_lima_time(self) -> None:
        self.reply_baja()
        at = self.ana.sms_opted_out_at
        for url in (self.page, f"/contactos/{self.ana.code}/editar/"):
            response = self.client.get(url)
            self.assertContains(response, "No recibe SMS desde el")
            self.assertContains(response, "(respondió BAJA o STOP).")
            self.assertContains(response, "America/Lima")
            self.assertContains(response, f'href="{self.resume}"')
        lima = at.astimezone(zoneinfo.ZoneInfo("America/Lima"))
        self.assertContains(self.client.get(self.page), f"a las {lima:%H:%M}")

    def test_resuming_needs_the_persons_request(self) -> None:
        self.reply_baja()
        response = self.client.post(self.resume, {"note": "Llamó"})
        self.assertContains(response, "Marque la casilla solo si la persona pidió")
        self.ana.refresh_from_db()
        self.assertIsNotNone(self.ana.sms_opted_out_at)
        self.assertEqual(
            [(c.is_opted_out, c.via) for c in SmsChoice.objects.all()], [(True, SmsVia.REPLY)]
        )

    def test_resuming_keeps_the_reply_and_the_request_in_the_history(self) -> None:
        self.reply_baja()
        replied_at = self.ana.sms_opted_out_at
        response = self.client.post(
            self.resume, {"confirmed": "on", "note": "Llamó el 5 de diciembre"}, follow=True
        )
        self.assertContains(response, "ana@example.pe vuelve a recibir SMS.")
        self.assertContains(response, "data-sms-allowed")
        self.ana.refresh_from_db()
        self.assertIsNone(self.ana.sms_opted_out_at)
        self.assertEqual(
            [(c.is_opted_out, c.via, c.by, c.note) for c in SmsChoice.objects.all()],
            [
                (True, SmsVia.REPLY, None, "BAJA"),
                (False, SmsVia.STAFF, self.bob, "Llamó el 5 de diciembre"),
            ],
        )
        self.assertEqual(SmsChoice.objects.first().at, replied_at)
        history = self.history()
        self.assertIn("Dejó de recibir SMS", history)
        self.assertIn("respondió BAJA o STOP", history)
        self.assertIn("Vuelve a recibir SMS", history)
        self.assertIn("por el personal: bob@example.org — Llamó el 5 de diciembre", history)

    def test_staff_stop_sms_by_hand(self) -> None:
        self.client.post(self.stop, {"note": "Lo pidió por correo"})
        self.ana.refresh_from_db()
        self.assertIsNotNone(self.ana.sms_opted_out_at)
        response = self.client.get(self.page)
        self.assertContains(response, f"(por el personal: {self.bob.email}).")
        self.assertIn("Lo pidió por correo", self.history())
        # Stopping again changes nothing, and says so.
        response = self.client.post(self.stop, {}, follow=True)
        self.assertContains(response, "No cambió nada")
        self.assertEqual(SmsChoice.objects.count(), 1)

    def test_a_contact_who_gets_sms_cannot_be_resumed(self) -> None:
        response = self.client.post(self.resume, {"confirmed": "on"}, follow=True)
        self.assertContains(response, "No cambió nada")
        self.assertFalse(SmsChoice.objects.exists())

    def test_analysts_and_outsiders_may_not(self) -> None:
        self.client.force_login(self.charlie)
        for url in (self.stop, self.resume):
            self.assertEqual(self.client.post(url, {"confirmed": "on"}).status_code, 403)
        self.ana.refresh_from_db()
        self.assertIsNone(self.ana.sms_opted_out_at)

    def test_a_segment_finds_who_gets_no_sms(self) -> None:
        Contact.objects.create(email="luis@example.pe", phone="+51987654322")
        self.reply_baja()
        rules = {
            "match": "all",
            "rules": [{"field": "sms_opted_out_at", "operator": "is_not_empty", "value": None}],
        }
        self.assertEqual(
            list(filter_contacts(rules).values_list("email", flat=True)), [self.ana.email]
        )


class SmsChoiceRaceTestCase(BaseTestCase):
    def test_a_contact_saved_from_data_read_before_a_baja_reply_keeps_the_opt_out(self) -> None:
        # The contact screen and the API read the contact, check the data, then save it:
        # a BAJA reply handled in between must not be written back as "receives SMS".
        ana = Contact.objects.create(email="ana@example.pe", phone="+51987654321")
        form, errors = upsert.build_form(
            {"first_name": "Ana María"}, ana, replace=False, custom_keys=set()
        )
        self.assertTrue(form.is_valid() and not errors, form.errors)
        self.assertEqual(replies.handle_reply(Inbound("+51987654321", "BAJA")), 1)
        form.save()
        ana.refresh_from_db()
        self.assertEqual(ana.first_name, "Ana María")
        self.assertIsNotNone(ana.sms_opted_out_at)
