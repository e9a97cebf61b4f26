"""A workflow started by a Moodle enrolment, set up in real Chromium: the trigger's courses
picked in the side panel's list (two of them), shown on the canvas, saved and activated;
then a sync with the (fake) classroom finds a new student of one of them, who enters.

Saves the screenshot the manual shows (docs/screenshots/automation-moodle-trigger.png).
"""

import pytest

from pregon.accounts.models import Role, User
from pregon.automation.models import Enrolment as Run
from pregon.automation.models import Workflow
from pregon.automation.tests.test_moodle_triggers import classroom
from pregon.contacts.models import Contact
from pregon.moodle.models import SyncStatus
from pregon.testing.automation import run_all
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    screenshot,
)
from pregon.testing.moodle_sync import connect, sync_now
from pregon.testing.moodle_ws import FakeMoodle

EDITOR = "editora@example.pe"


@pytest.mark.browser
class MoodleTriggerBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR)
        self.dataset = classroom()
        self.moodle = self.enterContext(FakeMoodle(self.dataset))
        connect(self.moodle)
        self.assertEqual(sync_now().status, SyncStatus.DONE)

    def test_pick_two_courses_and_a_new_student_enters(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(f"{base}/automatizaciones/")
            page.click("#workflow-new")
            page.fill("#id_name", "Bienvenida a los estudiantes nuevos")
            page.click("#workflow-create-form button[type=submit]")
            expect(page.locator("#automation-canvas")).to_be_visible()
            page.drag_and_drop(
                "[data-node-type='trigger']",
                "#automation-canvas",
                target_position={"x": 20, "y": 40},
            )
            page.drag_and_drop(
                "[data-node-type='tag']",
                "#automation-canvas",
                target_position={"x": 260, "y": 40},
            )
            page.drag_and_drop(
                ".drawflow-node:has(.wf-node[data-nid='n1']) .output_1",
                ".drawflow-node:has(.wf-node[data-nid='n2']) .input_1",
            )
            page.locator(".wf-node[data-nid='n2'] .wf-title").click()
            page.locator("#wf-field-tag").fill("estudiante-nuevo")
            page.locator("#wf-field-tag").dispatch_event("change")
            page.locator(".wf-node[data-nid='n1'] .wf-title").click()
            page.locator("#wf-field-kind").select_option(label="Se matricula en un curso de Moodle")
            courses = page.locator("#wf-field-courses")
            expect(courses).to_be_visible()
            courses.select_option(label=["Ética en la función pública (ETICA)", "Inglés I (ING1)"])
            summary = page.locator(".wf-node[data-nid='n1']")
            expect(summary).to_contain_text("Ética en la función pública")
            expect(summary).to_contain_text("Inglés I")
            screenshot(page, "automation-moodle-trigger", full_page=False)
            page.click("#workflow-save")
            expect(page.locator(".alert-success")).to_contain_text("Flujo guardado")
            workflow = Workflow.objects.get()
            [trigger] = [n for n in workflow.graph["nodes"] if n["type"] == "trigger"]
            self.assertEqual(trigger["config"]["kind"], "moodle_enrolled")
            self.assertEqual(sorted(trigger["config"]["courses"]), [10, 12])
            page.click("#workflow-activate")
            expect(page.locator("[data-status=active]").first).to_be_visible()
            self.assertEqual(problems, [])

        # Luis starts Inglés I, Rosa a course the trigger does not name; the engine tags Luis.
        self.dataset.enrol(101, 12)
        self.dataset.enrol(102, 11)
        self.assertEqual(sync_now().status, SyncStatus.DONE)
        entered = Run.objects.filter(workflow=workflow, node="n1")
        self.assertEqual(
            list(entered.values_list("contact__email", flat=True)), ["luis@example.pe"]
        )
        run_all()
        tagged = Contact.objects.filter(tags__name="estudiante-nuevo")
        self.assertEqual(list(tagged.values_list("email", flat=True)), ["luis@example.pe"])
