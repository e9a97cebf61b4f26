from django.http import HttpResponse

from pregon.automation import lifecycle
from pregon.automation.models import Enrolment, Workflow
from pregon.contacts.models import Contact
from pregon.testing.api import ApiTestCase
from pregon.testing.automation import chain, node


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
