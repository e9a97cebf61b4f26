from django.http import HttpResponse
from django.utils import translation

from pregon.automation import entry, lifecycle, stats
from pregon.automation.models import Enrolment, Workflow
from pregon.contacts.models import Contact
from pregon.sending.models import Message
from pregon.testing.api import ApiTestCase
from pregon.testing.automation import chain, email_node, node, run_all
from pregon.testing.campaigns import send_all
from pregon.tracking.models import Event, EventKind


class EnrolApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ana = Contact.objects.create(email="ana@example.pe")
        graph = chain(node("n1", "trigger", kind="api"), node("n2", "tag", action="add", tag="x"))
        self.workflow = Workflow.objects.create(name="API", graph=graph)

    def enrol(self, **data: str) -> HttpResponse:
        return self.call("POST", f"/automations/{self.workflow.code}/enrol", data)

    def test_an_inactive_workflow_is_409(self) -> None:
        response = self.enrol(email="ana@example.pe")
        self.assertEqual(response.status_code, 409)
        self.assertEqual(
            response.json()["detail"], "The workflow is not active: activate it first."
        )

    def test_enrol_by_email_then_refused_by_the_entry_rule(self) -> None:
        lifecycle.activate(self.workflow)
        response = self.enrol(email="ANA@example.pe")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["enrolled"], True)
        self.assertEqual(Enrolment.objects.get().contact, self.ana)
        response = self.enrol(contact=str(self.ana.code))
        self.assertEqual(response.json()["enrolled"], False)
        self.assertEqual(Enrolment.objects.count(), 1)

    def test_an_unknown_contact_is_422_by_field(self) -> None:
        lifecycle.activate(self.workflow)
        response = self.enrol(email="nadie@example.pe")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json()["errors"], {"email": ["There is no contact with this address."]}
        )
        self.assertFalse(Enrolment.objects.exists())

    def test_a_workflow_without_an_api_trigger_is_409(self) -> None:
        graph = chain(
            node("n1", "trigger", kind="manual"), node("n2", "tag", action="add", tag="x")
        )
        Workflow.objects.filter(pk=self.workflow.pk).update(graph=graph)
        lifecycle.activate(self.workflow)
        response = self.enrol(email="ana@example.pe")
        self.assertEqual(response.status_code, 409)
        self.assertFalse(Enrolment.objects.exists())


class ReportApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        graph = chain(
            node("n1", "trigger", kind="api"),
            email_node("n2", subject="Hola"),
            node("n3", "tag", action="add", tag="x"),
        )
        self.workflow = Workflow.objects.create(name="Informe", graph=graph)
        lifecycle.activate(self.workflow)
        entry.enrol_contact(self.workflow, Contact.objects.create(email="ana@example.pe"))
        run_all()
        send_all()
        message = Message.objects.get()
        Event.objects.create(kind=EventKind.OPENED, message=message, machine="apple_privacy")
        Event.objects.create(kind=EventKind.OPENED, message=message)

    def test_an_analyst_reads_each_steps_figures_as_the_report_page_shows_them(self) -> None:
        response = self.call(
            "GET", f"/automations/{self.workflow.code}/report", token=self.token_for(self.charlie)
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["name"], "Informe")
        self.assertEqual((body["figures"]["completed"], body["figures"]["emails_opened"]), (1, 1))
        [trigger, email, tag] = body["steps"]
        self.assertEqual((trigger["id"], trigger["label"]), ("n1", "Trigger (n1)"))
        self.assertEqual(
            email,
            {
                "id": "n2",
                "type": "email",
                "label": "Email (n2)",
                "detail": "Hola",
                "waiting": 0,
                "passed": 1,
                "sent": 1,
                "delivered": None,
                "opened": 1,
                "clicked": 0,
                "failed": 0,
                "retrying": None,
                "conversions": 0,
            },
        )
        self.assertEqual((tag["passed"], tag["sent"]), (1, None))
        with translation.override("en"):
            self.assertEqual(
                body["steps"], stats.steps(self.workflow, stats.node_figures(self.workflow))
            )

    def test_an_unknown_workflow_is_404(self) -> None:
        response = self.call("GET", "/automations/00000000-0000-0000-0000-000000000000/report")
        self.assertEqual(response.status_code, 404)
