"""The builder's page: saving a graph (each bad graph refused, nothing saved), checking it,
simulating it for one contact, activating and pausing it (audited), and who may do each."""

import json

from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.automation.models import Enrolment, Workflow
from pregon.contacts.models import Contact
from pregon.testing import BaseTestCase, drafts


def node(node_id: str, type_: str, **config: object) -> dict:
    return {"id": node_id, "type": type_, "config": config, "x": 0, "y": 0}


def edge(source: str, target: str, port: str = "next") -> dict:
    return {"from": source, "to": target, "port": port}


class BuilderBase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.template = drafts.template("Recordatorio")
        self.sender = drafts.sender()
        self.workflow = Workflow.objects.create(name="Recordatorio", graph=self.good())
        self.url = reverse("automation:builder", args=[self.workflow.code])
        self.client.force_login(self.bob)

    def good(self) -> dict:
        email = {
            "template": str(self.template.code),
            "subject": "Su curso",
            "sender": self.sender.pk,
        }
        return {
            "nodes": [
                node("n1", "trigger", kind="api"),
                node("n2", "email", **email),
                node("n3", "wait", mode="duration", minutes=60),
                node("n4", "tag", action="add", tag="avisado"),
            ],
            "edges": [edge("n1", "n2"), edge("n2", "n3"), edge("n3", "n4")],
        }

    def save(self, graph: dict, action: str = "save", **extra: str) -> object:
        return self.client.post(self.url, {"graph": json.dumps(graph), "action": action, **extra})

    def assert_refused(self, graph: dict, problem: str) -> None:
        before = Workflow.objects.get(pk=self.workflow.pk).graph
        response = self.save(graph)
        self.assertContains(response, "Nothing was saved", status_code=400)
        self.assertContains(response, problem, status_code=400)
        self.assertEqual(Workflow.objects.get(pk=self.workflow.pk).graph, before)


