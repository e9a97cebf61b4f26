"""The Moodle course a campaign announces, and "leave out those already enrolled": the
campaign form's select and checkbox, the recipients counted before sending, what a real SMTP
server receives, and the copies (a duplicate, a resend) keeping both."""

from django.test import TestCase
from django.urls import reverse

from pregon.campaigns import resend, scheduling
from pregon.campaigns.models import Campaign, ResendKind
from pregon.contacts.models import Contact
from pregon.moodle.models import Category, Course, Enrolment
from pregon.testing import BaseTestCase, drafts
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server


def synced_courses() -> dict[int, Course]:
    """Courses as a sync leaves them: two visible (Moodle ids 101, 102), one hidden (201)."""
    category = Category.objects.create(moodle_id=3, name="Posgrado", path="/3")
    rows = [
        (101, "Maestría en Gestión", "MGP", True),
        (102, "Diplomado en Datos", "DD", True),
        (201, "Curso archivado", "ARCH", False),
    ]
    return {
        moodle_id: Course.objects.create(
            moodle_id=moodle_id,
            category=category,
            fullname=name,
            shortname=short,
            visible=visible,
        )
        for moodle_id, name, short, visible in rows
    }


def enrol(course: Course, *emails: str) -> None:
    for email in emails:
        Enrolment.objects.create(course=course, contact=Contact.objects.get(email=email))


class CampaignCourseFormTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.list = drafts.mailing_list("Participantes", 4)
        drafts.sender()
        self.template = drafts.template()
        self.client.force_login(self.bob)

    def data(self, **changes: object) -> dict[str, object]:
        return {
            "name": "Maestría 2027",
            "subject": "Inscríbete",
            "template": self.template.pk,
            "include_lists": [self.list.pk],
            "track_opens": "on",
            "track_clicks": "on",
            **changes,
        }

    def test_without_synced_courses_the_form_has_no_course_section(self) -> None:
        response = self.client.get(reverse("campaigns:create"))
        self.assertNotContains(response, 'id="course-fields"')
        self.assertNotContains(response, 'name="exclude_enrolled"')

    def test_it_offers_the_synced_courses_visible_first(self) -> None:
        synced_courses()
        response = self.client.get(reverse("campaigns:create"))
        self.assertContains(response, 'id="course-fields"')
        html = response.content.decode()
        select = html[
            html.index('name="course"') : html.index("</select>", html.index('name="course"'))
        ]
        self.assertLess(
            select.index("Diplomado en Datos (DD)"), select.index("Maestría en Gestión")
        )
        self.assertLess(select.index("Maestría en Gestión"), select.index("Curso archivado"))
        self.assertIn(
            '<option value="201">Curso archivado (ARCH) (hidden in Moodle)</option>', select
        )
        self.assertContains(response, 'name="exclude_enrolled"')

    def test_it_saves_the_course_and_counts_recipients_without_those_enrolled(self) -> None:
        courses = synced_courses()
        enrol(courses[101], "participantes0@example.pe", "participantes1@example.pe")
        enrol(courses[102], "participantes2@example.pe")
        response = self.client.post(
            reverse("campaigns:create"), self.data(course=101, exclude_enrolled="on"), follow=True
        )
        campaign = Campaign.objects.get()
        self.assertEqual((campaign.course, campaign.exclude_enrolled), (courses[101], True))
        # Four on the list, two already in the course.
        self.assertContains(response, 'data-count="2"')
        self.assertContains(response, 'data-course="101"')
        self.assertContains(response, "Those already enrolled in it are left out.")

        url = reverse("campaigns:edit", args=[campaign.code])
        self.client.post(url, self.data(course=101))
        campaign.refresh_from_db()
        self.assertFalse(campaign.exclude_enrolled)
        response = self.client.get(reverse("campaigns:detail", args=[campaign.code]))
        self.assertContains(response, 'data-count="4"')
        self.assertNotContains(response, 'id="exclude-enrolled"')

    def test_leaving_out_the_enrolled_needs_a_course(self) -> None:
        synced_courses()
        response = self.client.post(reverse("campaigns:create"), self.data(exclude_enrolled="on"))
        self.assertContains(
            response, "Choose the course it announces to leave out those already enrolled in it."
        )
        self.assertFalse(Campaign.objects.exists())

    def test_a_course_not_synced_is_refused(self) -> None:
        synced_courses()
        response = self.client.post(reverse("campaigns:create"), self.data(course=999))
        self.assertContains(response, "That course is not among those synced from Moodle")
        self.assertFalse(Campaign.objects.exists())

    def test_editing_shows_the_course_chosen(self) -> None:
        courses = synced_courses()
        campaign = drafts.draft(self.list, course=courses[102], exclude_enrolled=True)
        response = self.client.get(reverse("campaigns:edit", args=[campaign.code]))
        self.assertContains(
            response, '<option value="102" selected>Diplomado en Datos (DD)</option>'
        )
        self.assertContains(
            response,
            'id="id_exclude_enrolled" checked',
        )

    def test_a_duplicate_keeps_the_course(self) -> None:
        courses = synced_courses()
        campaign = drafts.draft(self.list, course=courses[102], exclude_enrolled=True)
        copy = campaign.duplicate(self.bob)
        self.assertEqual((copy.course, copy.exclude_enrolled), (courses[102], True))


class SendLeavingOutTheEnrolledTestCase(TestCase):
    """What arrives: the list's people, less those enrolled in the course announced when it
    starts; students of other courses still get it."""

    def setUp(self) -> None:
        self.mailing_list = contacts_on_a_list(6)
        self.courses = synced_courses()
        enrol(self.courses[101], "persona0000@example.pe", "persona0001@example.pe")
        enrol(self.courses[102], "persona0002@example.pe")

    def send(self, campaign: Campaign) -> list[str]:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            scheduling.start_due_campaigns()
            send_all()
        return sorted(mailbox.count())

    def test_those_enrolled_in_the_course_are_left_out(self) -> None:
        campaign = campaign_to(self.mailing_list)
        Campaign.objects.filter(pk=campaign.pk).update(
            course=self.courses[101], exclude_enrolled=True
        )
        received = self.send(campaign)
        self.assertEqual(received, [f"persona{n:04d}@example.pe" for n in range(2, 6)])

    def test_without_the_checkbox_the_course_leaves_nobody_out(self) -> None:
        campaign = campaign_to(self.mailing_list)
        Campaign.objects.filter(pk=campaign.pk).update(course=self.courses[101])
        self.assertEqual(len(self.send(campaign)), 6)


class ResendLeavingOutTheEnrolledTestCase(TestCase):
    def test_a_resend_to_non_openers_leaves_out_those_enrolled_since(self) -> None:
        courses = synced_courses()
        with smtp_server(Mailbox()):
            parent = campaign_to(contacts_on_a_list(4))
            Campaign.objects.filter(pk=parent.pk).update(course=courses[101], exclude_enrolled=True)
            scheduling.start_due_campaigns()
            send_all()
        parent.refresh_from_db()
        self.assertEqual(resend.reach(parent, counts_machines=False), 4)
        # Enrolled after the announcement, without opening it.
        enrol(courses[101], "persona0000@example.pe")
        self.assertEqual(resend.reach(parent, counts_machines=False), 3)
        copy = resend.create(parent, ResendKind.NON_OPENERS, None)
        self.assertEqual((copy.course, copy.exclude_enrolled), (courses[101], True))
        self.assertEqual(copy.audience().count(), 3)
