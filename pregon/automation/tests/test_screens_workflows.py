"""The workflow screens' list, a new workflow (blank or from a template), its settings, and
who may do each."""

from django.urls import reverse

from pregon.automation import library
from pregon.automation.models import Enrolment, EnrolmentStatus, EntryRule, Workflow
from pregon.contacts.models import Contact
from pregon.testing import BaseTestCase


class WorkflowListTestCase(BaseTestCase):
    def test_the_list_shows_status_and_counts(self) -> None:
        workflow = Workflow.objects.create(name="Bienvenida", status="active")
        Workflow.objects.create(name="Borrador")
        statuses = [EnrolmentStatus.WAITING, EnrolmentStatus.COMPLETED, EnrolmentStatus.EXITED_GOAL]
        for n, status in enumerate(statuses):
            contact = Contact.objects.create(email=f"p{n}@example.pe")
            Enrolment.objects.create(workflow=workflow, contact=contact, node="n1", status=status)
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("automation:index"))
        self.assertEqual(response.status_code, 200)
        row = response.content.decode().split(f'data-workflow="{workflow.code}"', 1)[1]
        row = row.split("</tr>", 1)[0]
        self.assertIn('data-status="active"', row)
        self.assertIn('data-entered="3"', row)
        self.assertIn('data-waiting="1"', row)
        self.assertIn('data-completed="2"', row)
        self.assertContains(response, 'data-status="draft"')
        # Analysts look; only editors create.
        self.assertNotContains(response, reverse("automation:create"))

    def test_it_needs_a_login(self) -> None:
        response = self.client.get(reverse("automation:index"))
        self.assertEqual(response.status_code, 302)


class NewWorkflowTestCase(BaseTestCase):
    def test_it_starts_from_a_template(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(
            reverse("automation:create"),
            {"name": "Recordatorio de marzo", "template": "recordatorio-inicio"},
        )
        workflow = Workflow.objects.get()
        self.assertRedirects(response, reverse("automation:builder", args=[workflow.code]))
        self.assertEqual(workflow.name, "Recordatorio de marzo")
        self.assertEqual(workflow.status, "draft")
        self.assertEqual(workflow.created_by, self.bob)
        self.assertEqual(workflow.graph, library.BY_SLUG["recordatorio-inicio"].graph())

    def test_it_starts_blank(self) -> None:
        self.client.force_login(self.bob)
        self.client.post(reverse("automation:create"), {"name": "Vacío", "template": ""})
        self.assertEqual(Workflow.objects.get().graph, {"nodes": [], "edges": []})

    def test_the_page_offers_every_template_in_spanish(self) -> None:
        self.use_spanish()
        self.client.force_login(self.bob)
        response = self.client.get(reverse("automation:create"))
        for template in library.TEMPLATES:
            self.assertContains(response, f'value="{template.slug}"')
        self.assertContains(response, "Recordatorio antes del inicio de un curso")

    def test_an_unknown_template_is_refused(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(reverse("automation:create"), {"name": "X", "template": "nope"})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Workflow.objects.exists())

    def test_analysts_may_not_create(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.post(reverse("automation:create"), {"name": "X", "template": ""})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Workflow.objects.exists())


class SettingsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.workflow = Workflow.objects.create(name="Bienvenida")
        self.url = reverse("automation:settings", args=[self.workflow.code])
        self.client.force_login(self.bob)

    def data(self, **changes: object) -> dict:
        values = {
            "name": "Bienvenida",
            "entry_rule": "again",
            "again_after_days": "90",
            "quiet_from": "21:00",
            "quiet_to": "08:00",
            "quiet_days": ["6"],
            "cap_messages": "3",
            "cap_days": "7",
        }
        values.update(changes)
        return values

    def test_it_saves_entry_quiet_hours_and_cap(self) -> None:
        response = self.client.post(self.url, self.data())
        self.assertRedirects(response, reverse("automation:builder", args=[self.workflow.code]))
        self.workflow.refresh_from_db()
        self.assertEqual(self.workflow.entry_rule, EntryRule.AGAIN)
        self.assertEqual(self.workflow.again_after_days, 90)
        self.assertEqual(str(self.workflow.quiet_from), "21:00:00")
        self.assertEqual(self.workflow.quiet_days, [6])
        self.assertEqual(self.workflow.cap_messages, 3)

    def test_half_quiet_hours_are_refused_in_spanish(self) -> None:
        self.use_spanish()
        response = self.client.post(self.url, self.data(quiet_to=""))
        self.assertContains(response, "Indique ambos extremos del horario de silencio, o ninguno.")
        self.workflow.refresh_from_db()
        self.assertIsNone(self.workflow.quiet_from)

    def test_analysts_may_not_change_settings(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
