"""Moodle's segment rules (pregon/moodle/segment_rules.py): enrolled in some courses or in
none, completed some, enrolled in a course of some categories (subcategories included), or
in the last N days; what the editor offers; counted through the segment screens' count."""

import datetime
import json

from django.test import TestCase
from django.utils import timezone, translation

from pregon.contacts.models import Contact
from pregon.contacts.segments import catalogue, count_contacts, filter_contacts, validate_rules
from pregon.moodle import members
from pregon.moodle.models import Category, Course, Enrolment
from pregon.testing import BaseTestCase


def rule(field: str, operator: str, value: object = None) -> dict:
    return {"match": "all", "rules": [{"field": field, "operator": operator, "value": value}]}


def build_classroom() -> dict[str, Course]:
    """Categories Posgrado (12) > Maestrías (13), and Cursos libres (20); courses 101 (in
    Maestrías), 102 (in Posgrado), 201 (in Cursos libres, hidden) and 202 (no one in it).

    ana: enrolled in 101 by the first sync (no date) and completed it; beto: in 102 three
    days ago and in 201 forty days ago; carla: in 201, first sync; dora: in no course.
    """
    posgrado = Category.objects.create(moodle_id=12, name="Posgrado", path="/12")
    maestrias = Category.objects.create(
        moodle_id=13, name="Maestrías", parent_moodle_id=12, path="/12/13"
    )
    libres = Category.objects.create(moodle_id=20, name="Cursos libres", path="/20")
    courses = {
        "101": Course.objects.create(
            moodle_id=101, category=maestrias, fullname="Maestría en Gestión", shortname="MGP"
        ),
        "102": Course.objects.create(
            moodle_id=102, category=posgrado, fullname="Diplomado en Datos", shortname="DD"
        ),
        "201": Course.objects.create(
            moodle_id=201,
            category=libres,
            fullname="Excel básico",
            shortname="Excel básico",
            visible=False,
        ),
        "202": Course.objects.create(
            moodle_id=202, category=libres, fullname="Redacción", shortname="RED"
        ),
    }
    now = timezone.now()
    people = {name: Contact.objects.create(email=f"{name}@example.pe") for name in ("ana", "beto")}
    people["carla"] = Contact.objects.create(email="carla@example.pe")
    Contact.objects.create(email="dora@example.pe")
    Enrolment.objects.create(course=courses["101"], contact=people["ana"], completed_at=now)
    Enrolment.objects.create(
        course=courses["102"], contact=people["beto"], enrolled_at=now - datetime.timedelta(days=3)
    )
    Enrolment.objects.create(
        course=courses["201"], contact=people["beto"], enrolled_at=now - datetime.timedelta(days=40)
    )
    Enrolment.objects.create(course=courses["201"], contact=people["carla"])
    # Who is in which category, as a sync leaves it (test_category_members syncs it).
    members.rebuild()
    return courses


