"""A workflow that starts when someone enrols in a course: the "joins a segment" trigger on a
segment with a Moodle rule takes in those a later sync finds, not those already there."""

import datetime

import time_machine
from django.utils import timezone

from pregon.automation import lifecycle, triggers
from pregon.automation.models import Enrolment as WorkflowEnrolment
from pregon.automation.models import Workflow
from pregon.contacts.models import Contact, Segment
from pregon.moodle.models import Course, Enrolment
from pregon.testing import BaseTestCase
from pregon.testing.automation import chain, node


class CourseTriggerTestCase(BaseTestCase):
    def test_new_students_of_a_course_enter_the_workflow(self) -> None:
        course = Course.objects.create(moodle_id=77, fullname="Excel básico", shortname="XL")
        ana = Contact.objects.create(email="ana@example.pe")
        beto = Contact.objects.create(email="beto@example.pe")
        Enrolment.objects.create(course=course, contact=ana)
        rule = {"field": "moodle_enrolled", "operator": "in_courses", "value": [77]}
        segment = Segment.objects.create(name="Excel", rules={"match": "all", "rules": [rule]})
        trigger = node("n1", "trigger", kind="segment_joined", segment=str(segment.code))
        workflow = Workflow.objects.create(
            name="Bienvenida", graph=chain(trigger, node("n2", "tag", action="add", tag="xl"))
        )
        lifecycle.activate(workflow)
        # Ana was a student when it was activated: she did not join.
        self.assertEqual(triggers.check_scheduled(), 0)
        Enrolment.objects.create(course=course, contact=beto, enrolled_at=timezone.now())
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
            self.assertEqual(triggers.check_scheduled(), 1)
        self.assertEqual(WorkflowEnrolment.objects.get(workflow=workflow).contact, beto)
