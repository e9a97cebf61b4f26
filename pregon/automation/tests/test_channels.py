"""SMS, webhook and staff-notice steps through the real channels: the SMS sender and the
generic HTTP gateway, the webhook worker and a receiver on 127.0.0.1, the task queue."""

import datetime
import json
import re

import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from pregon.automation import entry, lifecycle, stats
from pregon.automation.models import Outcome, StepLog, Workflow
from pregon.contacts.models import Contact
from pregon.sending.models import SmsMessage
from pregon.sending.sms import sender
from pregon.testing import BaseTestCase
from pregon.testing.automation import chain, node, run_all
from pregon.testing.providers import FakeProvider
from pregon.testing.sms import http_gateway
from pregon.testing.webhooks import start_receiver
from pregon.webhooks import deliveries
from pregon.webhooks.models import Delivery, DeliveryStatus


@override_settings(SMS_QUOTA_MONTHLY=100)
class ChannelsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ana = Contact.objects.create(
            email="ana@example.pe", first_name="Ana", phone="+51987654321"
        )
        self.beto = Contact.objects.create(email="beto@example.pe", first_name="Beto")

    def run_workflow(self, *steps: dict) -> Workflow:
        workflow = Workflow.objects.create(
            name="Canales", graph=chain(node("n1", "trigger", kind="api"), *steps)
        )
        lifecycle.activate(workflow)
        entry.enrol_contact(workflow, self.ana)
        entry.enrol_contact(workflow, self.beto)
        run_all()
        return workflow

    def test_an_sms_step_reaches_the_gateway_once_personalised(self) -> None:
        provider = FakeProvider()
        self.addCleanup(provider.stop)
        http_gateway(provider.url + "/api/sms")
        provider.answer(200, {"id": "gw-1", "status": "accepted"})
        workflow = self.run_workflow(node("n2", "sms", text="Hola {{ nombre }}, su curso empieza"))

        self.assertTrue(sender.send_due())
        [request] = provider.received
        self.assertEqual(request.json()["to"], "+51987654321")
        self.assertTrue(request.json()["message"].startswith("Hola Ana, su curso empieza"))
        message = SmsMessage.objects.get()
        self.assertEqual(message.workflow_id, workflow.pk)
        outcomes = dict(StepLog.objects.filter(node="n2").values_list("contact_id", "outcome"))
        # Beto has no phone: his step is skipped, and says so.
        self.assertEqual(outcomes, {self.ana.pk: Outcome.SENT, self.beto.pk: Outcome.SKIPPED})

    def test_a_webhook_step_posts_the_contact_once(self) -> None:
        receiver = start_receiver(self)
        workflow = self.run_workflow(node("n2", "webhook", url=receiver.url))
        deliveries.deliver_batch()
        self.assertEqual(len(receiver.received), 2)
        bodies = [json.loads(request.body) for request in receiver.received]
        self.assertEqual(
            sorted(body["data"]["contact"]["email"] for body in bodies),
            ["ana@example.pe", "beto@example.pe"],
        )
        keys = set(Delivery.objects.values_list("key", flat=True))
        self.assertEqual(len(keys), 2)
        self.assertTrue(all(key.startswith(f"wf{workflow.pk}:e") for key in keys))

    def test_a_webhook_to_a_private_address_fails_the_step_and_the_contact_goes_on(self) -> None:
        self.run_workflow(
            node("n2", "webhook", url="http://127.0.0.1:9/hooks"),
            node("n3", "tag", action="add", tag="siguió"),
        )
        failed = StepLog.objects.filter(node="n2", outcome=Outcome.FAILED)
        self.assertEqual(failed.count(), 2)
        self.assertIn("127.0.0.1", failed.first().detail)
        self.assertEqual(Contact.objects.filter(tags__name="siguió").count(), 2)
        self.assertFalse(Delivery.objects.exists())

    @override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    )
    def test_a_notice_to_staff(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.run_workflow(
                node(
                    "n2",
                    "notify",
                    emails=["coordinacion@escuela.example.pe"],
                    subject="Nuevo interesado",
                    text="Llamar hoy.",
                )
            )
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(mail.outbox[0].to, ["coordinacion@escuela.example.pe"])
        self.assertIn("Llamar hoy.", mail.outbox[0].body)
        self.assertIn("ana@example.pe", "".join(message.body for message in mail.outbox))

    def test_a_failing_receiver_is_retried_then_counted_failed_and_the_workflow_goes_on(
        self,
    ) -> None:
        receiver = start_receiver(self)
        receiver.status = 500
        workflow = self.run_workflow(
            node("n2", "webhook", url=receiver.url), node("n3", "tag", action="add", tag="siguió")
        )
        self.assertEqual(Contact.objects.filter(tags__name="siguió").count(), 2)
        deliveries.deliver_batch()
        self.assertEqual(len(receiver.received), 2)
        pending = Delivery.objects.filter(status=DeliveryStatus.PENDING)
        self.assertEqual(pending.count(), 2)  # Retried later, with backoff.
        # A day later the receiver still answers 500: the calls fail for good.
        a_day_ago = timezone.now() - datetime.timedelta(days=1, minutes=1)
        pending.update(retry_from=a_day_ago, next_at=timezone.now())
        deliveries.deliver_batch()
        figures = stats.figures(workflow)
        self.assertEqual((figures["webhooks_failed"], figures["webhooks_delivered"]), (2, 0))
        # The report shows the failed calls.
        self.client.force_login(self.bob)
        page = self.client.get(reverse("automation:report", args=[workflow.code])).content.decode()
        card = re.search(r'data-figure="webhooks_failed">.*?data-value="(\d+)"', page, re.S)
        self.assertEqual(card.group(1), "2")

    def test_an_sms_step_visited_again_through_a_loop_sends_again(self) -> None:
        http_gateway("http://127.0.0.1:9/api/sms")
        graph = chain(
            node("n1", "trigger", kind="api"),
            node("n2", "sms", text="Recordatorio"),
            node("n3", "wait", mode="duration", minutes=60 * 24),
        )
        graph["edges"].append({"from": "n3", "to": "n2", "port": "next"})
        workflow = Workflow.objects.create(name="Bucle", graph=graph)
        lifecycle.activate(workflow)
        entry.enrol_contact(workflow, self.ana)
        run_all()
        with time_machine.travel(timezone.now() + datetime.timedelta(days=1, minutes=1)):
            run_all()
        outcomes = list(StepLog.objects.filter(node="n2").values_list("outcome", flat=True))
        self.assertEqual(outcomes, [Outcome.SENT, Outcome.SENT])
        # Each visit queued its own SMS: the second is not the first one's key again.
        self.assertEqual(SmsMessage.objects.filter(contact=self.ana).count(), 2)
