"""Segment rules on the Moodle classroom: contacts enrolled (or not) in some courses, who
completed some, enrolled in a course of some categories, or in the last N days.
``MoodleConfig.ready()`` registers them with ``pregon.contacts.segments``, which may not
import moodle (DESIGN.md's app order).

Rules name courses and categories by their Moodle ids, the number after ``id=`` in the
classroom's addresses, which stay the same from one sync to the next. Each course rule is a
semi-join on ``Enrolment`` (``enrolled``) with the courses' primary keys resolved first, so
that a count reads the index (course, contact) and joins no courses; the category rule is
one on ``CategoryMember``, who is in each category (``bench/moodle_segments.py``).
"""

import datetime
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from pregon.contacts.segments import FieldSpec, RuleFamily, parse_days
from pregon.moodle.courses import (
    category_choices,
    course_choices,
    course_pks,
    known_categories,
    known_courses,
)
from pregon.moodle.models import Category, CategoryMember, Enrolment

GROUP = pgettext_lazy("segment group", "Moodle classroom")


def parse_courses(value: Any, spec: FieldSpec) -> list[int]:
    """Synced courses by Moodle id; returns their Moodle ids."""
    return known_courses(value)


def parse_categories(value: Any, spec: FieldSpec) -> list[int]:
    """Synced course categories by Moodle id; returns their Moodle ids."""
    return known_categories(value)


def enrolled(negated: bool = False, **lookups: Any) -> Q:
    """The contacts with an enrolment matching ``lookups`` (such as ``course_id__in``), or,
    ``negated``, with none; campaigns leave out those enrolled in the course they announce
    with it (``Campaign.chosen``)."""
    return _among(Enrolment.objects.filter(**lookups), negated)


def _among(rows: QuerySet, negated: bool) -> Q:
    """The contacts whose id is among ``rows``' ``contact_id``, or, ``negated``, is not.

    "A contact's id among those of the rows": both engines read the rows once, PostgreSQL
    as a semi-join and SQLite into a temporary index, where a correlated EXISTS makes
    SQLite seek the (contact, course) index once per course for every contact (a category
    of 500 courses: 500 seeks a contact). The negation is a NOT EXISTS on PostgreSQL,
    whose NOT IN cannot become an anti-join and, with more ids than work_mem holds, reads
    the whole list again for every contact.
    """
    if negated and connection.vendor == "postgresql":
        return ~Q(Exists(rows.filter(contact_id=OuterRef("pk"))))
    among = Q(pk__in=rows.values("contact_id"))
    return ~among if negated else among


def compile_enrolment(spec: FieldSpec, operator: str, value: Any) -> Q:
    """Enrolled in any of these courses, in none of them, or in some course in the last
    ``value`` days. Enrolments a first sync found have no date (``Enrolment.enrolled_at``):
    they are in no "last N days"."""
    if operator == "in_last_days":
        return enrolled(enrolled_at__gte=timezone.now() - datetime.timedelta(days=value))
    return enrolled(operator == "not_in_courses", course_id__in=course_pks(value))


def compile_completion(spec: FieldSpec, operator: str, value: Any) -> Q:
    """Completed any of these courses, or none of them (enrolled or not)."""
    courses = course_pks(value)
    return enrolled(operator == "not_in_courses", course_id__in=courses, completed_at__isnull=False)


def compile_category(spec: FieldSpec, operator: str, value: Any) -> Q:
    """Enrolled in a course of any of these categories (or of their subcategories), or in
    none of them: the categories' members (``pregon.moodle.members``), one row per person
    however many of their courses, rather than their courses' enrolments."""
    categories = Category.objects.filter(moodle_id__in=value).values_list("pk", flat=True)
    members = CategoryMember.objects.filter(category_id__in=list(categories))
    return _among(members, operator == "not_in_categories")


COURSE_OPERATOR_LABELS = {
    "in_courses": gettext_lazy("any of these courses"),
    "not_in_courses": gettext_lazy("none of these courses"),
}

ENROLMENTS = RuleFamily(
    kind="moodle_enrolment",
    group=GROUP,
    fields=(
        FieldSpec(
            "moodle_enrolled",
            pgettext_lazy("segment rule", "Enrolled in"),
            "moodle_enrolment",
            nullable=False,
        ),
    ),
    operators={"in_courses": "courses", "not_in_courses": "courses", "in_last_days": "days"},
    operator_labels={
        **COURSE_OPERATOR_LABELS,
        "in_last_days": gettext_lazy("some course, in the last … days"),
    },
    parsers={"courses": parse_courses, "days": parse_days},
    compile=compile_enrolment,
    choices=course_choices,
)
COMPLETIONS = RuleFamily(
    kind="moodle_completion",
    group=GROUP,
    fields=(
        FieldSpec(
            "moodle_completed",
            pgettext_lazy("segment rule", "Completed"),
            "moodle_completion",
            nullable=False,
        ),
    ),
    operators={"in_courses": "courses", "not_in_courses": "courses"},
    operator_labels=COURSE_OPERATOR_LABELS,
    parsers={"courses": parse_courses},
    compile=compile_completion,
    choices=course_choices,
)
CATEGORIES = RuleFamily(
    kind="moodle_category",
    group=GROUP,
    fields=(
        FieldSpec(
            "moodle_category",
            pgettext_lazy("segment rule", "Enrolled in a course of"),
            "moodle_category",
            nullable=False,
        ),
    ),
    operators={"in_categories": "categories", "not_in_categories": "categories"},
    operator_labels={
        "in_categories": gettext_lazy("any of these categories"),
        "not_in_categories": gettext_lazy("none of these categories"),
    },
    parsers={"categories": parse_categories},
    compile=compile_category,
    choices=category_choices,
)
