"""A pop-up and Moodle's synced courses: the course it announces, and its courses and
categories chosen from lists once they are synced (typed ids before), in the screens and in
the API."""

from django.urls import reverse

from pregon.moodle.models import Category, Course
from pregon.popups.models import Popup
from pregon.popups.tests.test_forms_popup import valid_data
from pregon.testing import BaseTestCase
from pregon.testing.api import ApiTestCase


def synced() -> None:
    """Categories Posgrado (12) > Maestrías (13); courses 101 (visible) and 201 (hidden)."""
    Category.objects.create(moodle_id=12, name="Posgrado", path="/12")
    maestrias = Category.objects.create(
        moodle_id=13, name="Maestrías", parent_moodle_id=12, path="/12/13"
    )
    Course.objects.create(
        moodle_id=101, category=maestrias, fullname="Maestría en Gestión", shortname="MGP"
    )
    Course.objects.create(
        moodle_id=201, category=maestrias, fullname="Excel", shortname="XL", visible=False
    )


class PopupCoursesScreenTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        self.create_url = reverse("popups:create", args=["curso"])

    def test_before_a_sync_courses_are_typed_as_ids(self) -> None:
        response = self.client.get(self.create_url)
        self.assertContains(response, 'type="text" name="course_ids"')
        self.assertNotContains(response, 'name="promoted_course"')
        self.client.post(self.create_url, valid_data(design="curso", course_ids="12, 15"))
        self.assertEqual(Popup.objects.get().course_ids, [12, 15])

    def test_synced_courses_and_categories_are_chosen_by_name(self) -> None:
        synced()
        response = self.client.get(self.create_url)
        self.assertContains(response, '<select name="course_ids"')
        self.assertContains(response, '<option value="101">Maestría en Gestión (MGP)</option>')
        self.assertContains(response, '<option value="201">Excel (XL) (hidden in Moodle)</option>')
        self.assertContains(response, '<option value="13">Posgrado / Maestrías</option>')
        self.assertContains(response, 'name="promoted_course"')

        data = valid_data(design="curso", promoted_course="101")
        data.update(course_ids=["101", "201"], category_ids=["13"])
        self.client.post(self.create_url, data)
        popup = Popup.objects.get()
        self.assertEqual((popup.course_ids, popup.category_ids), ([101, 201], [13]))
        self.assertEqual(popup.promoted_course, Course.objects.get(moodle_id=101))

    def test_ids_saved_before_and_not_synced_are_kept(self) -> None:
        synced()
        course = Course.objects.get(moodle_id=101)
        popup = Popup.objects.create(
            name="Curso", title="Curso", course_ids=[101, 999], promoted_course=course
        )
        response = self.client.get(reverse("popups:edit", args=[popup.code]))
        self.assertContains(
            response, '<option value="999" selected>Course 999 (not synced)</option>'
        )
        self.assertContains(response, '<option value="101" selected>Maestría en Gestión (MGP)')

    def test_a_course_not_synced_cannot_be_announced(self) -> None:
        synced()
        response = self.client.post(
            self.create_url, valid_data(design="curso", promoted_course="999")
        )
        self.assertContains(response, "That course is not among those synced from Moodle")
        self.assertFalse(Popup.objects.exists())


class PopupCoursesApiTestCase(ApiTestCase):
    def test_it_announces_a_course_by_its_moodle_id(self) -> None:
        synced()
        payload = {"name": "Curso", "title": "Curso", "promoted_course": 101, "course_ids": [101]}
        response = self.call("POST", "/popups", payload)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["promoted_course"], 101)
        code = response.json()["code"]
        response = self.call("PATCH", f"/popups/{code}", {"name": "Curso 2"})
        self.assertEqual(response.json()["promoted_course"], 101)
        response = self.call("PATCH", f"/popups/{code}", {"promoted_course": 5})
        self.assertEqual(response.status_code, 422)
        self.assertIn("promoted_course", response.json()["errors"])
        response = self.call("PATCH", f"/popups/{code}", {"promoted_course": None})
        self.assertIsNone(response.json()["promoted_course"])
