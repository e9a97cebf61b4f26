"""Activation, edits that would strand contacts, the simulation and the figures."""

from django.utils import translation

from pregon.automation import entry, lifecycle, simulation, stats
from pregon.automation.models import Enrolment, NodeMailing, Workflow, WorkflowStatus
from pregon.contacts.models import Contact, Status
from pregon.content.models import EmailTemplate
from pregon.testing import BaseTestCase
from pregon.testing.automation import chain, email_node, node, run_all
from pregon.testing.campaigns import send_all


class LifecycleTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ana = Contact.objects.create(email="ana@example.pe", first_name="Ana")
        self.graph = chain(
            node("n1", "trigger", kind="api"),
            node("n2", "wait", mode="duration", minutes=600),
            email_node("n3", subject="Recordatorio"),
        )
        self.workflow = Workflow.objects.create(name="Recordatorio", graph=self.graph)

    def test_activation_refuses_a_deleted_template_and_keeps_the_draft(self) -> None:
        EmailTemplate.objects.all().delete()
        with translation.override("es"), self.assertRaises(lifecycle.Refused) as refused:
            lifecycle.activate(self.workflow)
        self.assertEqual(
            refused.exception.problems,
            ["Correo (n3): su plantilla de correo no existe (quizá se eliminó): elija otra."],
        )
        self.workflow.refresh_from_db()
        self.assertEqual(self.workflow.status, WorkflowStatus.DRAFT)
        self.assertFalse(NodeMailing.objects.exists())

    def test_an_edit_may_not_remove_a_step_where_contacts_wait(self) -> None:
        lifecycle.activate(self.workflow)
        entry.enrol_contact(self.workflow, self.ana)
        run_all()
        shorter = chain(node("n1", "trigger", kind="api"), self.graph["nodes"][2])
        with translation.override("es"), self.assertRaises(lifecycle.Refused) as refused:
            lifecycle.save_graph(self.workflow, shorter)
        self.assertEqual(
            refused.exception.problems,
            [
                "1 contacto está en Espera (n2): conserve ese paso hasta que siga adelante "
                "(pause el flujo, conecte el paso al nuevo camino y quítelo cuando muestre 0)."
            ],
        )
        self.workflow.refresh_from_db()
        self.assertEqual(self.workflow.graph, self.graph)
        # Removing the email step, where nobody is, is allowed.
        lifecycle.save_graph(self.workflow, chain(*self.graph["nodes"][:2]))

    def test_a_template_deleted_after_activation_changes_nothing_on_its_way(self) -> None:
        lifecycle.activate(self.workflow)
        EmailTemplate.objects.all().delete()
        entry.enrol_contact(self.workflow, self.ana)
        run_all()
        Enrolment.objects.update(due_at="2000-01-01T00:00:00Z")
        run_all()
        send_all()
        self.assertEqual(stats.figures(self.workflow)["emails_sent"], 1)

    def test_simulation_writes_nothing(self) -> None:
        steps = simulation.simulate(self.workflow, self.ana)
        self.assertEqual([step["node"] for step in steps], ["n1", "n2", "n3"])
        self.assertEqual(steps[2]["text"], "Recibe el correo «Recordatorio».")
        Contact.objects.filter(pk=self.ana.pk).update(status=Status.UNSUBSCRIBED)
        self.ana.refresh_from_db()
        steps = simulation.simulate(self.workflow, self.ana)
        self.assertEqual(steps[2]["text"], "No recibe el correo: se dio de baja o está suprimido.")
        self.assertFalse(self.workflow.enrolments.exists())

    def test_figures_and_node_counts(self) -> None:
        lifecycle.activate(self.workflow)
        entry.enrol_contact(self.workflow, self.ana)
        run_all()
        self.assertEqual(
            stats.node_counts(self.workflow),
            {"n1": {"waiting": 0, "passed": 1}, "n2": {"waiting": 1, "passed": 0}},
        )
        figures = stats.figures(self.workflow)
        self.assertEqual((figures["entered"], figures["waiting"], figures["completed"]), (1, 1, 0))
