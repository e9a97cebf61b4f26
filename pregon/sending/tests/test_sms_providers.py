"""Twilio and Vonage gateways against a fake provider on 127.0.0.1 answering as their APIs
do; their receipts and replies through our public addresses."""

from django.test import TestCase, override_settings
from django.urls import reverse

from pregon.contacts.models import Contact
from pregon.sending import sms
from pregon.sending.models import GatewayKind, SmsQuotaDebit, SmsStatus
from pregon.sending.sms import sender
from pregon.sending.sms.gateways import twilio
from pregon.testing.providers import FakeProvider
from pregon.testing.sms import (
    TWILIO_SID,
    TWILIO_TOKEN,
    VONAGE_KEY,
    VONAGE_SECRET,
    provider_gateway,
    twilio_message,
)

SITE = "https://pregon.example.gob.pe"
SID = "SM" + "0f" * 16


@override_settings(SITE_URL=SITE)
class ProviderGatewayTestCase(TestCase):
    def setUp(self) -> None:
        self.provider = FakeProvider()
        self.addCleanup(self.provider.stop)
        self.ana = Contact.objects.create(
            email="ana@example.org", first_name="Ana", phone="+51987654321"
        )

    def test_twilio_sends_with_basic_auth_and_takes_the_sid(self) -> None:
        gateway = provider_gateway(GatewayKind.TWILIO, self.provider.url)
        message = sms.enqueue(self.ana, "Hola {{ nombre }}", "k1")
        self.provider.answer(201, twilio_message(SID))
        sender.send_due()
        [request] = self.provider.received
        self.assertEqual(request.path, f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json")
        self.assertTrue(request.headers["Authorization"].startswith("Basic "))
        form = request.form()
        self.assertEqual(
            (form["To"], form["From"], form["Body"]),
            (["+51987654321"], ["+15005550006"], ["Hola Ana"]),
        )
        receipt_url = SITE + reverse("tracking:sms_receipt", args=[gateway.code])
        self.assertEqual(form["StatusCallback"], [receipt_url])
        message.refresh_from_db()
        self.assertEqual((message.status, message.gateway_message_id), (SmsStatus.SENT, SID))

        # Twilio's signed status callback marks it delivered; an unsigned one is refused.
        fields = {
            "MessageSid": SID,
            "MessageStatus": "delivered",
            "AccountSid": TWILIO_SID,
            "To": "+51987654321",
        }
        path = reverse("tracking:sms_receipt", args=[gateway.code])
        self.assertEqual(self.client.post(path, fields).status_code, 404)
        signed = twilio.signature(TWILIO_TOKEN, SITE + path, fields)
        response = self.client.post(path, fields, headers={"X-Twilio-Signature": signed})
        self.assertEqual(response.json(), {"updated": 1})
        message.refresh_from_db()
        self.assertEqual(message.status, SmsStatus.DELIVERED)

    def test_twilio_refusing_an_invalid_number_fails_with_its_words(self) -> None:
        provider_gateway(GatewayKind.TWILIO, self.provider.url)
        message = sms.enqueue(self.ana, "Hola", "k1")
        self.provider.answer(
            400,
            {
                "code": 21211,
                "message": "The 'To' number +51987654321 is not a valid phone number.",
                "more_info": "https://www.twilio.com/docs/errors/21211",
                "status": 400,
            },
        )
        sender.send_due()
        message.refresh_from_db()
        self.assertEqual(message.status, SmsStatus.FAILED)
        self.assertIn("21211: The 'To' number", message.reply)
        self.assertNotIn(TWILIO_TOKEN, message.reply)
        self.assertFalse(SmsQuotaDebit.objects.exists())

    def test_twilio_stop_reply_opts_out(self) -> None:
        gateway = provider_gateway(GatewayKind.TWILIO, self.provider.url)
        path = reverse("tracking:sms_inbound", args=[gateway.code])
        fields = {"From": "+51987654321", "To": "+15005550006", "Body": "STOP", "MessageSid": SID}
        signed = twilio.signature(TWILIO_TOKEN, SITE + path, fields)
        self.client.post(path, fields, headers={"X-Twilio-Signature": signed})
        self.ana.refresh_from_db()
        self.assertIsNotNone(self.ana.sms_opted_out_at)

    def test_vonage_sends_unicode_for_accents_and_takes_the_message_id(self) -> None:
        gateway = provider_gateway(GatewayKind.VONAGE, self.provider.url)
        message = sms.enqueue(self.ana, "Inscripción abierta", "k1")
        self.provider.answer(
            200,
            {
                "message-count": "1",
                "messages": [
                    {
                        "to": "51987654321",
                        "message-id": "0C000000217B7F02",
                        "status": "0",
                        "remaining-balance": "15.53590000",
                        "message-price": "0.03330000",
                        "network": "71610",
                    }
                ],
            },
        )
        sender.send_due()
        form = self.provider.received[0].form()
        self.assertEqual(self.provider.received[0].path, "/sms/json")
        self.assertEqual((form["to"], form["type"]), (["51987654321"], ["unicode"]))
        self.assertEqual((form["api_key"], form["api_secret"]), ([VONAGE_KEY], [VONAGE_SECRET]))
        message.refresh_from_db()
        self.assertEqual(
            (message.status, message.gateway_message_id), (SmsStatus.SENT, "0C000000217B7F02")
        )
        self.assertEqual(message.encoding, "ucs2")

        path = reverse("tracking:sms_receipt", args=[gateway.code])
        receipt = {
            "msisdn": "51987654321",
            "to": "PREGON",
            "network-code": "71610",
            "messageId": "0C000000217B7F02",
            "price": "0.03330000",
            "status": "failed",
            "scts": "2612052051",
            "err-code": "1",
            "api-key": VONAGE_KEY,
            "message-timestamp": "2026-12-05 20:51:00",
        }
        self.assertEqual(self.client.get(path, {**receipt, "api-key": "wrongkey"}).status_code, 404)
        self.client.get(path, receipt)
        message.refresh_from_db()
        self.assertEqual(
            (message.status, message.reply), (SmsStatus.UNDELIVERED, "failed (err-code 1)")
        )

    def test_vonage_throttled_is_retried_and_bad_credentials_fail(self) -> None:
        provider_gateway(GatewayKind.VONAGE, self.provider.url)
        message = sms.enqueue(self.ana, "Hola", "k1")
        self.provider.answer(
            200,
            {
                "message-count": "1",
                "messages": [
                    {
                        "status": "1",
                        "error-text": "Throughput Rate Exceeded - please wait [ 1000 ] and retry",
                    }
                ],
            },
        )
        sender.send_due()
        message.refresh_from_db()
        self.assertEqual((message.status, message.attempts), (SmsStatus.QUEUED, 1))
        self.assertIn("Throughput Rate Exceeded", message.reply)
        other = sms.enqueue(self.ana, "Hola", "k2")
        self.provider.answer(
            200,
            {"message-count": "1", "messages": [{"status": "4", "error-text": "Bad Credentials"}]},
        )
        sender.send_due()
        other.refresh_from_db()
        self.assertEqual(other.status, SmsStatus.FAILED)
        self.assertIn("4: Bad Credentials", other.reply)

    def test_vonage_inbound_baja(self) -> None:
        gateway = provider_gateway(GatewayKind.VONAGE, self.provider.url)
        path = reverse("tracking:sms_inbound", args=[gateway.code])
        body = {
            "msisdn": "51987654321",
            "to": "51900000000",
            "messageId": "0A0000000123ABCD1",
            "text": "Baja",
            "type": "text",
            "keyword": "BAJA",
            "api-key": VONAGE_KEY,
            "message-timestamp": "2026-12-05 20:52:00",
        }
        self.client.post(path, body, content_type="application/json")
        self.ana.refresh_from_db()
        self.assertIsNotNone(self.ana.sms_opted_out_at)
