"""Each step's figures (pregon.automation.stats.node_figures) and the whole workflow's, from
a workflow whose emails went through a local SMTP server, whose SMS went through the generic
HTTP gateway with its receipts and a short link clicked, and whose webhook calls went to a
local receiver; and the report page's table of them."""

import datetime
import re

import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from pregon.automation import entry, lifecycle, stats
from pregon.automation.models import NodeMailing, Workflow
from pregon.contacts.models import Contact
from pregon.sending.models import Message, SmsMessage
from pregon.sending.sms import sender
from pregon.testing import BaseTestCase
from pregon.testing.automation import chain, email_node, node, run_all
from pregon.testing.campaigns import send_all
from pregon.testing.providers import FakeProvider
from pregon.testing.sms import http_gateway
from pregon.testing.smtp import Mailbox, smtp_server
from pregon.testing.webhooks import start_receiver
from pregon.tracking.models import Event, EventKind
from pregon.webhooks import deliveries
from pregon.webhooks.models import Delivery

REFUSED = "550 5.1.1 <carla@example.pe>: Recipient address rejected: User unknown"


@override_settings(SMS_QUOTA_MONTHLY=100)
class NodeFiguresTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ana = Contact.objects.create(email="ana@example.pe", phone="+51987654321")
        self.beto = Contact.objects.create(email="beto@example.pe", phone="+51987654322")
        self.carla = Contact.objects.create(email="carla@example.pe")
        self.provider = FakeProvider()
        self.addCleanup(self.provider.stop)
        self.gateway = http_gateway(self.provider.url + "/api/sms")
        self.receiver = start_receiver(self)
        self.receiver.status = 500
        self.workflow = Workflow.objects.create(
            name="Bienvenida",
            graph=chain(
                node("n1", "trigger", kind="api"),
                email_node("n2", subject="Bienvenida"),
                node("n3", "wait", mode="duration", minutes=60),
                email_node("n4", subject="Recordatorio"),
                node("n5", "sms", text="Inscríbase en https://aula.example.pe/curso"),
                node("n6", "webhook", url=self.receiver.url),
            ),
        )
        lifecycle.activate(self.workflow)
        for contact in (self.ana, self.beto, self.carla):
            entry.enrol_contact(self.workflow, contact)
        run_all()
        with smtp_server(Mailbox()):
            send_all()
        # The first email: Ana opens it, Beto's only open is Apple's proxy, Carla's mail
        # program blocks the pixel but she clicks (an open too) and enrols; a scanner
        # clicks Beto's link.
        self.event("n2", self.ana, EventKind.OPENED)
        self.event("n2", self.beto, EventKind.OPENED, machine="apple_privacy")
        self.event("n2", self.beto, EventKind.CLICKED, machine="scanner")
        self.event("n2", self.carla, EventKind.CLICKED)
        self.event("n2", self.carla, EventKind.CONVERTED)

        # An hour later: the second email (Carla's address is refused now), the SMS (Carla
        # has no phone) and the webhook calls.
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
            run_all()
            with smtp_server(
                Mailbox(lambda to, attempt: REFUSED if to == self.carla.email else None)
            ):
                send_all()
            self.event("n4", self.ana, EventKind.OPENED)
            self.event("n4", self.ana, EventKind.OPENED)

            self.provider.answer(200, {"id": "gw-1", "status": "accepted"})
            self.provider.answer(200, {"id": "gw-2", "status": "accepted"})
            self.assertTrue(sender.send_due())
            receipts = reverse("tracking:sms_receipt", args=[self.gateway.code])
            ana_sms = SmsMessage.objects.get(contact=self.ana)
            beto_sms = SmsMessage.objects.get(contact=self.beto)
            self.client.get(receipts, {"id": ana_sms.gateway_message_id, "status": "delivered"})
            self.client.get(receipts, {"id": beto_sms.gateway_message_id, "status": "expired"})
            [sent_to_ana] = [r for r in self.provider.received if "+51987654321" in r.body.decode()]
            token = re.search(r"/s/(\S+)", sent_to_ana.json()["message"]).group(1)
            clicked = self.client.get(reverse("tracking:sms_link", args=[token]))
            self.assertEqual(clicked.status_code, 302)

            # The receiver fails every call once; then it works, and one call is tried again.
            deliveries.deliver_batch()
            self.receiver.status = 204
            first = Delivery.objects.order_by("pk").first()
            Delivery.objects.filter(pk=first.pk).update(next_at=timezone.now())
            deliveries.deliver_batch()

    def event(self, node_id: str, contact: Contact, kind: str, machine: str = "") -> None:
        mailing = NodeMailing.objects.get(workflow=self.workflow, node=node_id).mailing_id
        message = Message.objects.get(mailing_id=mailing, contact=contact)
        Event.objects.create(kind=kind, message=message, machine=machine)

    def test_each_step_has_its_own_figures(self) -> None:
        figures = stats.node_figures(self.workflow)
        self.assertEqual(figures["n1"], {"waiting": 0, "passed": 3})
        self.assertEqual(
            figures["n2"],
            {
                "waiting": 0,
                "passed": 3,
                "sent": 3,
                "opened": 2,
                "clicked": 1,
                "failed": 0,
                "conversions": 1,
            },
        )
        self.assertEqual(figures["n3"], {"waiting": 0, "passed": 3})
        self.assertEqual(
            figures["n4"],
            {
                "waiting": 0,
                "passed": 3,
                "sent": 2,
                "opened": 1,
                "clicked": 0,
                "failed": 1,
                "conversions": 0,
            },
        )
        self.assertEqual(
            figures["n5"],
            {"waiting": 0, "passed": 3, "sent": 2, "delivered": 1, "clicked": 1, "failed": 1},
        )
        self.assertEqual(
            figures["n6"], {"waiting": 0, "passed": 3, "delivered": 1, "retrying": 2, "failed": 0}
        )

    def test_the_workflow_figures_are_the_steps_together(self) -> None:
        figures = stats.figures(self.workflow)
        self.assertEqual(
            {key: figures[key] for key in figures if key.startswith(("emails", "sms", "conv"))},
            {
                "emails_sent": 5,
                "emails_opened": 3,
                "emails_clicked": 1,
                "emails_failed": 1,
                "conversions": 1,
                "sms_sent": 2,
                "sms_failed": 1,
            },
        )
        self.assertEqual((figures["entered"], figures["completed"]), (3, 3))

    def test_a_step_of_another_workflow_or_another_step_is_not_counted(self) -> None:
        # The same node in another workflow, and a node whose id ends like n5's ("15").
        other = Workflow.objects.create(name="Otro", graph=self.workflow.graph)
        SmsMessage.objects.create(
            key=f"wf{other.pk}:e1:nn5",
            phone="+51987654321",
            text="x",
            workflow_id=other.pk,
            status="delivered",
        )
        SmsMessage.objects.create(
            key=f"wf{self.workflow.pk}:e1:n15",
            phone="+51987654321",
            text="x",
            workflow_id=self.workflow.pk,
            status="delivered",
        )
        self.assertEqual(stats.node_figures(self.workflow)["n5"]["delivered"], 1)
        self.assertEqual(stats.node_figures(other)["n5"]["delivered"], 1)

    def test_the_report_shows_each_step_in_the_graph_order_in_spanish(self) -> None:
        self.client.force_login(self.charlie)
        self.client.cookies["pregon_language"] = "es"
        url = reverse("automation:report", args=[self.workflow.code])
        page = self.client.get(url).content.decode()
        rows = re.findall(r'<tr data-node="(n\d)">\s*<th scope="row"[^>]*>([^<]+)', page)
        self.assertEqual(
            rows,
            [
                ("n1", "Disparador (n1)"),
                ("n2", "Correo (n2)"),
                ("n3", "Espera (n3)"),
                ("n4", "Correo (n4)"),
                ("n5", "SMS (n5)"),
                ("n6", "Webhook (n6)"),
            ],
        )

        def cell(node_id: str, figure: str) -> str:
            row = re.search(rf'<tr data-node="{node_id}">(.*?)</tr>', page, re.S).group(1)
            found = re.search(rf'data-step-figure="{figure}"( data-value="(\d+)")?', row)
            return found.group(2) or "—"

        self.assertEqual([cell("n2", f) for f in ("sent", "opened", "clicked")], ["3", "2", "1"])
        self.assertEqual(cell("n2", "conversions"), "1")
        self.assertEqual(cell("n4", "failed"), "1")
        self.assertEqual([cell("n5", f) for f in ("sent", "delivered", "clicked")], ["2", "1", "1"])
        self.assertEqual(cell("n3", "sent"), "—")
        self.assertEqual(cell("n6", "delivered"), "1")
        self.assertIn('data-retrying="2"', page)
        self.assertIn("2 en reintento", page)
        self.assertIn("Inscríbase en https://aula.example.pe/curso", page)
