"""A Moodle sync's new enrolment in the course a campaign announced becomes the campaign's
conversion when the person clicked its message within the connection's days before: the
event emitted as the sync emits it, the clicks made through the tracked links, the pixel
through its address."""

import datetime

import time_machine
from django.db import connection as database
from django.db import transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact, MailingList
from pregon.lib import events
from pregon.moodle.models import Connection, Course, Enrolment
from pregon.sending import links
from pregon.sending.models import Message
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.testing.webhooks import subscribe_to
from pregon.tracking import conversions, spool
from pregon.tracking.models import Event, EventKind
from pregon.webhooks.models import Delivery

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"
SCANNER = "Mozilla/5.0 (compatible; Barracuda Sentinel)"


def enrol(messages: list[Message], course: Course, at: datetime.datetime) -> None:
    """What a sync does when it finds these messages' contacts newly enrolled in ``course``:
    write the enrolments and emit ``moodle.enrolled``, in one transaction."""
    with transaction.atomic():
        for message in messages:
            Enrolment.objects.create(course=course, contact_id=message.contact_id, enrolled_at=at)
        events.emit(
            events.MOODLE_ENROLLED,
            [
                {
                    "contact": message.contact_id,
                    "course": course.pk,
                    "moodle_course": course.moodle_id,
                    "at": at.isoformat(),
                }
                for message in messages
            ],
        )


