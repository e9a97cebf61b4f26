"""Who is in each course category: the contacts enrolled in some course of it or of its
subcategories (``CategoryMember``), which the category segment rule counts.

A category takes in its subcategories: those whose Moodle path ("/12/13") starts with its
own ("/12", or "/<its id>" when Moodle gave none) followed by "/". A category of a third of
the contacts is some 600,000 enrolments in 500 courses but one row per person here, read as
one range of the primary key (category, contact): PostgreSQL joins that with the contacts'
(status, id) index without hashing the enrolments (docs/design.md, bench/moodle_segments.py).

The sync keeps the rows exact, in the transaction of each change: a course's new and
removed enrolments (``enrolled``, ``unenrolled``), a course moved to another category
(``Placement``) and a category moved under another parent, or a new one (``Nesting``). A
contact deleted takes its rows with it (cascade). ``rebuild`` writes them all anew (the
migration that created them, and the benchmark's filled database).
"""

from collections.abc import Iterable

from django.db import connection

from pregon.moodle.models import Category, CategoryMember, Course, Enrolment

# Contacts per statement.
CHUNK = 5000


def takes_in() -> dict[int, set[int]]:
    """{category pk: the pks of the categories it takes in, itself included}."""
    rows = list(Category.objects.values_list("pk", "moodle_id", "path"))
    by_prefix: dict[str, list[int]] = {}
    for pk, moodle_id, path in rows:
        by_prefix.setdefault(f"{path or f'/{moodle_id}'}/", []).append(pk)
    within = {pk: {pk} for pk, _id, _path in rows}
    for pk, _id, path in rows:
        # The categories whose prefix this path starts with: those ending at one of its "/".
        for end, character in enumerate(path):
            if character == "/":
                for outer in by_prefix.get(path[: end + 1], ()):
                    within[outer].add(pk)
    return within


def _containing(category_pk: int | None, nesting: dict[int, set[int]]) -> list[int]:
    """The categories a course of ``category_pk`` is in: that one and those taking it in."""
    if category_pk is None:
        return []
    return sorted(pk for pk, inner in nesting.items() if category_pk in inner)


def _course_category(course_pk: int) -> int | None:
    return Course.objects.filter(pk=course_pk).values_list("category_id", flat=True).first()


def enrolled(course_pk: int, contact_ids: Iterable[int]) -> None:
    """The contacts of ``contact_ids`` were enrolled in the course: they are in each of its
    categories (those already there stay)."""
    ids = list(contact_ids)
    if not ids:
        return
    categories = _containing(_course_category(course_pk), takes_in())
    rows = [
        CategoryMember(category_id=category, contact_id=contact)
        for contact in ids
        for category in categories
    ]
    CategoryMember.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def unenrolled(course_pk: int, contact_ids: Iterable[int]) -> None:
    """The contacts of ``contact_ids`` left the course (their enrolments are deleted): each
    leaves those of its categories where no other course holds them."""
    ids = list(contact_ids)
    if not ids:
        return
    nesting = takes_in()
    for category in _containing(_course_category(course_pk), nesting):
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            still = Enrolment.objects.filter(
                course__category_id__in=nesting[category], contact_id__in=chunk
            ).values("contact_id")
            CategoryMember.objects.filter(category_id=category, contact_id__in=chunk).exclude(
                contact_id__in=still
            ).delete()


def refresh(category_pks: Iterable[int], nesting: dict[int, set[int]] | None = None) -> None:
    """Write the rows of these categories anew from the enrolments."""
    nesting = takes_in() if nesting is None else nesting
    members = CategoryMember._meta.db_table
    enrolments, courses = Enrolment._meta.db_table, Course._meta.db_table
    with connection.cursor() as cursor:
        for category in sorted(set(category_pks)):
            CategoryMember.objects.filter(category_id=category).delete()
            inner = sorted(nesting.get(category, ()))
            if not inner:
                continue
            marks = ", ".join(["%s"] * len(inner))
            # Only our own table names and placeholders are formatted in.
            cursor.execute(
                f"INSERT INTO {members} (category_id, contact_id) "  # noqa: S608
                f"SELECT DISTINCT %s, e.contact_id FROM {enrolments} AS e "
                f"JOIN {courses} AS c ON c.id = e.course_id WHERE c.category_id IN ({marks})",
                [category, *inner],
            )


def rebuild() -> None:
    """Write every category's rows anew."""
    nesting = takes_in()
    refresh(nesting, nesting)


class Nesting:
    """Around a change of the categories (new ones, or moved under another parent): which
    categories take in which, before and after; ``settle()`` refreshes the categories
    that took in or let go a category holding courses."""

    def __init__(self) -> None:
        self.before = takes_in()

    def settle(self) -> None:
        after = takes_in()
        # A category's people change only if it took in or let go one holding courses (a
        # new subcategory has none yet).
        holding = set(Course.objects.exclude(category=None).values_list("category_id", flat=True))
        refresh(
            [pk for pk, inner in after.items() if (inner ^ self.before.get(pk, set())) & holding],
            after,
        )


class Placement:
    """Around a change of the courses with these Moodle ids: the categories of those already
    synced (a new course has no enrolments yet), before and after; ``settle()`` refreshes
    the categories a moved course left or joined."""

    def __init__(self, course_moodle_ids: Iterable[int]) -> None:
        courses = Course.objects.filter(moodle_id__in=list(course_moodle_ids))
        self.before = dict(courses.values_list("pk", "category_id"))

    def settle(self) -> None:
        after = dict(
            Course.objects.filter(pk__in=list(self.before)).values_list("pk", "category_id")
        )
        nesting = takes_in()
        changed: set[int] = set()
        for pk, old in self.before.items():
            if after[pk] != old:
                # A category holding the course before and after holds the same people.
                changed |= set(_containing(old, nesting)) ^ set(_containing(after[pk], nesting))
        refresh(changed, nesting)
