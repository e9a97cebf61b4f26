"""The automation's webhook step: ``outbox.call`` posts once to a URL, signed."""

import datetime
import re

import time_machine
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from pregon.testing import BaseTestCase
from pregon.testing.webhooks import start_receiver
from pregon.webhooks import deliveries, hosts, outbox
from pregon.webhooks.models import DeliveryStatus


class CallTestCase(BaseTestCase):
    def test_it_posts_once_per_key_signed_with_the_calls_secret(self) -> None:
        receiver = start_receiver(self)
        first = outbox.call(receiver.url, {"contact": 3}, "wf1:e2:n3")
        again = outbox.call(receiver.url, {"contact": 3}, "wf1:e2:n3")
        self.assertEqual(first.pk, again.pk)
        deliveries.deliver_due()
        [got] = receiver.received
        self.client.force_login(self.alice)
        page = self.client.get("/webhooks/").content.decode()
        secret = re.search(r'id="call-secret">(whsec_[^<]+)<', page)[1]
        data = Webhook(secret).verify(got.body, got.headers)
        self.assertEqual(data["data"], {"contact": 3})
        first.refresh_from_db()
        self.assertEqual(first.status, DeliveryStatus.DELIVERED)

    def test_it_refuses_a_private_address(self) -> None:
        start_receiver(self, allow=False)
        with self.assertRaisesMessage(hosts.Refused, "127.0.0.1"):
            outbox.call("http://127.0.0.1:9/", {}, "k")

    def test_a_failing_call_is_retried_then_failed(self) -> None:
        receiver = start_receiver(self)
        receiver.status = 503
        delivery = outbox.call(receiver.url, {}, "k")
        deliveries.deliver_due()
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, DeliveryStatus.PENDING)
        self.assertEqual(delivery.attempt_count, 1)
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=24, seconds=1)):
            deliveries.deliver_due()
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, DeliveryStatus.FAILED)
        self.assertEqual(delivery.last_status_code, 503)
