"""The API's campaigns with the Moodle course they announce (by its Moodle id) and "leave out
those already enrolled", checked as the campaign form checks them."""

from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact
from pregon.moodle.models import Course, Enrolment
from pregon.testing import drafts
from pregon.testing.api import ApiTestCase


class CampaignCourseApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.list = drafts.mailing_list("Participantes", 3)
        self.course = Course.objects.create(moodle_id=55, fullname="Excel", shortname="XL")
        Enrolment.objects.create(
            course=self.course, contact=Contact.objects.get(email="participantes0@example.pe")
        )

    def create(self, **fields: object) -> dict:
        body = {"name": "Excel 2027", "subject": "Inscríbete", **fields}
        body["include_lists"] = [str(self.list.code)]
        response = self.call("POST", "/campaigns", body)
        return {**response.json(), "http": response.status_code}

    def test_it_creates_a_campaign_that_leaves_out_those_enrolled(self) -> None:
        body = self.create(course=55, exclude_enrolled=True)
        self.assertEqual(body["http"], 201, body)
        self.assertEqual((body["course"], body["exclude_enrolled"]), (55, True))
        self.assertEqual(body["recipient_count"], 2)
        campaign = Campaign.objects.get()
        self.assertEqual(campaign.course, self.course)

        url = f"/campaigns/{campaign.code}"
        response = self.call("PATCH", url, {"exclude_enrolled": False})
        self.assertEqual(response.json()["course"], 55)
        self.assertEqual(response.json()["recipient_count"], 3)
        response = self.call("PATCH", url, {"course": None})
        self.assertEqual(
            (response.json()["course"], response.json()["exclude_enrolled"]), (None, False)
        )

    def test_without_a_course_it_says_what_to_fix(self) -> None:
        body = self.create(exclude_enrolled=True)
        self.assertEqual(body["http"], 422)
        self.assertEqual(
            body["errors"],
            {
                "exclude_enrolled": [
                    "Choose the course it announces to leave out those already enrolled in it."
                ]
            },
        )
        body = self.create(course=56)
        self.assertEqual(body["http"], 422)
        self.assertIn("not among those synced from Moodle", body["errors"]["course"][0])
        self.assertFalse(Campaign.objects.exists())

    def test_a_campaign_without_a_course_says_null(self) -> None:
        body = self.create()
        self.assertEqual((body["course"], body["exclude_enrolled"]), (None, False))
