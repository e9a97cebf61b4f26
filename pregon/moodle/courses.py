"""The synced courses as the screens and the API list them: searched, with their counts."""

from django.db.models import Count, Q, QuerySet

from pregon.moodle.models import Category, Course, Enrolment


def find_courses(search: str = "", category: Category | None = None) -> QuerySet[Course]:
    """Synced courses whose name or short name contains ``search``, in ``category`` if given,
    visible ones first, by name."""
    courses = Course.objects.select_related("category")
    if search:
        courses = courses.filter(Q(fullname__icontains=search) | Q(shortname__icontains=search))
    if category is not None:
        courses = courses.filter(category=category)
    return courses.order_by("-visible", "fullname", "moodle_id")


def with_counts(courses: list[Course]) -> list[Course]:
    """``courses`` with ``enrolled_count`` and ``completed_count``, in one query for them all.
    Give it a page, not every course: each count reads the course's enrolments."""
    counts = {
        row["course"]: row
        for row in Enrolment.objects.filter(course__in=courses)
        .values("course")
        .annotate(enrolled=Count("pk"), completed=Count("completed_at"))
    }
    for course in courses:
        row = counts.get(course.pk, {})
        course.enrolled_count = row.get("enrolled", 0)
        course.completed_count = row.get("completed", 0)
    return courses


def enrolled_rules(course: Course) -> dict:
    """A segment's rules for "enrolled in ``course``" (pregon.moodle.segment_rules)."""
    condition = {"field": "moodle_enrolled", "operator": "in_courses", "value": [course.moodle_id]}
    return {"match": "all", "rules": [condition]}
