"""The synced courses and categories as people choose them: in segment rules, the course a
campaign or a pop-up announces, a pop-up's courses and categories, and the courses that
start a workflow. Always by Moodle id,
the number after ``id=`` in the classroom's addresses, which stays the same from one sync to
the next. And as the courses page and the API list them: searched, with their counts."""

from typing import Any

from django import forms
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from pregon.contacts.segments import as_list
from pregon.moodle import members
from pregon.moodle.models import Category, Course, Enrolment


def course_label(course: Course) -> str:
    """A course as choices show it: its name, and its short name when it differs."""
    if course.shortname and course.shortname != course.fullname:
        return f"{course.fullname} ({course.shortname})"
    return course.fullname


def course_choices() -> list[dict]:
    """The synced courses, visible ones first, by name, valued by their Moodle ids."""
    courses = Course.objects.only("moodle_id", "fullname", "shortname", "visible")
    choices = []
    for course in courses.order_by("-visible", "fullname", "moodle_id"):
        label = course_label(course)
        if not course.visible:
            label = _("%(course)s (hidden in Moodle)") % {"course": label}
        choices.append({"value": course.moodle_id, "label": label})
    return choices


def category_labels() -> dict[int, str]:
    """Each synced category's Moodle id and its name after its parents' ("Posgrado /
    Maestrías"), in that order."""
    rows = list(Category.objects.values_list("moodle_id", "name", "path"))
    names = {moodle_id: name for moodle_id, name, _path in rows}
    labels = {}
    for moodle_id, name, path in rows:
        parents = [int(part) for part in path.split("/") if part.isdecimal()]
        trail = [names[parent] for parent in parents if parent in names and parent != moodle_id]
        labels[moodle_id] = " / ".join([*trail, name])
    return dict(sorted(labels.items(), key=lambda item: item[1].casefold()))


def category_choices() -> list[dict]:
    """The synced categories, by their full names, valued by their Moodle ids."""
    return [{"value": moodle_id, "label": label} for moodle_id, label in category_labels().items()]


def _moodle_ids(value: Any, known: set[int], unknown: str) -> list[int]:
    """The Moodle ids ``value`` names (one or several), in order and once each; raises
    ValueError with ``unknown`` for one that is not in ``known``."""
    ids = []
    for item in as_list(value):
        text = str(item).strip()
        if not text.isdecimal() or int(text) not in known:
            raise ValueError(unknown % {"value": text})
        ids.append(int(text))
    return list(dict.fromkeys(ids))


def known_courses(value: Any) -> list[int]:
    """The Moodle ids of the synced courses ``value`` names (segment rules, workflow
    triggers); raises ValueError, in words for staff, for one no sync has seen."""
    known = set(Course.objects.values_list("moodle_id", flat=True))
    return _moodle_ids(value, known, _("unknown Moodle course “%(value)s”: sync the courses."))


def known_categories(value: Any) -> list[int]:
    """The Moodle ids of the synced categories ``value`` names; raises ValueError as
    ``known_courses`` does."""
    known = set(Category.objects.values_list("moodle_id", flat=True))
    message = _("unknown Moodle category “%(value)s”: sync the courses.")
    return _moodle_ids(value, known, message)


def course_pks(moodle_ids: list[int]) -> list[int]:
    """The primary keys of the courses with these Moodle ids."""
    return list(Course.objects.filter(moodle_id__in=moodle_ids).values_list("pk", flat=True))


def category_course_pks(moodle_ids: list[int]) -> list[int]:
    """The primary keys of the courses in the categories with these Moodle ids or in their
    subcategories (which categories take in which: ``members.takes_in``)."""
    within = members.takes_in()
    categories = Category.objects.filter(moodle_id__in=moodle_ids).values_list("pk", flat=True)
    inner = set().union(*(within[pk] for pk in categories))
    return list(Course.objects.filter(category_id__in=inner).values_list("pk", flat=True))


def offer_courses(form: forms.ModelForm, name: str) -> bool:
    """Make ``form``'s course field ``name`` (a foreign key to Course) a select of the synced
    courses by Moodle id, visible ones first, as the API names them too. Returns whether
    any course was synced: without one, the screens leave the field out."""
    field: Any = form.fields[name]
    field.queryset = Course.objects.all()
    field.to_field_name = "moodle_id"
    field.empty_label = _("No course")
    field.error_messages["invalid_choice"] = _(
        "That course is not among those synced from Moodle: choose one from the list, or sync "
        "the courses first."
    )
    offered = course_choices()
    field.choices = [("", field.empty_label)] + [(c["value"], c["label"]) for c in offered]
    current = getattr(form.instance, name)
    if current is not None:
        # A model form's initial value is the course's key; the select's are Moodle ids.
        form.initial[name] = current.moodle_id
    return bool(offered)


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