class BuilderTestCase(BuilderBase):
    def test_the_page_draws_the_graph_with_the_palette_and_counts(self) -> None:
        contact = Contact.objects.create(email="ana@example.pe")
        Enrolment.objects.create(workflow=self.workflow, contact=contact, node="n3")
        self.use_spanish()
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        palette = response.context["palette"]
        self.assertEqual(
            [t["type"] for t in palette["types"]][:4], ["trigger", "email", "sms", "wait"]
        )
        self.assertEqual(palette["types"][0]["label"], "Disparador")
        self.assertEqual(response.context["counts"]["n3"], {"waiting": 1, "passed": 0})
        self.assertEqual(response.context["counts"]["n2"]["sent"], 0)
        durations = palette["durations"]
        self.assertEqual(durations["day"], ["%(count)s día", "%(count)s días"])
        self.assertEqual(durations["minute"], ["%(count)s min", "%(count)s min"])
        self.assertEqual(
            palette["figures"]["email"],
            "Enviados %(sent)s · abiertos %(opened)s · clics %(clicked)s",
        )
        self.assertContains(response, 'id="automation-palette"')
        self.assertContains(response, 'data-next-number="5"')
        self.assertEqual(json.loads(response.context["graph_json"]), self.workflow.graph)

    def test_it_saves_a_good_graph(self) -> None:
        graph = self.good()
        graph["nodes"][3]["config"]["tag"] = "recordado"
        response = self.save(graph)
        self.assertRedirects(response, self.url)
        self.assertEqual(Workflow.objects.get(pk=self.workflow.pk).graph, graph)

    def test_a_cycle_with_no_wait_is_refused(self) -> None:
        graph = self.good()
        graph["nodes"].append(node("n5", "tag", action="remove", tag="avisado"))
        graph["edges"] += [edge("n4", "n5"), edge("n5", "n4")]
        self.assert_refused(graph, "form a loop with no wait")

    def test_a_branch_with_no_exit_is_refused(self) -> None:
        graph = self.good()
        graph["nodes"].append(node("n5", "branch", kind="engagement", event="opened"))
        graph["edges"] += [edge("n4", "n5"), edge("n5", "n2", "yes")]
        self.assert_refused(graph, "needs both exits")

    def test_a_deleted_template_in_use_is_refused(self) -> None:
        other = drafts.template("Borrada")
        graph = self.good()
        graph["nodes"][1]["config"]["template"] = str(other.code)
        other.delete()
        self.assert_refused(graph, "its email template does not exist")

    def test_unreadable_graph_is_refused(self) -> None:
        response = self.client.post(self.url, {"graph": "{nope", "action": "save"})
        self.assertContains(response, "no readable workflow", status_code=400)

    def test_the_refusal_is_in_spanish_and_keeps_the_edit_on_screen(self) -> None:
        self.use_spanish()
        graph = self.good()
        graph["edges"] = graph["edges"][:2]
        response = self.save(graph)
        self.assertContains(response, "No se guardó nada", status_code=400)
        # Activating would take the saved graph, not this one: the button waits for a save.
        self.assertContains(
            response, 'id="workflow-activate" data-needs-saved disabled', status_code=400
        )
        self.assertEqual(json.loads(response.context["graph_json"]), graph)

    def test_check_lists_the_problems_and_saves_nothing(self) -> None:
        graph = {"nodes": [node("n1", "tag", action="add", tag="x")], "edges": []}
        response = self.save(graph, action="validate")
        self.assertContains(response, "Add a trigger")
        self.assertNotEqual(Workflow.objects.get(pk=self.workflow.pk).graph, graph)

    def test_analysts_see_the_builder_read_only_and_may_not_save(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(self.url)
        self.assertContains(response, 'data-readonly="1"')
        self.assertNotContains(response, 'id="workflow-save"')
        graph = {"nodes": [], "edges": []}
        self.assertEqual(self.save(graph).status_code, 403)
        self.assertNotEqual(Workflow.objects.get(pk=self.workflow.pk).graph, graph)


class ActivationTestCase(BuilderBase):
    def post(self, name: str) -> object:
        return self.client.post(reverse(f"automation:{name}", args=[self.workflow.code]))

    def test_activate_pause_and_resume_are_audited(self) -> None:
        for name, status, change in (
            ("activate", "active", "activated"),
            ("pause", "paused", "paused"),
            ("resume", "active", "resumed"),
        ):
            self.assertRedirects(self.post(name), self.url)
            self.assertEqual(Workflow.objects.get(pk=self.workflow.pk).status, status)
            entry = AuditEntry.objects.filter(action=AuditAction.WORKFLOW_CHANGED).latest("pk")
            self.assertEqual(entry.detail["change"], change)
            self.assertEqual(entry.actor, self.bob)

    def test_an_invalid_graph_is_not_activated(self) -> None:
        Workflow.objects.filter(pk=self.workflow.pk).update(graph={"nodes": [], "edges": []})
        response = self.post("activate")
        self.assertContains(self.client.get(response.url), "Add a trigger")
        self.assertEqual(Workflow.objects.get(pk=self.workflow.pk).status, "draft")
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.WORKFLOW_CHANGED).exists())

    def test_an_edit_that_strands_waiting_contacts_is_refused_with_what_to_do(self) -> None:
        self.post("activate")
        contact = Contact.objects.create(email="ana@example.pe")
        Enrolment.objects.create(workflow=self.workflow, contact=contact, node="n3")
        graph = self.good()
        graph["nodes"] = [n for n in graph["nodes"] if n["id"] != "n3"]
        graph["edges"] = [edge("n1", "n2"), edge("n2", "n4")]
        self.assert_refused(
            graph, "1 contact is waiting at Wait (n3), so that step cannot be removed yet."
        )

    def test_a_step_where_contacts_wait_may_be_taken_out_of_the_path(self) -> None:
        self.post("activate")
        contact = Contact.objects.create(email="ana@example.pe")
        Enrolment.objects.create(workflow=self.workflow, contact=contact, node="n3")
        # Nothing leads into the wait any more; its contacts go on from its exit.
        graph = self.good()
        graph["edges"] = [edge("n1", "n2"), edge("n2", "n4"), edge("n3", "n4")]
        self.assertRedirects(self.save(graph), self.url)
        self.assertEqual(Workflow.objects.get(pk=self.workflow.pk).graph, graph)
        # Paused and resumed, it still runs; once nobody waits there, it may go.
        self.assertRedirects(self.post("pause"), self.url)
        self.assertRedirects(self.post("resume"), self.url)
        self.assertEqual(Workflow.objects.get(pk=self.workflow.pk).status, "active")
        Enrolment.objects.update(status="completed")
        graph["nodes"] = [n for n in graph["nodes"] if n["id"] != "n3"]
        graph["edges"] = [edge("n1", "n2"), edge("n2", "n4")]
        self.assertRedirects(self.save(graph), self.url)

    def test_analysts_may_not_activate(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.post("activate").status_code, 403)
        self.assertEqual(Workflow.objects.get(pk=self.workflow.pk).status, "draft")