class MoodleConversionTestCase(TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.now = timezone.now()
        Connection.objects.create(url="https://aula.example.gob.pe", conversion_days=14)
        self.course = Course.objects.create(
            moodle_id=12, fullname="Contrataciones del Estado", shortname="CE-2026"
        )
        self.other_course = Course.objects.create(
            moodle_id=13, fullname="Gestión pública", shortname="GP-2026"
        )
        self.campaign = campaign_to(contacts_on_a_list(4))
        Campaign.objects.filter(pk=self.campaign.pk).update(course=self.course)
        scheduling.start_due_campaigns()
        Message.objects.update(status="sent", sent_at=self.now - datetime.timedelta(days=30))
        self.messages = list(Message.objects.order_by("email"))

    def click(self, message: Message, days_ago: float, user_agent: str = BROWSER) -> None:
        """The person (or a link scanner) clicks the message's link ``days_ago``."""
        address = links.context(message.pk, 1)["tracking_link_0"]
        with time_machine.travel(self.now - datetime.timedelta(days=days_ago), tick=False):
            response = self.client.get(address, HTTP_USER_AGENT=user_agent)
            self.assertEqual(response.status_code, 302)
            spool.flush()

    def report_by_script(self, message: Message) -> None:
        response = self.client.get(f"/t/v/{conversions.token(message.pk)}.gif")
        self.assertEqual(response.status_code, 200)

    def conversions(self) -> list[tuple[str, str, str]]:
        converted = Event.objects.filter(kind=EventKind.CONVERTED).order_by("message__email")
        return [(event.message.email, event.detail, event.method) for event in converted]

    def test_an_enrolment_after_a_click_is_a_conversion_measured_by_the_sync(self) -> None:
        subscribe_to(events.CONVERSION)
        first, second = self.messages[:2]
        self.click(first, days_ago=3)
        enrol([first, second], self.course, self.now)
        self.assertEqual(self.conversions(), [(first.email, "matricula", "moodle")])
        converted = Event.objects.get(kind=EventKind.CONVERTED)
        self.assertEqual(converted.at, self.now)
        [delivery] = Delivery.objects.filter(event=events.CONVERSION)
        self.assertEqual(
            {key: delivery.payload[key] for key in ("message", "campaign", "goal", "method")},
            {
                "message": first.pk,
                "campaign": self.campaign.pk,
                "goal": "matricula",
                "method": "moodle",
            },
        )
        # The same enrolment reported again (a resumed sync) adds nothing.
        enrol_again = {"contact": first.contact_id, "course": self.course.pk}
        events.emit(events.MOODLE_ENROLLED, [{**enrol_again, "at": self.now.isoformat()}])
        self.assertEqual(len(self.conversions()), 1)

    def test_only_a_persons_click_within_the_days_before_counts(self) -> None:
        early, scanned, late, kept = self.messages
        self.click(early, days_ago=20)
        self.click(scanned, days_ago=2, user_agent=SCANNER)
        self.click(late, days_ago=0)
        self.click(kept, days_ago=13)
        enrol([early, scanned, late, kept], self.course, self.now - datetime.timedelta(days=1))
        self.assertEqual(self.conversions(), [(kept.email, "matricula", "moodle")])
        # A longer window takes the early click in.
        Connection.objects.update(conversion_days=30)
        enrol_payload = {"contact": early.contact_id, "course": self.course.pk}
        events.emit(events.MOODLE_ENROLLED, [{**enrol_payload, "at": self.now.isoformat()}])
        self.assertEqual(
            self.conversions(),
            [(early.email, "matricula", "moodle"), (kept.email, "matricula", "moodle")],
        )

    def test_a_conversion_is_counted_once_whichever_method_saw_it_first(self) -> None:
        by_script, by_sync = self.messages[:2]
        self.click(by_script, days_ago=2)
        self.click(by_sync, days_ago=2)
        self.report_by_script(by_script)
        enrol([by_script, by_sync], self.course, self.now)
        self.report_by_script(by_sync)  # The pasted script, after the sync: nothing more.
        self.assertEqual(
            self.conversions(),
            [(by_script.email, "matricula", "script"), (by_sync.email, "matricula", "moodle")],
        )

    def test_another_course_or_a_campaign_that_does_not_attribute_converts_nothing(
        self,
    ) -> None:
        first, second = self.messages[:2]
        self.click(first, days_ago=1)
        self.click(second, days_ago=1)
        enrol([first], self.other_course, self.now)
        Campaign.objects.filter(pk=self.campaign.pk).update(attribute_conversions=False)
        enrol([second], self.course, self.now)
        self.assertEqual(self.conversions(), [])

    def test_every_campaign_announcing_the_course_that_the_person_clicked_converts(
        self,
    ) -> None:
        first, second = self.messages[:2]
        reminder = campaign_to(MailingList.objects.get(), subject="Últimos días")
        Campaign.objects.filter(pk=reminder.pk).update(course=self.course)
        scheduling.start_due_campaigns()
        reminder.refresh_from_db()
        Message.objects.filter(mailing=reminder.mailing).update(
            status="sent", sent_at=self.now - datetime.timedelta(days=10)
        )
        # The first person clicked both campaigns, the second only the reminder.
        self.click(first, days_ago=5)
        self.click(reminder.mailing.messages.get(contact=first.contact_id), days_ago=1)
        self.click(reminder.mailing.messages.get(contact=second.contact_id), days_ago=1)
        enrol([first, second], self.course, self.now)
        converted = Event.objects.filter(kind=EventKind.CONVERTED)
        self.assertEqual(
            sorted(converted.values_list("message__mailing__campaign", "message__contact")),
            sorted(
                [
                    (self.campaign.pk, first.contact_id),
                    (reminder.pk, first.contact_id),
                    (reminder.pk, second.contact_id),
                ]
            ),
        )

    def test_the_window_holds_whatever_the_offset_of_the_enrolments_time(self) -> None:
        inside, outside = self.messages[:2]
        self.click(inside, days_ago=13.9)
        self.click(outside, days_ago=14.1)
        lima = datetime.timezone(datetime.timedelta(hours=-5))
        enrol([inside, outside], self.course, self.now.astimezone(lima))
        self.assertEqual(self.conversions(), [(inside.email, "matricula", "moodle")])
        self.assertEqual(Event.objects.get(kind=EventKind.CONVERTED).at, self.now)

    def test_a_deleted_contacts_message_converts_nothing(self) -> None:
        gone, kept = self.messages[:2]
        self.click(gone, days_ago=1)
        self.click(kept, days_ago=1)
        Contact.objects.filter(pk=gone.contact_id).delete()
        # The sync finds the same person again, as a new contact.
        again = Contact.objects.create(email=gone.email)
        events.emit(
            events.MOODLE_ENROLLED,
            [
                {"contact": contact, "course": self.course.pk, "at": self.now.isoformat()}
                for contact in (again.pk, kept.contact_id)
            ],
        )
        self.assertEqual(self.conversions(), [(kept.email, "matricula", "moodle")])

    def test_without_a_connection_nothing_is_recorded(self) -> None:
        first = self.messages[0]
        self.click(first, days_ago=1)
        Connection.objects.all().delete()
        enrol([first], self.course, self.now)
        self.assertEqual(self.conversions(), [])

    def test_a_batch_of_enrolments_costs_the_same_queries_whatever_its_size(self) -> None:
        for message in self.messages:
            self.click(message, days_ago=1)

        def queries(messages: list[Message], course: Course) -> int:
            payloads = [
                {"contact": message.contact_id, "course": course.pk, "at": self.now.isoformat()}
                for message in messages
            ]
            with CaptureQueriesContext(database) as captured:
                events.emit(events.MOODLE_ENROLLED, payloads)
            return len(captured)

        small = queries(self.messages[:1], self.course)
        self.assertEqual(queries(self.messages[1:], self.course), small)
        self.assertEqual(len(self.conversions()), 4)
