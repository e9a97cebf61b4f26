"""A Moodle sync's new enrolment in the course a pop-up announced becomes the pop-up's
conversion when the contact clicked it (as a known visitor) within the connection's days
before; once per pop-up, contact and goal, whether the pixel or the sync saw it first."""

import datetime
from urllib.parse import parse_qs, urlsplit

import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pregon.accounts.models import ApiToken, Role, User
from pregon.contacts.models import Contact
from pregon.lib import events
from pregon.moodle.models import Connection, Course, Enrolment
from pregon.popups import config, spool
from pregon.popups.models import PopupEvent, PopupEventKind
from pregon.testing.popup_public import PublicTestCase, identity_token, sent_message
from pregon.testing.webhooks import subscribe_to
from pregon.webhooks.models import Delivery

SCANNER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def enrol(contacts: list[int], course: Course, at: datetime.datetime) -> None:
    """What a sync does when it finds ``contacts`` newly enrolled in ``course``."""
    with transaction.atomic():
        for contact in contacts:
            Enrolment.objects.create(course=course, contact_id=contact, enrolled_at=at)
        events.emit(
            events.MOODLE_ENROLLED,
            [
                {
                    "contact": contact,
                    "course": course.pk,
                    "moodle_course": course.moodle_id,
                    "at": at.isoformat(),
                }
                for contact in contacts
            ],
        )


class PopupMoodleConversionTestCase(PublicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.now = timezone.now()
        Connection.objects.create(url="https://aula.escuela.example.pe", conversion_days=14)
        self.course = Course.objects.create(
            moodle_id=12, fullname="Contrataciones del Estado", shortname="CE-2026"
        )
        self.popup.promoted_course = self.course
        self.popup.save()
        self.message = sent_message()
        self.contact = self.message.contact_id

    def click(self, days_ago: float, known: bool = True, **headers: str) -> str:
        """A click on the pop-up's button ``days_ago``, by the contact the email link named
        (or an anonymous visitor); the conversion token it carries to the classroom."""
        click = config.click_url(self.popup).split("/p/c/", 1)[1]
        query = {"t": identity_token(self.message)} if known else {}
        with time_machine.travel(self.now - datetime.timedelta(days=days_ago), tick=False):
            landing = self.visitor.get(f"/p/c/{click}", query, **headers)["Location"]
            spool.flush()
        return parse_qs(urlsplit(landing).query)["pregon"][0]

    def conversions(self) -> list[tuple[int | None, str, str]]:
        converted = PopupEvent.objects.filter(kind=PopupEventKind.CONVERTED).order_by("pk")
        return list(converted.values_list("contact", "detail", "method"))

    def test_an_enrolment_after_a_known_visitors_click_is_the_popups_conversion(self) -> None:
        subscribe_to(events.CONVERSION)
        self.click(days_ago=2)
        stranger = Contact.objects.create(email="otra@example.pe").pk
        enrol([self.contact, stranger], self.course, self.now)
        self.assertEqual(self.conversions(), [(self.contact, "matricula", "moodle")])
        self.assertEqual(PopupEvent.objects.get(kind=PopupEventKind.CONVERTED).at, self.now)
        [delivery] = Delivery.objects.filter(event=events.CONVERSION)
        self.assertEqual(
            {key: delivery.payload[key] for key in ("popup", "contact", "goal", "method")},
            {
                "popup": self.popup.pk,
                "contact": self.contact,
                "goal": "matricula",
                "method": "moodle",
            },
        )
        # Found again (a resumed sync): still one.
        enrol_again = {"contact": self.contact, "course": self.course.pk}
        events.emit(events.MOODLE_ENROLLED, [{**enrol_again, "at": self.now.isoformat()}])
        self.assertEqual(len(self.conversions()), 1)

    def test_old_anonymous_and_machines_clicks_do_not_count(self) -> None:
        self.click(days_ago=20)
        self.click(days_ago=1, known=False)
        self.click(days_ago=1, HTTP_USER_AGENT=SCANNER)
        enrol([self.contact], self.course, self.now)
        self.assertEqual(self.conversions(), [])
        self.popup.promoted_course = None
        self.popup.save()
        self.click(days_ago=1)
        events.emit(
            events.MOODLE_ENROLLED,
            [{"contact": self.contact, "course": self.course.pk, "at": self.now.isoformat()}],
        )
        self.assertEqual(self.conversions(), [])

    def test_the_pixel_and_the_sync_count_the_contacts_conversion_once(self) -> None:
        token = self.click(days_ago=1)
        enrol([self.contact], self.course, self.now)
        # The classroom's pixel reports the same enrolment afterwards, from another address.
        pixel = self.visitor.get(f"/t/v/{token}.gif", REMOTE_ADDR="200.1.2.3")
        self.assertEqual(pixel.status_code, 200)
        self.assertEqual(self.conversions(), [(self.contact, "matricula", "moodle")])
        # The other way round: a known visitor's pixel first, then the sync finds nothing new.
        PopupEvent.objects.filter(kind=PopupEventKind.CONVERTED).delete()
        self.visitor.get(f"/t/v/{token}.gif")
        events.emit(
            events.MOODLE_ENROLLED,
            [{"contact": self.contact, "course": self.course.pk, "at": self.now.isoformat()}],
        )
        self.assertEqual(self.conversions(), [(self.contact, "matricula", "script")])

    def test_the_report_says_which_method_measured_the_conversions(self) -> None:
        self.click(days_ago=1)
        enrol([self.contact], self.course, self.now)
        anonymous = self.click(days_ago=1, known=False)
        self.assertEqual(self.visitor.get(f"/t/v/{anonymous}.gif").status_code, 200)
        # One from before the method was kept.
        PopupEvent.objects.create(popup=self.popup, kind=PopupEventKind.CONVERTED, detail="x")
        analyst = User.objects.create_user("ana@example.org", "-", role=Role.ANALYST)
        self.client.force_login(analyst)
        self.client.cookies["pregon_language"] = "en"
        response = self.client.get(reverse("popups:report", args=[self.popup.code]))
        self.assertEqual(
            response.context["conversion_methods"],
            [
                ("moodle", "Moodle sync", 1),
                ("script", "Script in the classroom's page", 1),
                ("unknown", "Not recorded (a conversion from before Pregón kept the method)", 1),
            ],
        )
        self.assertContains(response, 'id="report-conversion-methods"')
        self.assertContains(response, '<tr data-method="moodle"><td>Moodle sync</td>')
        token = ApiToken.issue(analyst, "aula")[1]
        api = self.client.get(
            f"/api/v1/popups/{self.popup.code}/report", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        self.assertEqual(api.json()["conversions_by_method"], {"moodle": 1, "script": 1, "": 1})
