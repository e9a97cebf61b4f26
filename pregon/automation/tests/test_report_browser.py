"""In real Chromium: an edit of an active workflow that would strand the contacts waiting at
a step is refused with what to do, and doing that instead works; the report shows each
step's figures and the canvas shows them on the steps.

Saves the screenshots the manual shows (docs/screenshots/automation-*.png).
"""

import datetime
import re

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from pregon.accounts.models import Role, User
from pregon.automation import entry, lifecycle
from pregon.automation.models import Enrolment, EnrolmentStatus, NodeMailing, Workflow
from pregon.contacts.models import Contact
from pregon.sending.models import Message, SmsMessage
from pregon.sending.sms import sender
from pregon.testing.automation import chain, email_node, node, run_all
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    fits_width,
    screenshot,
)
from pregon.testing.campaigns import send_all
from pregon.testing.providers import FakeProvider
from pregon.testing.sms import http_gateway
from pregon.tracking.models import Event, EventKind

EDITOR = "editora@example.pe"


def step(page: object, nid: str) -> object:
    return page.locator(f".drawflow-node:has(.wf-node[data-nid='{nid}'])")


def connect(page: object, source: str, target: str) -> None:
    page.drag_and_drop(
        f".drawflow-node:has(.wf-node[data-nid='{source}']) .output_1",
        f".drawflow-node:has(.wf-node[data-nid='{target}']) .input_1",
    )


def drawflow_id(page: object, nid: str) -> str:
    return step(page, nid).get_attribute("id").removeprefix("node-")


def disconnect(page: object, source: str, target: str) -> None:
    """Select the connection from ``source`` to ``target`` and press Delete."""
    path = (
        f".connection.node_out_node-{drawflow_id(page, source)}"
        f".node_in_node-{drawflow_id(page, target)} .main-path"
    )
    page.locator(path).dispatch_event("mousedown")
    page.locator("#automation-canvas").focus()
    page.keyboard.press("Delete")


def delete_step(page: object, nid: str) -> None:
    step(page, nid).locator(".wf-title").click()
    page.keyboard.press("Delete")


