"""A gateway's delivery receipt, coming to its web address, announces the SMS's delivery or
failure as an event (``message.delivered``, ``message.bounced``) with "channel": "sms", which
a subscribed webhook endpoint queues; an email's payload is unchanged."""

from django.urls import reverse

from pregon.contacts.models import Contact
from pregon.lib import events
from pregon.sending.models import SmsMessage, SmsStatus
from pregon.testing import BaseTestCase
from pregon.testing.sms import http_gateway
from pregon.webhooks.models import AllowedHost, Delivery


class SmsReceiptEventsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
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
            campaign_id=12,
        )
        AllowedHost.objects.create(name="127.0.0.1")
        self.client.force_login(self.alice)
        self.client.post(
            "/webhooks/nuevo/",
            {
                "url": "http://127.0.0.1:9/hooks",
                "events": [events.MESSAGE_DELIVERED, events.MESSAGE_BOUNCED],
            },
        )
        self.client.logout()
        self.url = reverse("tracking:sms_receipt", args=[self.gateway.code])

    def payloads(self) -> list[tuple[str, dict]]:
        found = Delivery.objects.order_by("pk").values_list("event", "payload")
        return [(name, {k: v for k, v in payload.items() if k != "at"}) for name, payload in found]

    def test_a_delivery_receipt_emits_message_delivered(self) -> None:
        self.client.post(self.url, {"id": "gw-55", "status": "delivered"})
        expected = {
            "message": None,
            "sms": self.sms.pk,
            "contact": self.ana.pk,
            "campaign": 12,
            "workflow": None,
            "channel": "sms",
        }
        self.assertEqual(self.payloads(), [(events.MESSAGE_DELIVERED, expected)])
        # The provider calling again with the same receipt announces nothing more.
        self.client.post(self.url, {"id": "gw-55", "status": "delivered"})
        self.assertEqual(Delivery.objects.count(), 1)

    def test_a_failure_receipt_emits_message_bounced_with_the_reason(self) -> None:
        self.client.post(self.url, {"id": "gw-55", "status": "rejected"})
        [(name, payload)] = self.payloads()
        self.assertEqual(name, events.MESSAGE_BOUNCED)
        self.assertEqual(
            (payload["sms"], payload["channel"], payload["phone"], payload["reason"]),
            (self.sms.pk, "sms", "+51987654321", "rejected"),
        )

    def test_a_receipt_for_no_known_sms_emits_nothing(self) -> None:
        self.client.post(self.url, {"id": "gw-99", "status": "delivered"})
        self.assertEqual(self.payloads(), [])
