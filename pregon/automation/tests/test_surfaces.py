"""Triggers fed by the real surfaces that emit the events: the contacts API joining a list,
a person's click on a campaign's link (through the redirect and the spool's flush), and a
conversion reported by the landing page's pixel."""

import datetime
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone

from pregon.automation import entry, lifecycle
from pregon.automation.models import Enrolment, EnrolmentStatus, Workflow
from pregon.campaigns import scheduling
from pregon.contacts.models import Contact, MailingList
from pregon.sending import links
from pregon.sending.models import Message, MessageStatus
from pregon.testing.api import ApiTestCase
from pregon.testing.automation import chain, node, run_all
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.tracking import spool

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148"
)


class SurfacesTestCase(ApiTestCase):
    def activate(self, graph: dict) -> Workflow:
        workflow = Workflow.objects.create(name="Flujo", graph=graph)
        lifecycle.activate(workflow)
        return workflow

    def sent_campaign(self) -> tuple[object, Message]:
        campaign = campaign_to(contacts_on_a_list(1))
        scheduling.start_due_campaigns()
        message = Message.objects.get()
        # Sent an hour ago: a click seconds after sending would be a link scanner's.
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENT, sent_at=an_hour_ago)
        return campaign, message

    def click(self, message: Message) -> str:
        path = urlsplit(links.context(message.pk, 1)["tracking_link_0"]).path
        response = self.client.get(path, HTTP_USER_AGENT=IPHONE)
        self.assertEqual(response.status_code, 302)
        spool.flush()
        return response["Location"]

    def test_a_contact_created_on_a_list_through_the_api_enters(self) -> None:
        course = MailingList.objects.create(name="Cursos")
        trigger = node("n1", "trigger", kind="list_joined", list=str(course.code))
        workflow = self.activate(chain(trigger, node("n2", "tag", action="add", tag="nuevo")))
        response = self.call(
            "POST", "/contacts", {"email": "ana@example.pe", "lists": [str(course.code)]}
        )
        self.assertEqual(response.status_code, 201)
        run_all()
        ana = Contact.objects.get(email="ana@example.pe")
        self.assertEqual(Enrolment.objects.get(workflow=workflow).contact, ana)
        self.assertEqual(list(ana.tags.values_list("name", flat=True)), ["nuevo"])

    def test_a_click_on_the_campaigns_link_enters_and_another_link_does_not(self) -> None:
        campaign, message = self.sent_campaign()
        other = self.activate(
            chain(
                node(
                    "n1",
                    "trigger",
                    kind="link_clicked",
                    campaign=str(campaign.code),
                    url="https://aula.example.gob.pe/otro",
                ),
                node("n2", "tag", action="add", tag="x"),
            )
        )
        workflow = self.activate(
            chain(
                node(
                    "n1",
                    "trigger",
                    kind="link_clicked",
                    campaign=str(campaign.code),
                    url="https://aula.example.gob.pe/curso",
                ),
                node("n2", "tag", action="add", tag="x"),
            )
        )
        self.click(message)
        self.assertEqual(Enrolment.objects.get(workflow=workflow).contact_id, message.contact_id)
        self.assertFalse(Enrolment.objects.filter(workflow=other).exists())

    def test_a_conversion_from_the_landing_page_ends_the_run_at_its_goal(self) -> None:
        _campaign, message = self.sent_campaign()
        graph = chain(
            node("n1", "trigger", kind="api"), node("n2", "wait", mode="duration", minutes=600)
        )
        graph["nodes"].append(node("g", "goal", goal="matricula"))
        workflow = self.activate(graph)
        entry.enrol_contact(workflow, message.contact)
        run_all()
        token = parse_qs(urlsplit(self.click(message)).query)["pregon"][0]
        response = self.client.get(f"/t/v/{token}.gif", {"objetivo": "Matrícula"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Enrolment.objects.get().status, EnrolmentStatus.EXITED_GOAL)