class MoodleSegmentRulesTestCase(TestCase):
    def setUp(self) -> None:
        build_classroom()

    def who(self, rules: dict) -> list[str]:
        return sorted(c.email.split("@")[0] for c in filter_contacts(validate_rules(rules)))

    def test_enrolled_in_any_of_these_courses(self) -> None:
        self.assertEqual(self.who(rule("moodle_enrolled", "in_courses", [101])), ["ana"])
        self.assertEqual(
            self.who(rule("moodle_enrolled", "in_courses", [101, "201"])), ["ana", "beto", "carla"]
        )
        self.assertEqual(self.who(rule("moodle_enrolled", "in_courses", [202])), [])

    def test_enrolled_in_none_of_these_courses_includes_those_in_no_course(self) -> None:
        self.assertEqual(
            self.who(rule("moodle_enrolled", "not_in_courses", [201])), ["ana", "dora"]
        )
        self.assertEqual(
            self.who(rule("moodle_enrolled", "not_in_courses", [202])),
            ["ana", "beto", "carla", "dora"],
        )

    def test_completed_a_course(self) -> None:
        self.assertEqual(self.who(rule("moodle_completed", "in_courses", [101, 102])), ["ana"])
        self.assertEqual(
            self.who(rule("moodle_completed", "not_in_courses", [101])), ["beto", "carla", "dora"]
        )

    def test_enrolled_but_not_completed_yet(self) -> None:
        rules = {
            "match": "all",
            "rules": [
                {"field": "moodle_enrolled", "operator": "in_courses", "value": [101, 102]},
                {"field": "moodle_completed", "operator": "not_in_courses", "value": [101, 102]},
            ],
        }
        self.assertEqual(self.who(rules), ["beto"])

    def test_a_category_takes_in_its_subcategories(self) -> None:
        # 101 is in Maestrías, under Posgrado; 102 is in Posgrado itself.
        self.assertEqual(self.who(rule("moodle_category", "in_categories", [12])), ["ana", "beto"])
        self.assertEqual(self.who(rule("moodle_category", "in_categories", [13])), ["ana"])
        self.assertEqual(
            self.who(rule("moodle_category", "not_in_categories", [20])), ["ana", "dora"]
        )

    def test_a_category_without_courses_holds_nobody(self) -> None:
        Category.objects.create(moodle_id=30, name="Vacía", path="/30")
        self.assertEqual(self.who(rule("moodle_category", "in_categories", [30])), [])
        self.assertEqual(
            self.who(rule("moodle_category", "not_in_categories", [30])),
            ["ana", "beto", "carla", "dora"],
        )

    def test_enrolled_in_the_last_days_leaves_out_the_first_syncs_enrolments(self) -> None:
        self.assertEqual(self.who(rule("moodle_enrolled", "in_last_days", 7)), ["beto"])
        self.assertEqual(self.who(rule("moodle_enrolled", "in_last_days", "2")), [])
        self.assertEqual(count_contacts(rule("moodle_enrolled", "in_last_days", 60)), 1)

    def test_unknown_courses_and_categories_are_refused_with_what_to_do(self) -> None:
        with translation.override("en"):
            with self.assertRaisesMessage(
                ValueError,
                "Condition on “Enrolled in”: unknown Moodle course “999”: sync the courses.",
            ):
                validate_rules(rule("moodle_enrolled", "in_courses", [101, 999]))
            with self.assertRaisesMessage(ValueError, "unknown Moodle category “abc”"):
                validate_rules(rule("moodle_category", "in_categories", ["abc"]))
            with self.assertRaisesMessage(ValueError, "choose at least one value."):
                validate_rules(rule("moodle_completed", "in_courses", []))
            with self.assertRaisesMessage(ValueError, "is not an operator"):
                validate_rules(rule("moodle_completed", "in_last_days", 5))

    def test_the_editor_offers_synced_courses_visible_first_and_categories_by_path(self) -> None:
        with translation.override("en"):
            groups = {group["label"]: group for group in catalogue()["groups"]}
        fields = {field["name"]: field for field in groups["Moodle classroom"]["fields"]}
        self.assertEqual(set(fields), {"moodle_enrolled", "moodle_completed", "moodle_category"})
        self.assertEqual(
            fields["moodle_enrolled"]["choices"],
            [
                {"value": 102, "label": "Diplomado en Datos (DD)"},
                {"value": 101, "label": "Maestría en Gestión (MGP)"},
                {"value": 202, "label": "Redacción (RED)"},
                {"value": 201, "label": "Excel básico (hidden in Moodle)"},
            ],
        )
        self.assertEqual(
            fields["moodle_completed"]["choices"], fields["moodle_enrolled"]["choices"]
        )
        self.assertEqual(
            fields["moodle_category"]["choices"],
            [
                {"value": 20, "label": "Cursos libres"},
                {"value": 12, "label": "Posgrado"},
                {"value": 13, "label": "Posgrado / Maestrías"},
            ],
        )
        operators = [op["name"] for op in fields["moodle_enrolled"]["operators"]]
        self.assertEqual(operators, ["in_courses", "not_in_courses", "in_last_days"])
        self.assertEqual(fields["moodle_enrolled"]["operators"][2]["value"], "days")


class MoodleSegmentCountTestCase(BaseTestCase):
    """The segment editor's count (contacts:segment_count) with a course rule."""

    def test_it_counts_those_enrolled_in_a_course(self) -> None:
        build_classroom()
        self.client.force_login(self.bob)
        rules = rule("moodle_enrolled", "in_courses", [201])
        response = self.client.post("/contactos/segmentos/contar/", {"rules": json.dumps(rules)})
        self.assertEqual(response.json(), {"count": 2, "label": "2 contacts"})
        rules = rule("moodle_enrolled", "in_courses", [555])
        response = self.client.post("/contactos/segmentos/contar/", {"rules": json.dumps(rules)})
        self.assertEqual(response.status_code, 400)
        self.assertIn("unknown Moodle course “555”", response.json()["error"])
