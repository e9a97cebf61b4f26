"""Gateways' delivery receipts and replies: a receipt updates the SMS it names; "BAJA" or
"STOP" opts the phone out of SMS only."""

import uuid

from django.test import TestCase
from django.urls import reverse

from pregon.contacts.models import Contact, MailingList, Status, Subscription
from pregon.sending.models import SmsMessage, SmsStatus
from pregon.testing.sms import http_gateway


class SmsRepliesTestCase(TestCase):
    def setUp(self) -> None:
        self.gateway = http_gateway("http://127.0.0.1:9/api")
        self.ana = Contact.objects.create(email="ana@example.org", phone="+51987654321")
        self.sms = SmsMessage.objects.create(
            key="k1",
            contact=self.ana,
            phone=self.ana.phone,
            text="Hola",
            status=SmsStatus.SENT,
            gateway=self.gateway,
            gateway_message_id="gw-55",
        )

    def test_a_receipt_marks_the_sms_delivered(self) -> None:
        url = reverse("tracking:sms_receipt", args=[self.gateway.code])
        response = self.client.post(url, {"id": "gw-55", "status": "DELIVRD"})
        self.assertEqual(response.json(), {"updated": 1})
        self.sms.refresh_from_db()
        self.assertEqual(self.sms.status, SmsStatus.DELIVERED)
        self.assertIsNotNone(self.sms.delivered_at)

    def test_a_failure_receipt_in_json_marks_it_undelivered_with_the_reason(self) -> None:
        url = reverse("tracking:sms_receipt", args=[self.gateway.code])
        body = {"id": "gw-55", "status": "undelivered"}
        self.client.post(url, body, content_type="application/json")
        self.sms.refresh_from_db()
        self.assertEqual((self.sms.status, self.sms.reply), (SmsStatus.UNDELIVERED, "undelivered"))

    def test_an_unknown_gateway_is_not_found_and_changes_nothing(self) -> None:
        url = reverse("tracking:sms_receipt", args=[uuid.uuid4()])
        self.assertEqual(
            self.client.post(url, {"id": "gw-55", "status": "delivered"}).status_code, 404
        )
        self.sms.refresh_from_db()
        self.assertEqual(self.sms.status, SmsStatus.SENT)

    def test_baja_opts_the_phone_out_of_sms_only(self) -> None:
        newsletter = MailingList.objects.create(name="Boletín")
        Subscription.objects.create(contact=self.ana, mailing_list=newsletter)
        url = reverse("tracking:sms_inbound", args=[self.gateway.code])
        # The provider sends the number as the person's phone shows it.
        response = self.client.post(url, {"from": "987 654 321", "text": " baja."})
        self.assertEqual(response.json(), {"opted_out": 1})
        self.ana.refresh_from_db()
        self.assertIsNotNone(self.ana.sms_opted_out_at)
        self.assertEqual(self.ana.status, Status.SUBSCRIBED)
        self.assertTrue(Subscription.objects.filter(contact=self.ana).exists())

    def test_stop_works_and_other_replies_change_nothing(self) -> None:
        url = reverse("tracking:sms_inbound", args=[self.gateway.code])
        self.client.post(url, {"from": "+51987654321", "text": "Gracias, ahí estaré"})
        self.ana.refresh_from_db()
        self.assertIsNone(self.ana.sms_opted_out_at)
        self.client.get(url, {"from": "+51987654321", "text": "STOP"})
        self.ana.refresh_from_db()
        self.assertIsNotNone(self.ana.sms_opted_out_at)
