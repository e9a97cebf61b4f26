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
                "1 contacto está esperando en Espera (n2), así que ese paso aún no se puede "
                "quitar. Consérvelo, con su salida conectada al paso que debe seguir; puede "
                "quitar la conexión que llega a él para que nadie más entre. Quítelo cuando "
                "muestre 0 contactos esperando."
            ],
        )
        self.workflow.refresh_from_db()
        self.assertEqual(self.workflow.graph, self.graph)
        # Removing the email step, where nobody is, is allowed.
        lifecycle.save_graph(self.workflow, chain(*self.graph["nodes"][:2]))

    def test_a_step_where_contacts_wait_may_lose_its_way_in_and_still_runs(self) -> None:
        lifecycle.activate(self.workflow)
        entry.enrol_contact(self.workflow, self.ana)
        run_all()
        trigger, wait, email = self.graph["nodes"]
        bypass = chain(trigger, email)
        bypass["nodes"].append(wait)
        bypass["edges"].append({"from": "n2", "to": "n3", "port": "next"})
        lifecycle.save_graph(self.workflow, bypass)
        lifecycle.pause(self.workflow)
        lifecycle.resume(self.workflow)
        # Ana finishes her wait and goes on to the email; nobody else enters the wait.
        Enrolment.objects.update(due_at="2000-01-01T00:00:00Z")
        run_all()
        self.assertEqual(Enrolment.objects.get().status, "completed")
        self.assertEqual(stats.node_figures(self.workflow)["n3"]["passed"], 1)
        # Nobody is at it now: it may go.
        lifecycle.save_graph(self.workflow, chain(trigger, email))

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
        nothing_yet = {"sent": 0, "opened": 0, "clicked": 0, "failed": 0, "conversions": 0}
        self.assertEqual(
            stats.node_figures(self.workflow),
            {
                "n1": {"waiting": 0, "passed": 1},
                "n2": {"waiting": 1, "passed": 0},
                "n3": {"waiting": 0, "passed": 0, **nothing_yet},
            },
        )
        figures = stats.figures(self.workflow)
        self.assertEqual((figures["entered"], figures["waiting"], figures["completed"]), (1, 1, 0))
