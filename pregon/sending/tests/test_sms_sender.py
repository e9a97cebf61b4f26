"""The SMS sender through the generic HTTP gateway, against a real HTTP server on 127.0.0.1:
personalised, links shortened, sent once, debited only on acceptance, retried on a 500."""

import datetime
import json

import time_machine
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from pregon.contacts.models import Contact
from pregon.sending import sms
from pregon.sending.models import SmsMessage, SmsQuotaDebit, SmsStatus
from pregon.sending.sms import quota as sms_quota
from pregon.sending.sms import sender
from pregon.testing.providers import FakeProvider
from pregon.testing.sms import GATEWAY_SECRET, http_gateway


@override_settings(SMS_QUOTA_MONTHLY=100, SITE_URL="https://pregon.example.gob.pe")
class SmsSenderTestCase(TestCase):
    def setUp(self) -> None:
        self.provider = FakeProvider()
        self.addCleanup(self.provider.stop)
        self.gateway = http_gateway(self.provider.url + "/api/sms")
        self.ana = Contact.objects.create(
            email="ana@example.org", first_name="Ana", phone="+51987654321"
        )

    def test_it_sends_personalised_with_short_links_and_debits_the_parts(self) -> None:
        message = sms.enqueue(
            self.ana, "Hola {{ nombre }}, su curso: https://aula.example.gob.pe/curso/7", "k1"
        )
        self.provider.answer(200, {"id": "gw-123", "status": "accepted"})
        self.assertTrue(sender.send_due())
        self.assertFalse(sender.send_due())  # Nothing left: the first was sent once.
        [request] = self.provider.received
        self.assertEqual(request.headers["Authorization"], GATEWAY_SECRET)
        sent = request.json()
        self.assertEqual(sent["to"], "+51987654321")
        self.assertTrue(sent["message"].startswith("Hola Ana, su curso: https://pregon.example"))
        self.assertNotIn("aula.example", sent["message"])
        self.assertEqual(sent["ref"], message.code.hex)
        message.refresh_from_db()
        self.assertEqual(
            (message.status, message.gateway_message_id, message.segments),
            (SmsStatus.SENT, "gw-123", 1),
        )
        self.assertEqual(message.links, ["https://aula.example.gob.pe/curso/7"])
        self.assertEqual(sms_quota.balance(), 99)
        # The short link leads to the message's own link.
        path = sent["message"].split("https://pregon.example.gob.pe")[1]
        response = self.client.get(path)
        self.assertRedirects(
            response, "https://aula.example.gob.pe/curso/7", fetch_redirect_response=False
        )
        message.refresh_from_db()
        self.assertIsNotNone(message.clicked_at)

    def test_a_forged_short_link_is_not_found(self) -> None:
        sms.enqueue(self.ana, "Vea https://aula.example.gob.pe/", "k1")
        self.provider.answer(200, {"id": "gw-1"})
        sender.send_due()
        path = json.loads(self.provider.received[0].body)["message"].split(".pe")[1]
        self.assertEqual(self.client.get(path[:-3] + "aaa").status_code, 404)
        self.assertEqual(self.client.get("/s/zz-notatoken").status_code, 404)

    def test_a_gateway_answering_500_is_retried_then_fails_with_the_reason_unbilled(self) -> None:
        message = sms.enqueue(self.ana, "Clase mañana", "k1")
        start = timezone.now()
        for attempt in range(6):
            self.provider.answer(500, {"error": "Internal Server Error"})
            with time_machine.travel(start + datetime.timedelta(days=attempt), tick=False):
                self.assertTrue(sender.send_due())
            message.refresh_from_db()
            if attempt < 5:
                self.assertEqual(
                    (message.status, message.attempts), (SmsStatus.QUEUED, attempt + 1)
                )
        self.assertEqual(message.status, SmsStatus.FAILED)
        self.assertIn("500", message.reply)
        self.assertIn("Internal Server Error", message.reply)
        self.assertNotIn(GATEWAY_SECRET, message.reply)
        self.assertFalse(SmsQuotaDebit.objects.exists())
        self.assertEqual(len(self.provider.received), 6)

    def test_a_refusal_4xx_fails_at_once_with_the_reason(self) -> None:
        message = sms.enqueue(self.ana, "Hola", "k1")
        self.provider.answer(400, {"error": "invalid destination"})
        sender.send_due()
        message.refresh_from_db()
        self.assertEqual(message.status, SmsStatus.FAILED)
        self.assertIn("invalid destination", message.reply)
        self.assertFalse(SmsQuotaDebit.objects.exists())

    def test_a_contact_who_opted_out_after_queueing_is_skipped(self) -> None:
        message = sms.enqueue(self.ana, "Hola", "k1")
        Contact.objects.filter(pk=self.ana.pk).update(sms_opted_out_at=timezone.now())
        sender.send_due()
        message.refresh_from_db()
        self.assertEqual(message.status, SmsStatus.SKIPPED)
        self.assertEqual(self.provider.received, [])

    def test_it_waits_for_not_before_and_for_the_balance(self) -> None:
        later = timezone.now() + datetime.timedelta(hours=9)
        sms.enqueue(self.ana, "Mañana", "k1", not_before=later)
        self.assertFalse(sender.send_due())
        SmsQuotaDebit.objects.create(count=100)
        sms.enqueue(self.ana, "Hoy", "k2")
        self.assertFalse(sender.send_due())  # No SMS left this month.
        self.assertEqual(self.provider.received, [])
        self.assertEqual(SmsMessage.objects.filter(status=SmsStatus.QUEUED).count(), 2)

    def test_a_dead_workers_lease_is_reclaimed_and_sent_once(self) -> None:
        message = sms.enqueue(self.ana, "Hola", "k1")
        sender._claim(10)  # A worker claims it, then dies before sending.
        self.assertFalse(sender.send_due())
        with time_machine.travel(timezone.now() + sender.LEASE * 2, tick=False):
            self.assertEqual(sender.reclaim_expired_leases(), 1)
            self.provider.answer(200, {"id": "gw-9"})
            call_command("runsmssender", "--once")
        message.refresh_from_db()
        self.assertEqual(message.status, SmsStatus.SENT)
        self.assertEqual(len(self.provider.received), 1)
        self.assertEqual(SmsQuotaDebit.objects.get().count, 1)
