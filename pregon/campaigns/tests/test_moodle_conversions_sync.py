"""End to end with the fake classroom: a campaign announces a Moodle course, a person clicks
its message, enrols in Moodle, and the next sync makes the enrolment the campaign's
conversion, measured by the sync; the person who did not click, and the one enrolled before
the first sync, convert nothing."""

from django.urls import reverse

from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact, MailingList, Subscription
from pregon.moodle.models import Course, SyncStatus
from pregon.sending import links
from pregon.sending.models import Message
from pregon.testing import BaseTestCase
from pregon.testing.campaigns import campaign_to
from pregon.testing.moodle_sync import connect, sync_now
from pregon.testing.moodle_ws import Category as MoodleCategory
from pregon.testing.moodle_ws import Course as MoodleCourse
from pregon.testing.moodle_ws import Dataset, FakeMoodle
from pregon.testing.moodle_ws import Enrolment as MoodleEnrolment
from pregon.testing.moodle_ws import User as MoodleUser
from pregon.tracking import spool
from pregon.tracking.models import Event, EventKind

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"


class SyncedConversionTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dataset = Dataset(
            categories=[MoodleCategory(1, "Gestión pública")],
            courses=[MoodleCourse(10, "Contrataciones del Estado", "CE", 1)],
            users=[
                MoodleUser(100, "ana", "Ana", "Quispe", "ana@example.pe"),
                MoodleUser(101, "luis", "Luis", "Huamán", "luis@example.pe"),
                MoodleUser(102, "rosa", "Rosa", "Flores", "rosa@example.pe"),
            ],
            enrolments=[MoodleEnrolment(102, 10)],
        )
        self.moodle = self.enterContext(FakeMoodle(self.dataset))
        connect(self.moodle)
        # Ana and Luis are contacts already; Rosa comes with the first sync.
        Contact.objects.create(email="ana@example.pe")
        Contact.objects.create(email="luis@example.pe")
        self.assertEqual(sync_now(user=self.alice).status, SyncStatus.DONE)
        students = MailingList.objects.create(name="Estudiantes")
        for contact in Contact.objects.all():
            Subscription.objects.create(contact=contact, mailing_list=students)
        campaign = campaign_to(students)
        Campaign.objects.filter(pk=campaign.pk).update(course=Course.objects.get(moodle_id=10))
        scheduling.start_due_campaigns()
        self.campaign = Campaign.objects.get()

    def click(self, email: str) -> None:
        message = Message.objects.get(email=email)
        address = links.context(message.pk, 1)["tracking_link_0"]
        self.assertEqual(self.client.get(address, HTTP_USER_AGENT=BROWSER).status_code, 302)
        spool.flush()

    def test_an_enrolment_the_sync_finds_after_a_click_is_a_conversion(self) -> None:
        self.click("ana@example.pe")
        self.click("rosa@example.pe")  # Enrolled before the first sync: not new.
        self.dataset.enrol(100, 10)
        self.dataset.enrol(101, 10)  # Luis did not click.
        self.assertEqual(sync_now().status, SyncStatus.DONE)
        converted = Event.objects.filter(kind=EventKind.CONVERTED)
        self.assertEqual(
            list(converted.values_list("message__email", "detail", "method")),
            [("ana@example.pe", "matricula", "moodle")],
        )
        self.client.force_login(self.charlie)
        report = self.client.get(reverse("reports:campaign", args=[self.campaign.code]))
        self.assertContains(report, '<tr data-method="moodle"><td>Moodle sync</td>')