@pytest.mark.browser
class StrandingBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR)
        wait = node("n2", "wait", mode="duration", minutes=2 * 24 * 60)
        wait.update(x=240, y=40)
        tag = node("n3", "tag", action="add", tag="inscrita")
        tag.update(x=460, y=200)
        self.graph = chain(node("n1", "trigger", kind="api"), wait, tag)
        self.graph["nodes"][0].update(x=20, y=40)
        self.workflow = Workflow.objects.create(name="Seguimiento", graph=self.graph)
        lifecycle.activate(self.workflow)
        entry.enrol_contact(self.workflow, Contact.objects.create(email="ana@example.pe"))
        run_all()

    def test_an_edit_that_would_strand_contacts_is_explained_and_the_way_out_works(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        builder = f"{base}/automatizaciones/{self.workflow.code}/"
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(builder)
            expect(step(page, "n2").locator(".wf-count")).to_have_text("1")
            expect(step(page, "n2").locator(".wf-summary")).to_have_text("un tiempo · 2 días")

            # Remove the wait where Ana is, and join the trigger to the tag.
            delete_step(page, "n2")
            expect(page.locator(".drawflow-node")).to_have_count(2)
            connect(page, "n1", "n3")
            page.click("#workflow-save")
            refusal = page.locator("#workflow-problems")
            expect(refusal).to_contain_text("No se guardó nada")
            expect(refusal).to_contain_text(
                "1 contacto está esperando en Espera (n2), así que ese paso aún no se puede "
                "quitar. Consérvelo, con su salida conectada al paso que debe seguir; puede "
                "quitar la conexión que llega a él para que nadie más entre."
            )
            self.assertTrue(fits_width(page))
            screenshot(page, "automation-stranding", full_page=False)
            self.workflow.refresh_from_db()
            self.assertEqual(self.workflow.graph, self.graph)

            # What it says: pause while editing, keep the wait with its exit, take it out of
            # the path; resume.
            page.goto(builder)
            page.click("#workflow-pause")
            expect(page.locator("[data-status=paused]").first).to_be_visible()
            disconnect(page, "n1", "n2")
            connect(page, "n1", "n3")
            expect(page.locator(".drawflow .connection")).to_have_count(2)
            page.click("#workflow-save")
            expect(page.locator(".alert-success")).to_contain_text("Flujo guardado")
            self.workflow.refresh_from_db()
            edges = {(e["from"], e["to"]) for e in self.workflow.graph["edges"]}
            self.assertEqual(edges, {("n1", "n3"), ("n2", "n3")})
            page.click("#workflow-resume")
            expect(page.locator("[data-status=active]").first).to_be_visible()

            # A new contact goes straight to the tag; Ana finishes her wait, then the step
            # shows 0 and may go.
            beto = Contact.objects.create(email="beto@example.pe")
            entry.enrol_contact(self.workflow, beto)
            with time_machine.travel(timezone.now() + datetime.timedelta(days=2, minutes=1)):
                run_all()
            self.assertEqual(
                set(Enrolment.objects.values_list("status", flat=True)),
                {EnrolmentStatus.COMPLETED},
            )
            self.assertFalse(
                self.workflow.enrolments.filter(contact=beto, steps__node="n2").exists()
            )
            page.reload()
            expect(step(page, "n2").locator(".wf-count")).to_have_text("0")
            delete_step(page, "n2")
            page.click("#workflow-save")
            expect(page.locator(".alert-success")).to_contain_text("Flujo guardado")
            self.workflow.refresh_from_db()
            self.assertEqual([n["id"] for n in self.workflow.graph["nodes"]], ["n1", "n3"])
            # The refused save answered 400, as it should; nothing else went wrong.
            self.assertEqual([p for p in problems if "400" not in p], [])
            self.assertEqual(len(problems), 2)


@pytest.mark.browser
@override_settings(SMS_QUOTA_MONTHLY=100)
class StepFiguresBrowserTestCase(BrowserTestCase):
    """Six participants through a welcome, a reminder three days later and an SMS."""

    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR)
        self.provider = FakeProvider()
        self.addCleanup(self.provider.stop)
        self.gateway = http_gateway(self.provider.url + "/api/sms")
        nodes = [
            node("n1", "trigger", kind="api"),
            email_node("n2", subject="Bienvenida al curso de gestión pública"),
            node("n3", "wait", mode="duration", minutes=3 * 24 * 60),
            email_node("n4", subject="Su curso empieza pronto"),
            node("n5", "sms", text="Su curso empieza mañana: https://aula.example.pe/curso"),
            node("n6", "tag", action="add", tag="avisado"),
        ]
        for number, item in enumerate(nodes):
            item.update(x=20 + 200 * (number % 3), y=40 + 220 * (number // 3))
        self.workflow = Workflow.objects.create(name="Bienvenida", graph=chain(*nodes))
        lifecycle.activate(self.workflow)
        people = [
            Contact.objects.create(
                email=f"{name}@example.pe", first_name=name.title(), phone=f"+5198765432{n}"
            )
            for n, name in enumerate(["ana", "beto", "carla", "dario", "elena", "fabio"])
        ]
        for person in people:
            entry.enrol_contact(self.workflow, person)
        run_all()
        send_all()
        for person in people[:4]:
            self.event("n2", person, EventKind.OPENED)
        self.event("n2", people[4], EventKind.OPENED, machine="apple_privacy")
        for person in people[:2]:
            self.event("n2", person, EventKind.CLICKED)
        self.event("n2", people[0], EventKind.CONVERTED)
        with time_machine.travel(timezone.now() + datetime.timedelta(days=3, minutes=1)):
            run_all()
            send_all()
            for n in range(len(people)):
                self.provider.answer(200, {"id": f"gw-{n}", "status": "accepted"})
            self.assertTrue(sender.send_due())
        self.event("n4", people[1], EventKind.OPENED)
        receipts = reverse("tracking:sms_receipt", args=[self.gateway.code])
        for n, message in enumerate(SmsMessage.objects.order_by("pk")):
            status = "expired" if n == 5 else "delivered"
            self.client.get(receipts, {"id": message.gateway_message_id, "status": status})
        # One more participant enrols today and waits for the reminder.
        entry.enrol_contact(self.workflow, Contact.objects.create(email="gina@example.pe"))
        run_all()
        send_all()

    def event(self, node_id: str, contact: Contact, kind: str, machine: str = "") -> None:
        mailing = NodeMailing.objects.get(workflow=self.workflow, node=node_id).mailing_id
        message = Message.objects.get(mailing_id=mailing, contact=contact)
        Event.objects.create(kind=kind, message=message, machine=machine)

    def test_the_report_and_the_canvas_show_each_steps_figures(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(f"{base}/automatizaciones/{self.workflow.code}/informe/")
            welcome = page.locator("#steps-table tr[data-node=n2]")
            expect(welcome.locator("th")).to_contain_text("Correo (n2)")
            expect(welcome.locator("th")).to_contain_text("Bienvenida al curso")
            for figure, value in (("sent", "7"), ("opened", "4"), ("clicked", "2")):
                expect(welcome.locator(f"[data-step-figure={figure}]")).to_have_text(value)
            expect(welcome.locator("[data-step-figure=conversions]")).to_have_text("1")
            text = page.locator("#steps-table tr[data-node=n5]")
            for figure, value in (("sent", "6"), ("delivered", "5"), ("failed", "1")):
                expect(text.locator(f"[data-step-figure={figure}]")).to_have_text(value)
            wait = page.locator("#steps-table tr[data-node=n3]")
            expect(wait.locator("[data-step-figure=waiting]")).to_have_text("1")
            expect(wait.locator("[data-step-figure=sent]")).to_have_text(re.compile("—"))
            self.assertTrue(fits_width(page))
            screenshot(page, "automation-report")

            page.goto(f"{base}/automatizaciones/{self.workflow.code}/")
            expect(step(page, "n2").locator(".wf-figures")).to_have_text(
                "Enviados 7 · abiertos 4 · clics 2"
            )
            expect(step(page, "n5").locator(".wf-figures")).to_have_text(
                "Enviados 6 · entregados 5 · clics 0"
            )
            expect(step(page, "n3").locator(".wf-summary")).to_have_text("un tiempo · 3 días")
            expect(step(page, "n3").locator(".wf-count")).to_have_text("1")
            screenshot(page, "automation-builder-figures", full_page=False)
            self.assertEqual(problems, [])
