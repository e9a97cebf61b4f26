"""The "reminder before a course starts" workflow built in real Chromium: dragged from the
palette, connected port to port, set up in the side panel, simulated, saved and activated;
then a contact travels through it (the date trigger, the engine, the emails into a local SMTP
server, the SMS into a local HTTP gateway) and the canvas shows where contacts wait.

Saves the screenshots the manual shows (docs/screenshots/automation-*.png).
"""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from pregon.accounts.models import AuditAction, AuditEntry, Role, User
from pregon.automation import triggers
from pregon.automation.models import Enrolment, EnrolmentStatus, Workflow
from pregon.contacts.models import Contact, Field, FieldType
from pregon.sending import quota
from pregon.sending.sms import sender as sms_sender
from pregon.testing import drafts
from pregon.testing.automation import run_all
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    fits_width,
    screenshot,
)
from pregon.testing.campaigns import send_all
from pregon.testing.providers import FakeProvider
from pregon.testing.sms import http_gateway
from pregon.testing.smtp import Mailbox, smtp_server

EDITOR = "editora@example.pe"
# Where each step is dropped on the canvas (pixels from its top left corner).
PLACES = {
    "trigger": (20, 40),
    "email": (215, 40),
    "wait": (410, 40),
    "email2": (215, 220),
    "sms": (410, 220),
}


def node(page: object, nid: str) -> object:
    return page.locator(f".drawflow-node:has(.wf-node[data-nid='{nid}'])")


