"""Who is in each category (``CategoryMember``, pregon/moodle/members.py), kept by the sync
through every change of the classroom, and the category rule that counts it: always the
same contacts as the enrolments in the category's courses and its subcategories' say."""

from django.db.models import Q

from pregon.contacts.models import Contact
from pregon.contacts.segments import count_contacts, filter_contacts
from pregon.moodle import members
from pregon.moodle.models import Category, CategoryMember, Course, Enrolment, SyncKind, SyncStatus
from pregon.testing import BaseTestCase
from pregon.testing.moodle_sync import connect, sync_now
from pregon.testing.moodle_ws import Category as MoodleCategory
from pregon.testing.moodle_ws import Course as MoodleCourse
from pregon.testing.moodle_ws import Dataset, FakeMoodle


def enrolled_in_category(moodle_id: int) -> set[str]:
    """The contacts enrolled in a course of the category or of one under its path, read
    from the enrolments: the rule as it was before ``CategoryMember``."""
    category = Category.objects.get(moodle_id=moodle_id)
    prefix = f"{category.path or f'/{moodle_id}'}/"
    courses = Course.objects.filter(Q(category=category) | Q(category__path__startswith=prefix))
    enrolments = Enrolment.objects.filter(course__in=courses)
    return set(enrolments.values_list("contact__email", flat=True))


def rule(operator: str, moodle_ids: list[int]) -> dict:
    return {
        "match": "all",
        "rules": [{"field": "moodle_category", "operator": operator, "value": moodle_ids}],
    }


class CategoryMembersTestCase(BaseTestCase):
    """A generated classroom of 14 categories (10 at the top, 4 under them), 30 courses and
    about 300 enrolments, synced, changed in Moodle and synced again."""

    def setUp(self) -> None:
        super().setUp()
        self.dataset = Dataset.generate(users=80, courses=30, enrolments=300, categories=14, seed=7)
        self.moodle = self.enterContext(FakeMoodle(self.dataset))
        connect(self.moodle)

    def sync(self, kind: SyncKind = SyncKind.INCREMENTAL) -> None:
        self.assertEqual(sync_now(kind).status, SyncStatus.DONE)

    def assertExact(self) -> None:
        """Every category's members are those its enrolments say, row by row and through
        the rule, "in" and "not in" (which also takes in contacts in no course)."""
        everyone = set(Contact.objects.values_list("email", flat=True))
        rows = set(CategoryMember.objects.values_list("category__moodle_id", "contact__email"))
        expected = set()
        for moodle_id in Category.objects.values_list("moodle_id", flat=True):
            inside = enrolled_in_category(moodle_id)
            expected |= {(moodle_id, email) for email in inside}
            with self.subTest(category=moodle_id):
                found = filter_contacts(rule("in_categories", [moodle_id]))
                self.assertEqual(set(found.values_list("email", flat=True)), inside)
                outside = filter_contacts(rule("not_in_categories", [moodle_id]))
                self.assertEqual(set(outside.values_list("email", flat=True)), everyone - inside)
        self.assertEqual(rows, expected)

    def some_enrolment(self, course: int) -> int:
        """A user enrolled in ``course`` as a student."""
        return next(iter(self.dataset.rosters[course].users))

    def test_the_first_sync_fills_every_category(self) -> None:
        self.sync()
        self.assertGreater(CategoryMember.objects.count(), 100)
        # Some categories hold subcategories, and take in their people.
        parents = {c.parent for c in self.dataset.categories.values()} - {0}
        self.assertTrue(parents)
        self.assertExact()
        # Several categories at once: anyone in one of them.
        both = enrolled_in_category(1) | enrolled_in_category(2)
        found = filter_contacts(rule("in_categories", [1, 2]))
        self.assertEqual(set(found.values_list("email", flat=True)), both)
        self.assertEqual(count_contacts(rule("in_categories", [1, 2])), len(both))

    def test_enrolments_and_unenrolments_of_an_incremental_sync(self) -> None:
        self.sync()
        course = next(c for c in self.dataset.courses if self.dataset.rosters[c].users)
        category = self.dataset.courses[course].category
        # Someone in no course of the category joins it; everyone of the course leaves it,
        # some of them still in another course of the category, some not.
        elsewhere = {
            user
            for other, roster in self.dataset.rosters.items()
            if self.dataset.courses[other].category != category
            for user in roster.users
        }
        newcomer = min(elsewhere - set(self.dataset.rosters[course].users))
        leaving = list(self.dataset.rosters[course].users)
        self.dataset.enrol(newcomer, course)
        for user in leaving:
            self.dataset.unenrol(user, course)
        self.sync()
        self.assertExact()

    def test_a_course_moved_to_another_category(self) -> None:
        self.sync()
        course = max(self.dataset.courses, key=lambda c: len(self.dataset.rosters[c].users))
        old = self.dataset.courses[course].category
        new = next(c for c in self.dataset.categories if c != old)
        self.dataset.move_course(course, new)
        self.sync()
        self.assertEqual(Course.objects.get(moodle_id=course).category.moodle_id, new)
        self.assertExact()

    def test_a_category_moved_under_another_parent_and_to_the_top(self) -> None:
        self.sync()
        sub = next(c for c in self.dataset.categories.values() if c.parent)
        old_parent = sub.parent
        new_parent = next(c for c in self.dataset.categories if c not in (sub.id, old_parent))
        self.dataset.move_category(sub.id, new_parent)
        self.sync()
        self.assertEqual(Category.objects.get(moodle_id=sub.id).parent_moodle_id, new_parent)
        self.assertExact()
        # A top category put under another takes its courses' people there.
        top = next(
            c
            for c in self.dataset.categories.values()
            if not c.parent and c.id not in (new_parent, old_parent)
        )
        self.dataset.move_category(top.id, old_parent)
        self.dataset.move_category(sub.id, 0)
        self.sync(SyncKind.FULL)
        self.assertExact()

    def test_a_new_category_and_course(self) -> None:
        self.sync()
        self.dataset.add_category(MoodleCategory(90, "Posgrado"))
        self.dataset.move_category(1, 90)
        self.dataset.add_course(MoodleCourse(900, "Seminario", "SEM", 90))
        user = self.some_enrolment(
            next(c for c in self.dataset.rosters if self.dataset.rosters[c].users)
        )
        self.dataset.enrol(user, 900)
        self.sync()
        self.assertIn(
            self.dataset.users[user].email.lower(),
            {email.lower() for email in enrolled_in_category(90)},
        )
        self.assertExact()

    def test_a_deleted_contact_leaves_its_categories(self) -> None:
        self.sync()
        contact = Contact.objects.filter(enrolments__isnull=False).first()
        self.assertTrue(CategoryMember.objects.filter(contact=contact).exists())
        contact.delete()
        self.assertFalse(CategoryMember.objects.filter(contact_id=contact.pk).exists())
        self.assertExact()

    def test_rebuild_writes_what_the_sync_kept(self) -> None:
        # What the migration that created the rows runs on the enrolments syncs left.
        self.sync()
        self.dataset.move_course(2, 3)
        self.dataset.unenrol(self.some_enrolment(4), 4)
        self.sync()
        kept = set(CategoryMember.objects.values_list("category_id", "contact_id"))
        CategoryMember.objects.all().delete()
        members.rebuild()
        self.assertEqual(set(CategoryMember.objects.values_list("category_id", "contact_id")), kept)
