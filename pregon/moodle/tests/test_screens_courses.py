"""The synced courses page: editors and administrators, enrolled and completed counts,
search and category filter, and the link that opens the segment of those enrolled."""

import json
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pregon.contacts.models import Contact
from pregon.moodle.models import Category, Course, Enrolment
from pregon.testing import BaseTestCase


class CoursePageTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        self.url = reverse("moodle:courses")
        self.posgrado = Category.objects.create(moodle_id=4, name="Posgrado", path="/4")
        self.cursos = Category.objects.create(moodle_id=5, name="Cursos libres", path="/5")
        self.gestion = Course.objects.create(
            moodle_id=12,
            category=self.posgrado,
            fullname="Gestión pública",
            shortname="GP-2026",
            completion_enabled=True,
        )
        self.excel = Course.objects.create(
            moodle_id=15, category=self.cursos, fullname="Excel básico", shortname="XL"
        )
        self.oculto = Course.objects.create(
            moodle_id=20, fullname="Archivo 2019", shortname="ARCH", visible=False
        )
        contacts = [Contact.objects.create(email=f"alumno{n}@correo.pe") for n in range(5)]
        for n, contact in enumerate(contacts):
            Enrolment.objects.create(
                course=self.gestion,
                contact=contact,
                completed_at=timezone.now() if n < 2 else None,
            )
        Enrolment.objects.create(course=self.excel, contact=contacts[0])

    def rows(self, response: object) -> list[str]:
        html = response.content.decode()
        return [part.split('"', 1)[0] for part in html.split('<tr data-course="')[1:]]

    def test_analysts_may_not_see_it_and_anonymous_visitors_log_in(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.client.logout()
        self.assertRedirects(self.client.get(self.url), f"/cuenta/entrar/?next={self.url}")

    def test_it_lists_courses_visible_first_with_their_counts(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(self.rows(response), ["15", "12", "20"])
        html = response.content.decode()
        gestion = html[html.index('data-course="12"') :]
        self.assertIn('data-count="enrolled">5<', gestion)
        self.assertIn('data-count="completed">2<', gestion)
        self.assertIn("Posgrado", gestion)
        self.assertContains(response, "hidden in Moodle")

    def test_it_searches_by_name_or_short_name_and_filters_by_category(self) -> None:
        self.assertEqual(self.rows(self.client.get(self.url, {"q": "gestión"})), ["12"])
        self.assertEqual(self.rows(self.client.get(self.url, {"q": "xl"})), ["15"])
        self.assertEqual(self.rows(self.client.get(self.url, {"category": 5})), ["15"])
        response = self.client.get(self.url, {"q": "química"})
        self.assertContains(response, "No course matches the search.")

    def test_the_segment_link_opens_the_editor_with_enrolled_in_this_course(self) -> None:
        html = self.client.get(self.url, {"q": "gestión"}).content.decode()
        start = html.index('href="', html.index('data-course="12"')) + len('href="')
        link = html[start : html.index('"', start)].replace("&amp;", "&")
        self.assertEqual(urlsplit(link).path, reverse("contacts:segment_create"))
        editor = self.client.get(link)
        form = editor.context["form"]
        rules = form.initial["rules"]
        self.assertEqual(
            rules,
            {
                "match": "all",
                "rules": [{"field": "moodle_enrolled", "operator": "in_courses", "value": [12]}],
            },
        )
        self.assertEqual(form.initial["name"], "Enrolled in Gestión pública")
        count = self.client.post(reverse("contacts:segment_count"), {"rules": json.dumps(rules)})
        self.assertEqual(count.json()["count"], 5)
        self.assertEqual(parse_qs(urlsplit(link).query)["name"], ["Enrolled in Gestión pública"])

    def test_rules_a_link_cannot_hold_open_an_empty_editor(self) -> None:
        for rules in ("{not json", json.dumps({"match": "all", "rules": [{"field": "nada"}]})):
            with self.subTest(rules):
                editor = self.client.get(reverse("contacts:segment_create"), {"rules": rules})
                self.assertEqual(
                    editor.context["form"].initial["rules"], {"match": "all", "rules": []}
                )

    def test_before_any_sync_it_says_where_courses_come_from(self) -> None:
        Course.objects.all().delete()
        response = self.client.get(self.url)
        self.assertContains(response, "an administrator connects Moodle in Administration > Moodle")

    def test_a_page_costs_the_same_queries_however_many_courses_it_shows(self) -> None:
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(self.url).status_code, 200)
            return len(captured)

        few = queries()
        for number in range(60):
            course = Course.objects.create(
                moodle_id=100 + number, category=self.cursos, fullname=f"Curso {number}"
            )
            Enrolment.objects.create(course=course, contact=Contact.objects.first())
        self.assertEqual(queries(), few)