@pytest.mark.browser
class BuilderBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR)
        self.provider = FakeProvider()
        self.addCleanup(self.provider.stop)
        http_gateway(self.provider.url + "/api/sms")
        quota.ensure_plan()
        self.template = drafts.template("Recordatorio del curso")
        drafts.sender()
        Field.objects.create(key="inicio_curso", label="Inicio del curso", type=FieldType.DATE)
        starts = timezone.localdate() + datetime.timedelta(days=7)
        self.ana = Contact.objects.create(
            email="ana@example.pe",
            first_name="Ana",
            phone="+51987654321",
            attributes={"inicio_curso": starts.isoformat()},
        )

    def drop(self, page: object, node_type: str, place: str) -> None:
        x, y = PLACES[place]
        page.drag_and_drop(
            f"[data-node-type='{node_type}']",
            "#automation-canvas",
            target_position={"x": x, "y": y},
        )

    def connect(self, page: object, source: str, target: str) -> None:
        page.drag_and_drop(
            f".drawflow-node:has(.wf-node[data-nid='{source}']) .output_1",
            f".drawflow-node:has(.wf-node[data-nid='{target}']) .input_1",
        )

    def set_up(self, page: object, nid: str, values: dict[str, str]) -> None:
        """Select the node and set its panel's fields (each change redraws the panel)."""
        node(page, nid).locator(".wf-title").click()
        for name, value in values.items():
            field = page.locator(f"#wf-field-{name}")
            if field.evaluate("(el) => el.tagName") == "SELECT":
                field.select_option(label=value)
            else:
                field.fill(value)
                field.dispatch_event("change")

    def test_build_activate_and_watch_a_contact_go_through(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            page.get_by_role("button", name="Campañas").click()
            page.click("#nav-automation")
            expect(page.locator("h1")).to_have_text("Automatizaciones")
            page.click("#workflow-new")
            page.fill("#id_name", "Recordatorio antes del curso")
            screenshot(page, "automation-new")
            page.click("#workflow-create-form button[type=submit]")
            expect(page.locator("#automation-canvas")).to_be_visible()

            self.drop(page, "trigger", "trigger")
            self.drop(page, "email", "email")
            self.drop(page, "wait", "wait")
            self.drop(page, "email", "email2")
            self.drop(page, "sms", "sms")
            expect(page.locator(".drawflow-node")).to_have_count(5)
            self.connect(page, "n1", "n2")
            self.connect(page, "n2", "n3")
            self.connect(page, "n3", "n4")
            self.connect(page, "n4", "n5")
            expect(page.locator(".drawflow .connection")).to_have_count(4)

            trigger = {
                "kind": "Llega una fecha de un campo",
                "field": "Inicio del curso",
                "offset_days": "-7",
                "time": "00:00",
            }
            self.set_up(page, "n1", trigger)
            sender = "Escuela de Capacitación <capacitacion@escuela.example.pe>"
            for nid, subject in (
                ("n2", "Su curso empieza en una semana"),
                ("n4", "Su curso empieza mañana"),
            ):
                values = {
                    "template": "Recordatorio del curso",
                    "subject": subject,
                    "sender": sender,
                }
                self.set_up(page, nid, values)
            self.set_up(page, "n3", {"minutes": str(6 * 24 * 60)})
            self.set_up(page, "n5", {"text": "Hola {{ first_name }}, su curso empieza mañana."})
            # The Delete key in the panel edits the text; it does not delete the step.
            page.locator("#wf-field-text").press("Delete")
            expect(page.locator(".drawflow-node")).to_have_count(5)
            expect(page.locator("#automation-unsaved")).to_be_visible()
            expect(page.locator("#workflow-activate")).to_be_disabled()
            self.set_up(page, "n2", {})
            screenshot(page, "automation-builder-panel", full_page=False)

            # What would happen to Ana, before anything is saved.
            page.fill("#id_contact", "ana@example.pe")
            page.click("#workflow-simulate")
            expect(page.locator("#simulation li")).to_have_count(5)
            expect(page.locator("#simulation")).to_contain_text("Su curso empieza en una semana")
            screenshot(page, "automation-simulation")

            page.click("#workflow-save")
            expect(page.locator(".alert-success")).to_contain_text("Flujo guardado")
            workflow = Workflow.objects.get()
            types = {n["id"]: n["type"] for n in workflow.graph["nodes"]}
            self.assertEqual(
                types, {"n1": "trigger", "n2": "email", "n3": "wait", "n4": "email", "n5": "sms"}
            )
            edges = {(e["from"], e["to"], e["port"]) for e in workflow.graph["edges"]}
            self.assertEqual(
                edges,
                {
                    ("n1", "n2", "next"),
                    ("n2", "n3", "next"),
                    ("n3", "n4", "next"),
                    ("n4", "n5", "next"),
                },
            )
            self.assertEqual(
                workflow.graph["nodes"][2]["config"], {"mode": "duration", "minutes": 8640}
            )

            page.click("#workflow-activate")
            expect(page.locator("[data-status=active]").first).to_be_visible()
            self.assertTrue(
                AuditEntry.objects.filter(
                    action=AuditAction.WORKFLOW_CHANGED, target=workflow.name
                ).exists()
            )

            # The date comes around: the scheduler's check enrols Ana, the engine sends the
            # first email and leaves her waiting; the sending engine delivers it.
            self.assertEqual(triggers.check_scheduled(), 1)
            run_all()
            mailbox = Mailbox()
            with smtp_server(mailbox):
                send_all()
            self.assertEqual([m.recipient for m in mailbox.received], ["ana@example.pe"])
            self.assertEqual(
                mailbox.received[0].parsed()["Subject"], "Su curso empieza en una semana"
            )

            page.reload()
            expect(node(page, "n3").locator(".wf-count")).to_have_text("1")
            expect(node(page, "n2").locator(".wf-passed")).to_have_text("1")
            expect(node(page, "n3").locator(".wf-summary")).to_have_text("un tiempo · 6 días")
            expect(node(page, "n2").locator(".wf-figures")).to_have_text(
                "Enviados 1 · abiertos 0 · clics 0"
            )
            self.assertTrue(fits_width(page))
            screenshot(page, "automation-builder")

            # Six days later: the second email and the SMS, into the local SMS gateway; Ana has
            # gone through. (Both are due then: the senders run at that time too.)
            self.provider.answer(200, {"id": "gw-1", "status": "accepted"})
            with time_machine.travel(timezone.now() + datetime.timedelta(days=6, hours=1)):
                run_all()
                with smtp_server(mailbox):
                    send_all()
                self.assertTrue(sms_sender.send_due())
            self.assertEqual(mailbox.received[1].parsed()["Subject"], "Su curso empieza mañana")
            [sms] = self.provider.received
            posted = json.loads(sms.body)
            self.assertEqual(posted["message"], "Hola Ana, su curso empieza mañana.")
            self.assertEqual(posted["to"], "+51987654321")
            enrolment = Enrolment.objects.get(contact=self.ana)
            self.assertEqual(enrolment.status, EnrolmentStatus.COMPLETED)

            page.goto(f"{base}/automatizaciones/{workflow.code}/informe/")
            expect(page.locator("[data-figure=completed] [data-value]")).to_have_text("1")
            sms_row = page.locator("#steps-table tr[data-node=n5]")
            expect(sms_row.locator("[data-step-figure=sent]")).to_have_text("1")
            page.goto(f"{base}/automatizaciones/")
            expect(
                page.locator(f"[data-workflow='{workflow.code}'] [data-completed]")
            ).to_have_text("1")
            screenshot(page, "automation-list", full_page=False)
            self.assertEqual(problems, [])
