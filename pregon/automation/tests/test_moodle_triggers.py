"""The Moodle triggers: a workflow that starts when a sync with the (fake) classroom finds
someone newly enrolled in a course, or having completed one; any course, chosen courses,
or a category with its subcategories. And how the builder offers and checks them."""

import json

from django.urls import reverse

from pregon.automation import lifecycle
from pregon.automation.models import Enrolment as Run
from pregon.automation.models import Workflow
from pregon.contacts.models import Contact
from pregon.moodle.models import Connection, SyncStatus
from pregon.testing import BaseTestCase
from pregon.testing.automation import chain, node
from pregon.testing.moodle_sync import connect, sync_now
from pregon.testing.moodle_ws import Category, Course, Dataset, FakeMoodle, User
from pregon.testing.moodle_ws import Enrolment as MoodleEnrolment

STARTS = 1_767_225_600  # 2026-01-01 00:00 UTC


def classroom() -> Dataset:
    """The categories "Gestión pública", its subcategory "Contrataciones", and "Idiomas"; a
    course in each; Ana already a student of Ética, Luis and Rosa not enrolled anywhere yet."""
    return Dataset(
        categories=[
            Category(1, "Gestión pública", timemodified=STARTS),
            Category(2, "Contrataciones", parent=1, timemodified=STARTS),
            Category(3, "Idiomas", timemodified=STARTS),
        ],
        courses=[
            Course(10, "Ética en la función pública", "ETICA", 1, startdate=STARTS),
            Course(11, "Contrataciones básicas", "CONTR", 2),
            Course(12, "Inglés I", "ING1", 3),
        ],
        users=[
            User(100, "ana", "Ana", "Quispe", "ana@example.pe"),
            User(101, "luis", "Luis", "Huamán", "luis@example.pe"),
            User(102, "rosa", "Rosa", "Flores", "rosa@example.pe"),
        ],
        enrolments=[MoodleEnrolment(100, 10, lastaccess=STARTS + 86_400)],
    )


class MoodleTriggerTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dataset = classroom()
        self.moodle = self.enterContext(FakeMoodle(self.dataset))
        connect(self.moodle)
        # The first sync ever announces nothing: what it finds was there before Pregón.
        self.assertEqual(sync_now().status, SyncStatus.DONE)

    def workflow(self, kind: str, **config: object) -> Workflow:
        trigger = node("n1", "trigger", kind=kind, **config)
        workflow = Workflow.objects.create(
            name=f"Flujo {kind}", graph=chain(trigger, node("n2", "tag", action="add", tag="x"))
        )
        lifecycle.activate(workflow)
        return workflow

    def entered(self, workflow: Workflow) -> list[str]:
        runs = Run.objects.filter(workflow=workflow, node="n1").order_by("contact__email")
        return list(runs.values_list("contact__email", flat=True))

    def sync(self) -> None:
        run = sync_now()
        self.assertEqual(run.status, SyncStatus.DONE, run.error)

    def test_new_students_of_any_course_enter_once(self) -> None:
        workflow = self.workflow("moodle_enrolled", courses=[])
        self.dataset.enrol(101, 10)
        self.dataset.enrol(102, 12)
        self.sync()
        self.assertEqual(self.entered(workflow), ["luis@example.pe", "rosa@example.pe"])
        # Ana was a student before: not new. A second sync, incremental or full, finds
        # nobody new, and a second course does not enrol Luis twice.
        self.dataset.enrol(101, 11)
        self.sync()
        self.sync()
        self.assertEqual(self.entered(workflow), ["luis@example.pe", "rosa@example.pe"])
        self.assertEqual(Run.objects.filter(workflow=workflow).count(), 2)

    def test_only_the_chosen_courses(self) -> None:
        workflow = self.workflow("moodle_enrolled", courses=[11, 12])
        self.dataset.enrol(101, 10)
        self.dataset.enrol(102, 11)
        self.sync()
        self.assertEqual(self.entered(workflow), ["rosa@example.pe"])

    def test_a_category_takes_in_its_subcategories(self) -> None:
        workflow = self.workflow("moodle_enrolled", category="1")
        self.dataset.enrol(101, 11)  # Contrataciones, inside Gestión pública.
        self.dataset.enrol(102, 12)  # Idiomas.
        self.sync()
        self.assertEqual(self.entered(workflow), ["luis@example.pe"])

    def test_those_who_complete_a_course_enter_once(self) -> None:
        completed = self.workflow("moodle_completed", courses=[10])
        other_course = self.workflow("moodle_completed", courses=[12])
        enrolled = self.workflow("moodle_enrolled")
        self.dataset.complete(100, 10)
        self.sync()
        self.assertEqual(self.entered(completed), ["ana@example.pe"])
        self.assertEqual(self.entered(other_course), [])
        self.assertEqual(self.entered(enrolled), [])  # A completion is no new enrolment.
        self.sync()
        self.assertEqual(Run.objects.filter(workflow=completed).count(), 1)

    def test_a_paused_workflow_takes_nobody(self) -> None:
        workflow = self.workflow("moodle_enrolled")
        lifecycle.pause(workflow)
        self.dataset.enrol(101, 10)
        self.sync()
        self.assertEqual(self.entered(workflow), [])
        self.assertTrue(Contact.objects.filter(email="luis@example.pe").exists())


class MoodleTriggerBuilderTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.moodle = self.enterContext(FakeMoodle(classroom()))
        connect(self.moodle)
        sync_now()
        self.workflow = Workflow.objects.create(name="Bienvenida", graph={})
        self.url = reverse("automation:builder", args=[self.workflow.code])
        self.client.force_login(self.bob)

    def graph(self, **config: object) -> dict:
        trigger = node("n1", "trigger", kind="moodle_enrolled", **config)
        return chain(trigger, node("n2", "tag", action="add", tag="x"))

    def save(self, graph: dict) -> object:
        return self.client.post(self.url, {"graph": json.dumps(graph), "action": "save"})

    def trigger_fields(self) -> dict[str, dict]:
        palette = self.client.get(self.url).context["palette"]
        return {field["name"]: field for field in palette["fields"]["trigger"]}

    def test_the_palette_offers_the_triggers_with_the_courses_and_categories(self) -> None:
        fields = self.trigger_fields()
        kinds = [value for value, _label in fields["kind"]["choices"]]
        self.assertIn("moodle_enrolled", kinds)
        self.assertIn("moodle_completed", kinds)
        courses = fields["courses"]
        self.assertEqual(courses["kind"], "multiselect")
        self.assertEqual(courses["when"]["values"], ["moodle_enrolled", "moodle_completed"])
        # By Moodle id, named as the other Moodle choices are (the order is the database's).
        self.assertCountEqual(
            courses["choices"],
            [
                ["10", "Ética en la función pública (ETICA)"],
                ["11", "Contrataciones básicas (CONTR)"],
                ["12", "Inglés I (ING1)"],
            ],
        )
        self.assertIn(["2", "Gestión pública / Contrataciones"], fields["category"]["choices"])

    def test_without_a_connection_the_triggers_stay_with_a_note(self) -> None:
        connected = self.trigger_fields()["courses"]["help"]
        Connection.objects.all().delete()
        fields = self.trigger_fields()
        self.assertIn("moodle_enrolled", [value for value, _label in fields["kind"]["choices"]])
        self.assertNotEqual(fields["courses"]["help"], connected)
        # The courses already synced stay, and so do the choices.
        self.assertEqual(len(fields["courses"]["choices"]), 3)

    def test_chosen_courses_and_a_category_are_saved_by_moodle_id(self) -> None:
        for config in ({"courses": [10, 12]}, {"category": "2"}, {}):
            response = self.save(self.graph(**config))
            self.assertEqual(response.status_code, 302, config)
            self.workflow.refresh_from_db()
            self.assertEqual(self.workflow.graph["nodes"][0]["config"]["kind"], "moodle_enrolled")

    def test_an_unknown_course_or_category_is_refused(self) -> None:
        self.use_spanish()
        response = self.save(self.graph(courses=[10, 999]))
        self.assertContains(
            response, "curso de Moodle desconocido “999”: sincronice los cursos.", status_code=400
        )
        response = self.save(self.graph(category="77"))
        self.assertContains(response, "“77”", status_code=400)
        for refused in ({"courses": [10], "category": "1"}, {"courses": "10"}, {"category": [1]}):
            self.assertEqual(self.save(self.graph(**refused)).status_code, 400, refused)
        self.workflow.refresh_from_db()
        self.assertEqual(self.workflow.graph, {})
