"""The engine through its entry points: contacts enrolled by an event, moved by run_due,
their emails delivered by the sending engine to a real SMTP server, personalised."""

import datetime

from django.utils import timezone

from pregon.automation import entry, lifecycle
from pregon.automation.models import Enrolment, EnrolmentStatus, Outcome, StepLog, Workflow
from pregon.contacts.models import Contact, MailingList, Status, Tag
from pregon.lib import events
from pregon.sending.models import Message
from pregon.testing import BaseTestCase
from pregon.testing.automation import chain, edge, email_node, node, run_all
from pregon.testing.campaigns import send_all
from pregon.testing.smtp import Mailbox, smtp_server


class EngineTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = MailingList.objects.create(name="Cursos")
        self.ana = Contact.objects.create(email="ana@example.pe", first_name="Ana")

    def workflow(self, graph: dict, **options: object) -> Workflow:
        workflow = Workflow.objects.create(name="Bienvenida", graph=graph, **options)
        lifecycle.activate(workflow)
        return workflow

    def joined(self, contact: Contact) -> None:
        events.emit(events.LIST_JOINED, [{"contact": contact.pk, "list": self.courses.pk}])

    def test_a_list_join_sends_a_personalised_email_and_tags(self) -> None:
        trigger = node("n1", "trigger", kind="list_joined", list=str(self.courses.code))
        graph = chain(
            trigger,
            email_node("n2"),
            node("n3", "wait", mode="duration", minutes=0),
            node("n4", "branch", kind="engagement", event="opened"),
        )
        graph["nodes"].append(node("n5", "tag", action="add", tag="sin-abrir"))
        graph["edges"] += [edge("n4", "n5", "no")]
        graph["nodes"].append(node("n6", "tag", action="add", tag="abrió"))
        graph["edges"] += [edge("n4", "n6", "yes")]
        workflow = self.workflow(graph)

        self.joined(self.ana)
        self.assertEqual(run_all(), 5)
        mailbox = Mailbox()
        with smtp_server(mailbox):
            send_all()

        self.assertEqual([m.recipient for m in mailbox.received], ["ana@example.pe"])
        self.assertIn("Hola Ana", mailbox.received[0].parsed().get("Subject"))
        enrolment = Enrolment.objects.get(workflow=workflow)
        self.assertEqual(enrolment.status, EnrolmentStatus.COMPLETED)
        self.assertEqual(list(self.ana.tags.values_list("name", flat=True)), ["sin-abrir"])
        history = StepLog.objects.filter(contact=self.ana).values_list("node", "outcome")
        self.assertEqual(
            list(history),
            [
                ("n1", Outcome.ENTERED),
                ("n2", Outcome.SENT),
                ("n3", Outcome.DONE),
                ("n4", Outcome.NO),
                ("n5", Outcome.DONE),
            ],
        )
        # Running again does nothing more: every step ran once.
        self.assertEqual(run_all(), 0)
        self.assertEqual(Message.objects.count(), 1)

    def test_once_ever(self) -> None:
        trigger = node("n1", "trigger", kind="list_joined", list=str(self.courses.code))
        workflow = self.workflow(chain(trigger, node("n2", "tag", action="add", tag="x")))
        self.joined(self.ana)
        run_all()
        self.joined(self.ana)
        run_all()
        self.assertEqual(Enrolment.objects.filter(workflow=workflow).count(), 1)

    def test_again_after_days(self) -> None:
        trigger = node("n1", "trigger", kind="api")
        workflow = self.workflow(
            chain(trigger, email_node("n2")), entry_rule="again", again_after_days=10
        )
        self.assertTrue(entry.enrol_contact(workflow, self.ana))
        run_all()
        self.assertFalse(entry.enrol_contact(workflow, self.ana))
        Enrolment.objects.update(entered_at=timezone.now() - datetime.timedelta(days=11))
        self.assertTrue(entry.enrol_contact(workflow, self.ana))
        run_all()
        # A second round's mailing: a mailing holds one message per contact.
        self.assertEqual(Message.objects.filter(contact=self.ana).count(), 2)

    def test_a_wait_holds_the_contact_until_its_end(self) -> None:
        trigger = node("n1", "trigger", kind="api")
        workflow = self.workflow(
            chain(trigger, node("n2", "wait", mode="duration", minutes=60), email_node("n3"))
        )
        entry.enrol_contact(workflow, self.ana)
        run_all()
        enrolment = Enrolment.objects.get()
        self.assertEqual((enrolment.node, enrolment.waiting), ("n2", True))
        self.assertFalse(Message.objects.exists())
        Enrolment.objects.update(due_at=timezone.now())
        run_all()
        self.assertEqual(Message.objects.count(), 1)

    def test_unsubscribed_contacts_get_no_email(self) -> None:
        Contact.objects.filter(pk=self.ana.pk).update(status=Status.UNSUBSCRIBED)
        workflow = self.workflow(chain(node("n1", "trigger", kind="api"), email_node("n2")))
        entry.enrol_contact(workflow, self.ana)
        run_all()
        self.assertFalse(Message.objects.exists())
        self.assertEqual(StepLog.objects.get(node="n2").outcome, Outcome.SKIPPED)

    def test_frequency_cap(self) -> None:
        workflow = self.workflow(
            chain(node("n1", "trigger", kind="api"), email_node("n2"), email_node("n3")),
            cap_messages=1,
            cap_days=7,
        )
        entry.enrol_contact(workflow, self.ana)
        run_all()
        self.assertEqual(Message.objects.count(), 1)
        self.assertEqual(StepLog.objects.get(node="n3").outcome, Outcome.SKIPPED)

    def test_quiet_hours_hold_the_email(self) -> None:
        now = timezone.localtime()
        start = (now - datetime.timedelta(hours=1)).time()
        end = (now + datetime.timedelta(hours=1)).time()
        workflow = self.workflow(
            chain(node("n1", "trigger", kind="api"), email_node("n2")),
            quiet_from=start,
            quiet_to=end,
        )
        entry.enrol_contact(workflow, self.ana)
        run_all()
        self.assertFalse(Message.objects.exists())
        enrolment = Enrolment.objects.get()
        self.assertEqual(enrolment.node, "n2")
        self.assertGreater(enrolment.due_at, timezone.now() + datetime.timedelta(minutes=50))

    def test_a_conversion_ends_the_run_at_the_goal(self) -> None:
        graph = chain(
            node("n1", "trigger", kind="api"), node("n2", "wait", mode="duration", minutes=600)
        )
        graph["nodes"].append(node("g", "goal", goal="matricula"))
        workflow = self.workflow(graph)
        entry.enrol_contact(workflow, self.ana)
        run_all()
        events.emit(events.CONVERSION, [{"contact": self.ana.pk, "goal": "matricula"}])
        self.assertEqual(Enrolment.objects.get().status, EnrolmentStatus.EXITED_GOAL)

    def test_a_tag_trigger(self) -> None:
        tag = Tag.objects.create(name="interesado")
        trigger = node("n1", "trigger", kind="tag_added", tag="interesado")
        workflow = self.workflow(chain(trigger, node("n2", "tag", action="remove", tag="x")))
        events.emit(events.TAG_ADDED, [{"contact": self.ana.pk, "tag": tag.pk}])
        self.assertEqual(Enrolment.objects.filter(workflow=workflow).count(), 1)

    def test_a_paused_workflow_moves_nobody(self) -> None:
        workflow = self.workflow(chain(node("n1", "trigger", kind="api"), email_node("n2")))
        entry.enrol_contact(workflow, self.ana)
        lifecycle.pause(workflow)
        self.assertEqual(run_all(), 0)
        lifecycle.resume(workflow)
        self.assertEqual(run_all(), 2)
