"""Triggers that are not a single event: a date field coming around, joining a segment,
a segment enrolled by hand; and events that end waits."""

import datetime

import time_machine
from django.utils import timezone

from pregon.automation import entry, lifecycle, triggers
from pregon.automation.models import Enrolment, EnrolmentStatus, Outcome, StepLog, Workflow
from pregon.contacts.models import Contact, Field, FieldType, Segment
from pregon.lib import events
from pregon.sending.models import Message
from pregon.testing import BaseTestCase
from pregon.testing.automation import chain, edge, email_node, node, run_all
from pregon.tracking.models import Event, EventKind

LIMA = datetime.timezone(datetime.timedelta(hours=-5))


class TriggersTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        Field.objects.create(key="inicio", label="Inicio del curso", type=FieldType.DATE)
        self.ana = Contact.objects.create(
            email="ana@example.pe", attributes={"inicio": "2026-12-20"}
        )
        self.beto = Contact.objects.create(
            email="beto@example.pe", attributes={"inicio": "2026-12-27"}
        )

    def active(self, *steps: dict, trigger: dict) -> Workflow:
        workflow = Workflow.objects.create(name="Flujo", graph=chain(trigger, *steps))
        lifecycle.activate(workflow)
        return workflow

    def test_seven_days_before_a_date_field_at_its_time(self) -> None:
        trigger = node(
            "n1", "trigger", kind="date_field", field="inicio", offset_days=-7, time="09:00"
        )
        workflow = self.active(node("n2", "tag", action="add", tag="recordado"), trigger=trigger)
        with time_machine.travel(datetime.datetime(2026, 12, 13, 8, 30, tzinfo=LIMA), tick=False):
            self.assertEqual(triggers.check_scheduled(), 0)  # Before its time.
        with time_machine.travel(datetime.datetime(2026, 12, 13, 9, 1, tzinfo=LIMA), tick=False):
            self.assertEqual(triggers.check_scheduled(), 1)
            self.assertEqual(triggers.check_scheduled(), 0)  # Once a day.
        self.assertEqual(
            list(Enrolment.objects.filter(workflow=workflow).values_list("contact", flat=True)),
            [self.ana.pk],
        )

    def test_joining_a_segment_after_activation(self) -> None:
        segment = Segment.objects.create(
            name="Con teléfono",
            rules={
                "match": "all",
                "rules": [{"field": "phone", "operator": "is_not_empty", "value": None}],
            },
        )
        Contact.objects.filter(pk=self.ana.pk).update(phone="+51987654321")
        trigger = node("n1", "trigger", kind="segment_joined", segment=str(segment.code))
        workflow = self.active(node("n2", "tag", action="add", tag="x"), trigger=trigger)
        # Ana was in it at activation: she did not join it.
        self.assertEqual(triggers.check_scheduled(), 0)
        Contact.objects.filter(pk=self.beto.pk).update(phone="+51987654322")
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
            self.assertEqual(triggers.check_scheduled(), 1)
        self.assertEqual(Enrolment.objects.get(workflow=workflow).contact, self.beto)

    def test_a_segment_enrolled_by_hand(self) -> None:
        segment = Segment.objects.create(name="Todos", rules={"match": "all", "rules": []})
        trigger = node("n1", "trigger", kind="manual")
        workflow = self.active(node("n2", "tag", action="add", tag="x"), trigger=trigger)
        self.assertEqual(entry.enrol_segment(workflow, segment), 2)
        self.assertEqual(entry.enrol_segment(workflow, segment), 0)  # Once ever.
        self.assertEqual(run_all(), 4)

    def test_an_open_ends_a_wait_for_it_by_yes(self) -> None:
        graph = chain(node("n1", "trigger", kind="api"), email_node("n2"))
        graph["nodes"] += [
            node("n3", "wait", mode="until_event", event="opened", within_days=3),
            node("y", "tag", action="add", tag="abrió"),
            node("n", "tag", action="add", tag="no-abrió"),
        ]
        graph["edges"] += [edge("n2", "n3"), edge("n3", "y", "yes"), edge("n3", "n", "no")]
        workflow = Workflow.objects.create(name="Espera", graph=graph)
        lifecycle.activate(workflow)
        entry.enrol_contact(workflow, self.ana)
        entry.enrol_contact(workflow, self.beto)
        run_all()
        self.assertEqual(Enrolment.objects.filter(node="n3", waiting=True).count(), 2)

        message = Message.objects.get(contact=self.ana)
        Event.objects.create(kind=EventKind.OPENED, message=message)
        events.emit(events.MESSAGE_OPENED, [{"contact": self.ana.pk, "message": message.pk}])
        run_all()
        self.assertEqual(list(self.ana.tags.values_list("name", flat=True)), ["abrió"])
        self.assertFalse(self.beto.tags.exists())  # Still waiting, 3 days.

        Enrolment.objects.filter(contact=self.beto).update(due_at=timezone.now())
        run_all()
        self.assertEqual(list(self.beto.tags.values_list("name", flat=True)), ["no-abrió"])
        self.assertEqual(
            set(StepLog.objects.filter(node="n3").values_list("contact_id", "outcome")),
            {
                (self.ana.pk, Outcome.WAITING),
                (self.beto.pk, Outcome.WAITING),
                (self.ana.pk, Outcome.YES),
                (self.beto.pk, Outcome.NO),
            },
        )
        self.assertEqual(
            set(Enrolment.objects.values_list("status", flat=True)), {EnrolmentStatus.COMPLETED}
        )
