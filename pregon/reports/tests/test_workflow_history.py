"""Workflow steps in a contact's history (screen and API): each step the contact went
through, naming the workflow, the step and what came of it."""

import datetime

from django.urls import reverse
from django.utils import timezone

from pregon.automation.models import Enrolment, Outcome, StepLog, Workflow
from pregon.contacts.models import Contact
from pregon.testing.api import ApiTestCase
from pregon.testing.automation import chain, node


class WorkflowHistoryTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        graph = chain(node("n1", "trigger", kind="api"), node("n2", "tag", action="add", tag="x"))
        self.workflow = Workflow.objects.create(name="Bienvenida", graph=graph)
        self.ana = Contact.objects.create(email="ana@example.pe")
        enrolment = Enrolment.objects.create(workflow=self.workflow, contact=self.ana, node="n2")
        start = timezone.now() - datetime.timedelta(hours=1)
        for minutes, (nid, outcome) in enumerate([("n1", Outcome.ENTERED), ("n2", Outcome.DONE)]):
            StepLog.objects.create(
                enrolment=enrolment,
                workflow=self.workflow,
                contact=self.ana,
                node=nid,
                outcome=outcome,
                at=start + datetime.timedelta(minutes=minutes),
            )
        self.client.force_login(self.bob)

    def test_the_screen_names_the_workflow_the_step_and_the_outcome(self) -> None:
        self.use_spanish()
        response = self.client.get(reverse("reports:contact_history", args=[self.ana.code]))
        entries = response.context["page"].object_list
        self.assertEqual([entry.kind for entry in entries], ["workflow", "workflow"])
        self.assertContains(response, "Paso de un flujo", count=2)
        self.assertContains(response, reverse("automation:builder", args=[self.workflow.code]))
        self.assertEqual(entries[0].detail, "Etiqueta (n2): Terminado")

    def test_the_api_returns_them(self) -> None:
        response = self.call("GET", f"/contacts/{self.ana.code}/history")
        self.assertEqual(response.status_code, 200)
        first = response.json()["items"][0]
        self.assertEqual(first["kind"], "workflow")
        self.assertEqual(first["workflow"], "Bienvenida")
        self.assertEqual(first["workflow_code"], str(self.workflow.code))
        self.assertEqual(first["detail"], "Tag (n2): Done")
