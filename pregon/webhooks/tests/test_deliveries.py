import datetime
import json
import re

import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from pregon.lib import events
from pregon.testing import BaseTestCase
from pregon.testing.webhooks import start_receiver
from pregon.webhooks import deliveries, tasks
from pregon.webhooks.models import Delivery, DeliveryStatus, Endpoint


def subscribe(test: BaseTestCase, url: str, names: list[str]) -> tuple[Endpoint, str]:
    """Create an endpoint through the screen, as alice; return it and its secret."""
    test.client.force_login(test.alice)
    response = test.client.post("/webhooks/nuevo/", {"url": url, "events": names})
    test.assertEqual(response.status_code, 200)
    secret = re.search(r'id="webhook-secret">(whsec_[^<]+)<', response.content.decode())[1]
    return Endpoint.objects.get(url=url), secret


def emit(name: str, payloads: list[dict]) -> None:
    with transaction.atomic():
        events.emit(name, payloads)


class DeliveryTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.receiver = start_receiver(self)
        self.endpoint, self.secret = subscribe(
            self, self.receiver.url, [events.CONTACT_CREATED, events.TAG_ADDED]
        )

    def test_it_delivers_signed_events(self) -> None:
        emit(events.CONTACT_CREATED, [{"contact": 7, "at": "2026-12-05T10:00:00+00:00"}])
        deliveries.deliver_due()
        [got] = self.receiver.received
        data = Webhook(self.secret).verify(got.body, got.headers)
        self.assertEqual(data["type"], "contact.created")
        self.assertEqual(data["data"], {"contact": 7, "at": "2026-12-05T10:00:00+00:00"})
        self.assertEqual(got.path, "/hooks")
        delivery = Delivery.objects.get()
        self.assertEqual(got.headers["webhook-id"], delivery.message_id)
        self.assertEqual(delivery.status, DeliveryStatus.DELIVERED)
        self.assertEqual(delivery.attempts.get().status_code, 204)

    def test_it_skips_events_the_endpoint_did_not_choose(self) -> None:
        emit(events.CONTACT_UPDATED, [{"contact": 7}])
        self.assertFalse(Delivery.objects.exists())

    def test_a_rolled_back_change_sends_nothing(self) -> None:
        try:
            with transaction.atomic():
                events.emit(events.CONTACT_CREATED, [{"contact": 7}])
                raise RuntimeError
        except RuntimeError:
            pass
        self.assertFalse(Delivery.objects.exists())

    def test_it_delivers_in_order_per_endpoint(self) -> None:
        emit(events.CONTACT_CREATED, [{"contact": n} for n in range(5)])
        emit(events.TAG_ADDED, [{"contact": 5, "tag": 1}])
        emit(events.CONTACT_CREATED, [{"contact": n} for n in range(6, 450)])
        deliveries.deliver_due()
        seen = [json.loads(r.body)["data"]["contact"] for r in self.receiver.received]
        self.assertEqual(seen, list(range(450)))

    def test_a_failing_delivery_holds_the_ones_behind_it(self) -> None:
        self.receiver.status = 500
        emit(events.CONTACT_CREATED, [{"contact": 1}, {"contact": 2}])
        deliveries.deliver_due()
        self.assertEqual(len(self.receiver.received), 1)
        self.receiver.status = 200
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=16)):
            deliveries.deliver_due()
        seen = [json.loads(r.body)["data"]["contact"] for r in self.receiver.received]
        self.assertEqual(seen, [1, 1, 2])
        self.assertEqual(
            self.receiver.received[0].headers["webhook-id"],
            self.receiver.received[1].headers["webhook-id"],
        )

    def test_it_retries_with_backoff_then_fails_and_disables_the_endpoint(self) -> None:
        self.receiver.status = 500
        self.receiver.answer = b"Internal error in the classroom"
        emit(events.CONTACT_CREATED, [{"contact": 1}])
        start = Delivery.objects.get().created_at
        waits = []
        now = timezone.now()
        for _ in range(40):
            with time_machine.travel(now, tick=False):
                deliveries.deliver_due()
            delivery = Delivery.objects.get()
            if delivery.status == DeliveryStatus.FAILED:
                break
            waits.append(delivery.next_at - now)
            now = delivery.next_at
        self.assertEqual(delivery.status, DeliveryStatus.FAILED)
        self.assertEqual(waits[:4], [datetime.timedelta(seconds=s) for s in (15, 30, 60, 120)])
        self.assertEqual(max(waits), datetime.timedelta(hours=4))
        self.assertGreaterEqual(now - start, datetime.timedelta(hours=24))
        self.assertEqual(delivery.attempt_count, len(waits) + 1)
        self.assertEqual(delivery.last_status_code, 500)
        self.endpoint.refresh_from_db()
        self.assertFalse(self.endpoint.is_enabled)
        # The administrator (alice) is told; bob and charlie are not.
        [notice] = mail.outbox
        self.assertEqual(notice.to, ["alice@example.org"])
        self.assertIn(self.receiver.url, notice.subject)
        self.assertIn("Internal error in the classroom", notice.body)
        # Visible on the endpoint's page: the failure, its answer, and the disabled state.
        page = self.client.get(f"/webhooks/{self.endpoint.code}/").content.decode()
        self.assertIn('id="webhook-disabled"', page)
        self.assertIn('id="failed-table"', page)
        self.assertIn("Internal error in the classroom", page)
        # New events are not queued for a disabled endpoint; enabling it resumes delivery.
        emit(events.CONTACT_CREATED, [{"contact": 2}])
        self.assertEqual(Delivery.objects.count(), 1)

    def test_send_again_delivers_a_failed_event_once_the_endpoint_works(self) -> None:
        self.receiver.status = 500
        emit(events.CONTACT_CREATED, [{"contact": 1}])
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=25), tick=False):
            deliveries.deliver_due()
        delivery = Delivery.objects.get()
        # Its first attempt comes after the day of retries (the worker was down): it fails.
        self.assertEqual(delivery.status, DeliveryStatus.FAILED)
        self.receiver.status = 200
        self.client.post(f"/webhooks/{self.endpoint.code}/activar/")
        response = self.client.post(
            f"/webhooks/{self.endpoint.code}/entregas/{delivery.pk}/reenviar/", follow=True
        )
        self.assertContains(response, "The event will be sent again")
        deliveries.deliver_due()
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, DeliveryStatus.DELIVERED)
        self.assertEqual(len(self.receiver.received), 2)
        Webhook(self.secret).verify(
            self.receiver.received[1].body, self.receiver.received[1].headers
        )

    def test_the_scheduler_queues_one_delivery_task(self) -> None:
        self.assertFalse(tasks.kick())
        emit(events.CONTACT_CREATED, [{"contact": 1}])
        self.assertTrue(tasks.kick())
        self.assertFalse(tasks.kick())
        tasks.deliver_webhooks.call()
        self.assertEqual(len(self.receiver.received), 1)
        self.assertFalse(tasks.kick())

    def test_a_dead_workers_deliveries_are_sent_after_its_lease(self) -> None:
        emit(events.CONTACT_CREATED, [{"contact": 1}])
        Delivery.objects.update(
            status=DeliveryStatus.SENDING, leased_until=timezone.now() - datetime.timedelta(1)
        )
        deliveries.deliver_due()
        self.assertEqual(self.receiver.received, [])
        tasks.kick()
        deliveries.deliver_due()
        self.assertEqual(len(self.receiver.received), 1)

    def test_a_burst_of_ten_thousand_events_arrives_in_order(self) -> None:
        # As the tracking spool's flush hands them over: batches of a thousand.
        for first in range(0, 10_000, 1_000):
            emit(events.TAG_ADDED, [{"contact": n, "tag": 1} for n in range(first, first + 1_000)])
        self.assertEqual(self.receiver.received, [])  # Nothing was posted in the emitter's time.
        while deliveries.deliver_batch():
            pass
        seen = [json.loads(r.body)["data"]["contact"] for r in self.receiver.received]
        self.assertEqual(seen, list(range(10_000)))
        self.assertFalse(Delivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists())

    def test_sending_an_old_event_again_leaves_a_retry_to_its_time(self) -> None:
        emit(events.CONTACT_CREATED, [{"contact": 1}])
        deliveries.deliver_due()
        self.receiver.status = 500
        emit(events.CONTACT_CREATED, [{"contact": 2}])
        deliveries.deliver_due()
        self.receiver.status = 204
        first = Delivery.objects.order_by("pk").first()
        self.client.post(f"/webhooks/{self.endpoint.code}/entregas/{first.pk}/reenviar/")
        deliveries.deliver_due()
        seen = [json.loads(r.body)["data"]["contact"] for r in self.receiver.received]
        self.assertEqual(seen, [1, 2, 1])

    def test_the_log_keeps_delivered_events_for_thirty_days(self) -> None:
        emit(events.CONTACT_CREATED, [{"contact": 1}])
        deliveries.deliver_due()
        self.receiver.status = 500
        emit(events.CONTACT_CREATED, [{"contact": 2}])
        deliveries.deliver_due()
        with time_machine.travel(timezone.now() + datetime.timedelta(days=29)):
            tasks.kick()
            self.assertEqual(Delivery.objects.count(), 2)
        with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
            tasks.kick()
        # The delivered one is gone with its attempt; the one still failing stays.
        [left] = Delivery.objects.all()
        self.assertEqual(left.payload, {"contact": 2})
        self.assertTrue(left.attempts.exists())
